import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments, type CallArguments } from '../model/model.js';
import {
  DEPRECATED_NAMES, DEPRECATED_SANDBOX_CREATE_KEYWORDS, DEPRECATED_SANDBOX_METHODS, type LegacyApi,
} from '../model/legacy-api.js';
import { modalFromImports, modalNameUses } from '../model/modal-names.js';
import { modalObjectKind } from '../model/modal-objects.js';
import { removeListItem, replaceNode } from '../fix/edits.js';
import { renameKeywordFix } from '../fix/legacy-fixes.js';
import { defineRule, type Fix, type RuleContext } from './types.js';

type Context = RuleContext<'deprecated'>;

const MAX_INPUTS: LegacyApi = { replacement: 'use `single_use_containers=True` (only `max_inputs=1` was ever accepted)', version: '1.3.0' };
const CUSTOM_INIT: LegacyApi = { replacement: 'declare parameters as `name: type = modal.parameter()` fields and move setup into a `@modal.enter()` method', version: '0.74.0' };
const WRAP_RETURNED_EXCEPTIONS: LegacyApi = { replacement: 'remove it (it has no effect: exceptions are no longer wrapped)', version: '1.4.0' };
const EXEC_PTY_INFO: LegacyApi = { replacement: 'use `pty=True`', version: '1.2.0' };
const SET_TAGS_CLIENT: LegacyApi = { replacement: 'pass `client=` when creating the Sandbox instead', version: '1.2.0' };
const LIST_WITHOUT_APP: LegacyApi = { replacement: 'scope it with `app_id=` (`modal.Sandbox.list(app_id=app.app_id)`)', version: '1.5.4' };

export default defineRule({
  id: 'deprecated-api',
  category: 'correctness',
  defaultSeverity: 'warning',
  precision: 'high',
  tags: ['migration', 'deprecation'],
  summary: 'Modal API that still works but is deprecated.',
  docs: {
    what: 'Flags Modal APIs that still run but warn or are documented as deprecated: `max_inputs=` on `@app.function` / `@app.cls`, a custom `__init__` on an `@app.cls` class, `wrap_returned_exceptions=` on `.map` / `.starmap`, `.aio` on `Image.from_id` / `FunctionCall.from_id` / `SandboxSnapshot.from_id`, `environment_name=` / `pty_info=` / `cidr_allowlist=` on `modal.Sandbox.create`, `open` / `ls` / `mkdir` / `rm` / `watch` and `exec(pty_info=)` / `set_tags(client=)` on a Sandbox, `modal.Sandbox.list()` without `app_id`, `modal.billing.workspace_billing_report`, and `modal.NetworkFileSystem`. Methods count only on receivers proven to be Modal objects (a registered function, `modal.Function.from_name(...)`, `modal.Sandbox.create(...)`).',
    why: 'Each of these prints a DeprecationError warning at run time (or, for NetworkFileSystem, is marked for removal in the docs) and goes away in a later release: Modal removes deprecated APIs in `1.Y.0` releases, which turns today\'s warning into tomorrow\'s failed deploy. Moving now is cheap; the replacement is named in each message, with the version that deprecated the old API (modal-client changelog and the `deprecation_warning` call sites in `app.py`, `cls.py`, `sandbox.py` and `parallel_map.py`).',
    example: '@app.function(max_inputs=1)\ndef handle(job: dict): ...\n\n@app.cls()\nclass Model:\n    def __init__(self, size: str):\n        self.size = size',
    useInstead: '@app.function(single_use_containers=True)\ndef handle(job: dict): ...\n\n@app.cls()\nclass Model:\n    size: str = modal.parameter()\n\n    @modal.enter()\n    def load(self): ...',
    fixSafety: 'Safe fixes keep behaviour: `max_inputs=1` becomes `single_use_containers=True` (the value Modal itself derives from it), `wrap_returned_exceptions=` is removed (Modal ignores it since 1.4.0), and `cidr_allowlist=` on `Sandbox.create` is renamed to `outbound_cidr_allowlist=` (Modal forwards it there).',
    link: 'https://modal.com/docs/reference/changelog',
  },
  fixAvailability: 'sometimes',
  messages: {
    deprecated: '`{name}` is deprecated since Modal {version}: {replacement}.',
  },
  check(ctx) {
    const { model } = ctx;
    if (!model.isModalFile) return;
    for (const registration of model.registrations) {
      const maxInputs = registration.kind === 'function' || registration.kind === 'cls' ? registration.args.keywordNodes.get('max_inputs') : undefined;
      if (maxInputs) flag(ctx, maxInputs, 'max_inputs=', MAX_INPUTS, singleUseFix(maxInputs, registration.args));
    }
    for (const modalClass of model.classes) {
      const init = modalClass.registration.kind === 'cls' ? modalClass.methods.find((m) => m.name === '__init__' && m.decorators.length === 0) : undefined;
      if (init) flag(ctx, init.definition.field('name')!, `${modalClass.name}.__init__`, CUSTOM_INIT);
    }
    for (const { node, qualified, match } of modalNameUses(model, (name) => DEPRECATED_NAMES[name])) flag(ctx, node, qualified, match);
    for (const { qualified, nameNode } of modalFromImports(model)) {
      const api = DEPRECATED_NAMES[qualified];
      if (api) flag(ctx, nameNode, qualified, api);
    }
    for (const node of model.nodesOfType('call')) checkCall(ctx, node);
  },
});

function flag(ctx: Context, node: SyntaxNode, name: string, api: LegacyApi, fix?: Fix): void {
  ctx.report(node, 'deprecated', { name, version: api.version, replacement: api.replacement }, fix);
}

/** `max_inputs=1` -> `single_use_containers=True`: `app.py` sets exactly that from it. */
function singleUseFix(keywordArgument: SyntaxNode, args: CallArguments): Fix | undefined {
  const value = keywordArgument.field('value');
  if (value?.type !== 'integer' || value.text !== '1' || args.keywords.has('single_use_containers')) return undefined;
  return { safety: 'safe', title: 'Use `single_use_containers=True`', edits: [replaceNode(keywordArgument, 'single_use_containers=True')] };
}

function checkCall(ctx: Context, call: SyntaxNode): void {
  const { model } = ctx;
  const callee = call.field('function');
  if (callee?.type !== 'attribute') return;
  const args = callArguments(call);
  const qualified = model.qualifiedName(callee)?.replace(/\.aio$/, '');
  if (qualified === 'modal.Sandbox.create') {
    for (const [keyword, argument] of args.keywordNodes) {
      const api = DEPRECATED_SANDBOX_CREATE_KEYWORDS[keyword];
      if (api) flag(ctx, argument, `Sandbox.create(${keyword}=)`, api, api.renamedTo ? renameKeywordFix(argument, api.renamedTo) : undefined);
    }
    return;
  }
  if (qualified === 'modal.Sandbox.list') {
    if (!args.keywords.has('app_id') && !args.hasSplat) flag(ctx, callee, 'Sandbox.list()', LIST_WITHOUT_APP);
    return;
  }
  // `sb.exec.aio(...)` and `f.map.aio(...)`: look through `.aio` to the method.
  const method = callee.field('attribute')!.text === 'aio' && callee.field('object')?.type === 'attribute' ? callee.field('object')! : callee;
  const name = method.field('attribute')!.text;
  const receiverKind = (): string | null => modalObjectKind(model, method.field('object'));
  if ((name === 'map' || name === 'starmap') && args.keywordNodes.has('wrap_returned_exceptions') && receiverKind() === 'Function') {
    const argument = args.keywordNodes.get('wrap_returned_exceptions')!;
    flag(ctx, argument, 'wrap_returned_exceptions=', WRAP_RETURNED_EXCEPTIONS, { safety: 'safe', title: 'Remove `wrap_returned_exceptions=`', edits: [removeListItem(argument)] });
  }
  const sandboxMethod = DEPRECATED_SANDBOX_METHODS[name];
  const ptyInfo = name === 'exec' ? args.keywordNodes.get('pty_info') : undefined;
  const tagsClient = name === 'set_tags' ? args.keywordNodes.get('client') : undefined;
  if (!sandboxMethod && !ptyInfo && !tagsClient) return;
  if (receiverKind() !== 'Sandbox') return;
  if (sandboxMethod) flag(ctx, method.field('attribute')!, `Sandbox.${name}`, sandboxMethod);
  if (ptyInfo) flag(ctx, ptyInfo, 'Sandbox.exec(pty_info=)', EXEC_PTY_INFO);
  if (tagsClient) flag(ctx, tagsClient, 'Sandbox.set_tags(client=)', SET_TAGS_CLIENT);
}
