import type { SyntaxNode } from '../parser/syntax.js';
import type { ImportBinding } from '../model/imports.js';
import { inCompatibilityFallback, insideImport, modalFromImports, modalNameUses } from '../model/modal-names.js';
import { callArguments, WEB_DECORATORS, type ModalModel } from '../model/model.js';
import {
  DUNDER_LIFECYCLE_METHODS, FUNCTION_CALL, FUNCTION_SECRET_KEYWORD, RECEIVER_APIS, REMOVED_APP_METHODS, REMOVED_IMAGE_METHODS, REMOVED_LOOKUP_KEYWORDS, REMOVED_NAMES,
  REMOVED_REGISTRATION_KEYWORDS, REMOVED_WITH_OPTIONS_KEYWORDS, type LegacyApi,
} from '../model/legacy-api.js';
import { gpuStringOfLegacyObject } from '../model/legacy-gpu.js';
import { modalObjectKind } from '../model/modal-objects.js';
import { acceptedKeywords, MODAL_API } from '../model/api/inventory.js';
import { functionHandleKind, isBareRegisteredFunction, isGeneratorFunction } from '../model/function-handles.js';
import { replaceNode } from '../fix/edits.js';
import {
  appWebDecoratorFix, clsMixinFix, concurrentDecoratorFix, copyLocalFix, functionCallFix, gpuObjectFix, lookupFix, persistedFix,
  renameImportedNameFix, renameKeywordFix, singularSecretFix, unusedImportFix,
} from '../fix/legacy-fixes.js';
import { defineRule, type Fix, type RuleContext } from './types.js';

type Context = RuleContext<'removed' | 'raises' | 'lifecycle' | 'lifecycleEnter'>;

/** Keywords `@modal.web_endpoint` shared with `@modal.fastapi_endpoint`; any other blocks the rename. */
const FASTAPI_ENDPOINT_KEYWORDS = new Set(['method', 'label', 'custom_domains', 'docs', 'requires_proxy_auth']);
/** Names a `from modal import X` fix can rename, with their uses. */
const RENAMED_IMPORTS: Record<string, string> = { 'modal.Stub': 'App', 'modal.web_endpoint': 'fastapi_endpoint' };

const METHOD_KEEP_WARM: LegacyApi = { replacement: 'set `min_containers` on `@app.cls`', version: '0.73.84' };
const WAIT_FOR_RESPONSE: LegacyApi = { replacement: 'return quickly and poll a spawned `FunctionCall` instead', version: '0.73.81' };
const CONTEXT_MOUNT: LegacyApi = { replacement: 'use `context_dir=`', version: '1.2.0' };
const DICT_DATA: LegacyApi = { replacement: 'fill the Dict after creating it', version: '1.4.0' };
const DOTTED_FUNCTION_NAME: LegacyApi = { replacement: 'look the class up with `modal.Cls.from_name(app, "Cls")`', version: '1.4.0', raises: true };
const APP_SUBSCRIPT: LegacyApi = { replacement: 'keep the object in a module-level variable', version: '0.72.48' };
const WEB_URL: LegacyApi = { replacement: 'call `f.get_web_url()`', version: '1.4.0' };
const SHOW_PROGRESS: LegacyApi = { replacement: 'wrap the run in `with modal.enable_output():`', version: '1.0.0' };
/** Keywords this rule reports on particular calls, beyond the legacy-api tables (other rules leave them to it). */
export const REMOVED_CALL_KEYWORDS: Readonly<Record<string, LegacyApi>> = {
  keep_warm: METHOD_KEEP_WARM, wait_for_response: WAIT_FOR_RESPONSE, context_mount: CONTEXT_MOUNT, data: DICT_DATA, show_progress: SHOW_PROGRESS,
};

export default defineRule({
  id: 'removed-api',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['migration', 'deprecation', 'modal-1.0'],
  summary: 'Name or keyword argument that Modal removed or turned into an error.',
  docs: {
    what: 'Flags Modal APIs that no longer exist or always raise in Modal 1.x: `modal.Stub`, `modal.Mount` and `mounts=`, `modal.gpu.*` objects, `@modal.build`, `@modal.web_endpoint`, `keep_warm=` / `concurrency_limit=` / `container_idle_timeout=` / `allow_concurrent_inputs=` / `secret=` and other removed keywords of `@app.function`, `@app.cls` and `@app.server`, `X.lookup(...)` (except `App.lookup`), `copy_local_file` / `copy_local_dir` / `conda_*` / `extend` / `from_dockerhub` on images, `context_mount=`, dunder lifecycle methods (`__enter__`, `__exit__`, `__build__`) on Modal classes, and the removed methods of Functions, Apps and other Modal objects, among them the pre-1.0 APIs that 2023-2024 code still uses: `f.call(...)` on a Modal Function (also one registered with a bare `@stub.function` or on a `modal.aio.AioStub`), `modal.container_app`, the old `Stub` decorators and methods (`@stub.webhook`, `@stub.asgi`, `@stub.wsgi`, `@stub.web_endpoint`, `@stub.asgi_app`, `@stub.wsgi_app`, `stub.serve()`, `stub.interactive_shell()`), `Volume` / `Dict` / `Queue` / `NetworkFileSystem.persisted(...)`, `modal.ClsMixin` and `modal.create_package_mounts`. Each use is reported once. Keywords count only on Modal calls, and attribute uses only on receivers proven to be Modal objects (a registered function, `modal.Function.from_name(...)`, an App); `secret=` on `CloudBucketMount` and `Image.from_registry` is valid and not flagged.',
    why: 'Modal 1.0 to 1.4 enforced the deprecations of the 0.x series: these names now raise AttributeError, TypeError or DeprecationError when the module is imported or the App is deployed, and dunder lifecycle methods are silently never called, so setup code does not run. Each message names the replacement and the version that removed the old API (modal-client changelog; `_utils/deprecation.py` for the autoscaler keywords, `_partial_function.py` for `web_endpoint`; for the pre-1.0 names, the modal-client commits that deleted them: 3138cb8a3 and e88c25bbe for the `Stub` web decorators, 0c48dbf9a for `Function.call`, `ClsMixin` and `create_package_mounts`, c9ee68067 for `modal.container_app`, fd00e7eb7 for `persisted`).',
    example: 'stub = modal.Stub("api")\n\n@stub.function(gpu=modal.gpu.A100(size="80GB"), keep_warm=1, secret=modal.Secret.from_name("hf"))\n@modal.web_endpoint(method="POST")\ndef predict(item: dict): ...',
    useInstead: 'app = modal.App("api")\n\n@app.function(gpu="A100-80GB", min_containers=1, secrets=[modal.Secret.from_name("hf")])\n@modal.fastapi_endpoint(method="POST")\ndef predict(item: dict): ...',
    fixSafety: 'Safe fixes are renames Modal documented as such and keep behaviour: `Stub` to `App`, `keep_warm` / `concurrency_limit` / `container_idle_timeout` / `_experimental_buffer_containers` to `min_containers` / `max_containers` / `scaledown_window` / `buffer_containers`, `web_endpoint` to `fastapi_endpoint` (only with arguments both accept), `secret=s` to `secrets=[s]`, `label=` / `tag=` to `name=`, `from_dockerhub` to `from_registry`, `copy_local_file` / `copy_local_dir` to `add_local_file` / `add_local_dir(..., copy=True)` (only with an absolute literal remote path, since the old relative default has no equivalent), `modal.gpu.X(...)` objects with literal arguments to the GPU string the object sent (`A100()` was the 40GB card) where the object only reaches `gpu=`, and, once nothing uses `modal.gpu`, `import modal.gpu` becomes `import modal` and `gpu` leaves `from modal import ...`. `f.call(...)` becomes `f.remote(...)` (`f.remote_gen(...)` when `f` is a generator function of this module; a generator looked up by name needs `.remote_gen`, which Modal\'s error then asks for), `X.persisted(name)` becomes `X.from_name(name, create_if_missing=True)`, and `modal.ClsMixin` leaves the class bases; `@stub.asgi(...)` / `@stub.wsgi(...)` / `@stub.asgi_app(...)` / `@stub.wsgi_app(...)` become `@stub.function(...)` over `@modal.asgi_app(...)` / `@modal.wsgi_app(...)`, the web keywords (`label`, `custom_domains`, `requires_proxy_auth`) moving to the web decorator. Unsafe fixes change behaviour: `@stub.webhook(...)` / `@stub.web_endpoint(...)` become `@stub.function(...)` over `@modal.fastapi_endpoint(...)`, which needs FastAPI installed in the Image; `X.lookup(...)` becomes the lazy `X.from_name(...)`, which no longer fails at the call when the object is missing; `allow_concurrent_inputs=N` becomes `@modal.concurrent(max_inputs=N)` below the App decorator (adding `concurrent` to `from modal import ...` when the module has no `import modal`), whose input concurrency and autoscaling targets you should check.',
    link: 'https://modal.com/docs/guide/modal-1-0-migration',
  },
  fixAvailability: 'sometimes',
  messages: {
    removed: '`{name}` was removed in Modal {version}: {replacement}.',
    raises: '`{name}` raises an error since Modal {version}: {replacement}.',
    lifecycle: '`{name}` is no longer called on a Modal class (ignored since Modal {version}): {replacement}.',
    lifecycleEnter: '`{name}` is no longer called when a Modal container starts (ignored since Modal {version}; only local calls through `.local()` still run it): {replacement}.',
  },
  check(ctx) {
    if (!ctx.model.isModalFile) return;
    const gpuStillUsed = checkNames(ctx);
    checkImports(ctx, gpuStillUsed);
    checkKeywords(ctx);
    checkCalls(ctx);
    checkRemovedAttributes(ctx);
    for (const modalClass of ctx.model.classes) {
      for (const method of modalClass.methods) {
        const hook = DUNDER_LIFECYCLE_METHODS[method.name];
        // `Obj.local()` still calls `__enter__` / `__aenter__` (`cls.py` `_enter`, `_aenter`); containers do not.
        const messageId = method.name === '__enter__' || method.name === '__aenter__' ? 'lifecycleEnter' : 'lifecycle';
        if (hook && method.decorators.length === 0) ctx.report(method.definition.field('name')!, messageId, { name: method.name, version: '0.68.40', replacement: hook });
      }
    }
  },
});

function flag(ctx: Context, node: SyntaxNode, name: string, api: LegacyApi, fix?: Fix): void {
  ctx.report(node, api.raises ? 'raises' : 'removed', { name, version: api.version, replacement: api.replacement }, fix);
}

function removedName(qualified: string): LegacyApi | undefined {
  return qualified.startsWith('modal.gpu.') ? REMOVED_NAMES['modal.gpu'] : REMOVED_NAMES[qualified];
}

/** Every use of a removed `modal.*` name in code (imports come next); returns whether `modal.gpu` is still used. */
function checkNames(ctx: Context): boolean {
  const { model } = ctx;
  let gpuStillUsed = false;
  const importFixes = raisingImportFixes(model);
  for (const { node, qualified, match: api } of modalNameUses(model, removedName)) {
    const call = node.parent?.type === 'call' && node.fieldName === 'function' ? node.parent : null;
    let [target, message, fix]: [SyntaxNode, LegacyApi, Fix | undefined] = [node, api, undefined];
    if (qualified.startsWith('modal.gpu')) {
      gpuStillUsed = true;
      const gpu = call ? gpuStringOfLegacyObject(model, call) : null;
      if (call) [target, fix] = [call, gpuObjectFix(model, call)];
      if (gpu) message = { ...api, replacement: `pass the string \`gpu="${gpu}"\`` };
    } else if (qualified === 'modal.Stub' && call && appRejectedKeywords(call).length > 0) {
      // `Stub("x", secret=s)`: `App` takes no such keyword, so the rename alone fails with TypeError.
      const rejected = appRejectedKeywords(call);
      message = { ...api, replacement: rejected.includes('secret')
        ? 'use `modal.App`, which takes no `secret=`: pass a list, `secrets=[...]`'
        : `use \`modal.App\`, which takes no ${rejected.map((k) => `\`${k}=\``).join(', ')} (Apps no longer hold objects by tag: keep each object in a module-level variable)` };
    } else if (qualified === 'modal.Function.lookup' && call && dottedFunctionName(model, call)) {
      // `Function.lookup(app, "Cls.method")`: `from_name` rejects the dotted name, so the class is what to look up.
      const [className, method] = dottedFunctionName(model, call)!.split('.', 2) as [string, string];
      message = { ...api, replacement: `look the class up with \`modal.Cls.from_name(app, "${className}")\` and call \`${method}\` on an instance (\`Function.from_name\` rejects a dotted name since Modal 1.4.0)` };
    } else if (node.type === 'attribute') {
      fix = attributeFix(node, qualified, call);
    } else {
      // `web_endpoint` bound by `from modal import web_endpoint`: every use carries the same rename of import and uses.
      const bindings = model.bindingsFor(node);
      fix = bindings.length === 1 ? importFixes.get(bindings[0]!.statement)?.get(node.text) : undefined;
    }
    flag(ctx, target, qualified, message, fix);
  }
  return gpuStillUsed;
}

/** Renames of `modal.Stub`, `modal.web_endpoint`, `modal.Image.from_dockerhub`, and `X.lookup` to `X.from_name`. */
function attributeFix(attribute: SyntaxNode, qualified: string, call: SyntaxNode | null): Fix | undefined {
  const name = attribute.field('attribute')!;
  const rename = (text: string): Fix => ({ safety: 'safe', title: `Rename to \`${text}\``, edits: [replaceNode(name, text)] });
  if (qualified === 'modal.Stub') return rename('App');
  if (qualified === 'modal.web_endpoint') return call && fastapiCompatible(call) ? rename('fastapi_endpoint') : undefined;
  if (qualified === 'modal.Image.from_dockerhub') {
    // `from_dockerhub(tag, setup_dockerfile_commands)`: a second positional would become `secret`.
    return call && callArguments(call).positional.length <= 1 ? rename('from_registry') : undefined;
  }
  if (/^modal\.\w+\.persisted$/.test(qualified)) return persistedFix(attribute);
  if (qualified === 'modal.ClsMixin') return clsMixinFix(attribute);
  const lookup = /^modal\.(\w+)\.lookup$/.exec(qualified);
  return lookup ? lookupFix(lookup[1]!, attribute) : undefined;
}

/** Keywords of a `Stub(...)` call that `modal.App` does not take (`mounts=` is reported on its own). */
function appRejectedKeywords(call: SyntaxNode): string[] {
  const accepted = acceptedKeywords(MODAL_API.classes['modal.app.App']?.constructor?.params ?? []);
  if (!accepted) return [];
  return [...callArguments(call).keywords.keys()].filter((keyword) => keyword !== 'mounts' && !accepted.has(keyword));
}

function fastapiCompatible(call: SyntaxNode): boolean {
  const args = callArguments(call);
  return !args.hasSplat && args.positional.length === 0 && [...args.keywords.keys()].every((keyword) => FASTAPI_ENDPOINT_KEYWORDS.has(keyword));
}

function checkImports(ctx: Context, gpuStillUsed: boolean): void {
  const { model } = ctx;
  const reportedStatements = new Set<SyntaxNode>();
  // `import modal.gpu`, `from modal.gpu import A100`: the module itself is gone.
  for (const binding of model.imports) {
    const moduleApi = binding.level === 0 && !inCompatibilityFallback(binding.statement) ? removedName(binding.module) : undefined;
    if (!moduleApi || reportedStatements.has(binding.statement)) continue;
    reportedStatements.add(binding.statement);
    flag(ctx, binding.moduleNode, binding.module, moduleApi, unusedImportFix(binding.statement, binding.moduleNode, gpuStillUsed));
  }
  for (const { binding, qualified, nameNode } of modalFromImports(model)) {
    const api = removedName(qualified);
    // A name that still exists and raises when called (`web_endpoint`) imports fine: its uses are reported.
    if (!api || api.raises || reportedStatements.has(binding.statement)) continue;
    const fix = qualified === 'modal.gpu' ? unusedImportFix(binding.statement, nameNode, gpuStillUsed) : importRenameFix(model, binding, nameNode, qualified);
    flag(ctx, nameNode, qualified, api, fix);
  }
}

/** Rename fixes of `from modal import X` for names that still exist but raise, by import statement and local name. */
function raisingImportFixes(model: ModalModel): Map<SyntaxNode, Map<string, Fix>> {
  const fixes = new Map<SyntaxNode, Map<string, Fix>>();
  for (const { binding, qualified, nameNode } of modalFromImports(model)) {
    if (!removedName(qualified)?.raises) continue;
    const fix = importRenameFix(model, binding, nameNode, qualified);
    if (!fix) continue;
    if (!fixes.has(binding.statement)) fixes.set(binding.statement, new Map());
    fixes.get(binding.statement)!.set(binding.localName, fix);
  }
  return fixes;
}

function importRenameFix(model: ModalModel, binding: ImportBinding, nameNode: SyntaxNode, qualified: string): Fix | undefined {
  const newName = RENAMED_IMPORTS[qualified];
  if (!newName) return undefined;
  const uses: SyntaxNode[] = [];
  for (const node of model.identifiersNamed(binding.localName)) {
    if (insideImport(node)) continue;
    if (node.fieldName === 'attribute' || (node.fieldName === 'name' && node.parent?.type === 'keyword_argument')) continue;
    const bindings = model.bindingsFor(node);
    if (bindings.length !== 1 || bindings[0]!.statement !== binding.statement) return undefined;
    const call = node.parent?.type === 'call' && node.fieldName === 'function' ? node.parent : null;
    if (qualified === 'modal.web_endpoint' && !(call && fastapiCompatible(call))) return undefined;
    if (qualified === 'modal.Stub' && call && appRejectedKeywords(call).length > 0) return undefined;
    uses.push(node);
  }
  return renameImportedNameFix(model, nameNode, uses, newName);
}

/** Removed keywords of registrations, `modal.App(...)` and `modal.*` decorators. */
function checkKeywords(ctx: Context): void {
  const { model } = ctx;
  for (const registration of model.registrations) {
    if (registration.kind === 'local_entrypoint') continue;
    for (const [keyword, argument] of registration.args.keywordNodes) {
      const api = keyword === 'secret' && registration.kind === 'function' ? FUNCTION_SECRET_KEYWORD : REMOVED_REGISTRATION_KEYWORDS[keyword];
      if (!api) continue;
      let fix: Fix | undefined;
      if (api.renamedTo) fix = renameKeywordFix(argument, api.renamedTo);
      else if (keyword === 'secret') fix = singularSecretFix(argument);
      else if (keyword === 'allow_concurrent_inputs') fix = concurrentDecoratorFix(model, registration, argument);
      flag(ctx, argument, `${keyword}=`, api, fix);
    }
  }
  for (const app of model.apps) {
    const mounts = callArguments(app.call).keywordNodes.get('mounts');
    if (mounts && app.constructor !== 'lookup') flag(ctx, mounts, 'mounts=', REMOVED_REGISTRATION_KEYWORDS.mounts!);
  }
  for (const fn of model.functions) {
    for (const decorator of fn.decorators) {
      const keepWarm = decorator.name === 'method' ? decorator.args.keywordNodes.get('keep_warm') : undefined;
      if (keepWarm) flag(ctx, keepWarm, 'keep_warm=', METHOD_KEEP_WARM);
      const wait = WEB_DECORATORS.has(decorator.name) ? decorator.args.keywordNodes.get('wait_for_response') : undefined;
      if (wait) flag(ctx, wait, 'wait_for_response=', WAIT_FOR_RESPONSE);
    }
  }
}

/** Calls on Images, on object lookups, and on receivers proven to be Modal Functions, Classes or Apps. */
function checkCalls(ctx: Context): void {
  const { model } = ctx;
  for (const node of model.nodesOfType('subscript', 'attribute', 'call')) {
    // `stub["image"]`: Apps no longer hold objects by tag.
    if (node.type === 'subscript' && modalObjectKind(model, node.field('value')) === 'App') {
      flag(ctx, node, 'App[...]', APP_SUBSCRIPT);
      continue;
    }
    if (node.type === 'attribute' && node.field('attribute')?.text === 'web_url' && !isAssignmentTarget(node)) {
      if (modalObjectKind(model, node.field('object')) === 'Function') flag(ctx, node, 'Function.web_url', WEB_URL);
      continue;
    }
    const callee = node.type === 'call' ? node.field('function') : null;
    if (callee?.type !== 'attribute') continue;
    const qualified = model.qualifiedName(callee);
    const lookup = qualified ? /^modal\.(\w+)\.(from_name|lookup|ephemeral)(?:\.aio)?$/.exec(qualified) : null;
    if (lookup) {
      checkLookupCall(ctx, lookup[1]!, lookup[2]!, node);
      continue;
    }
    if (qualified && removedName(qualified)) continue;
    const method = callee.field('attribute')!;
    const receiver = callee.field('object')!;
    const args = callArguments(node);
    if (model.imageChainOf(node)) {
      checkImageCall(ctx, node, method, receiver);
      continue;
    }
    const receiverApi = RECEIVER_APIS[method.text];
    if (receiverApi || method.text === 'with_options' || method.text === 'run') {
      const kind = modalObjectKind(model, receiver);
      if (!kind) continue;
      if (receiverApi && (receiverApi.kinds === null || receiverApi.kinds.includes(kind))) flag(ctx, method, `${kind}.${method.text}`, receiverApi.api);
      if (method.text === 'with_options' && (kind === 'Function' || kind === 'Cls')) {
        for (const [keyword, argument] of args.keywordNodes) {
          const api = REMOVED_WITH_OPTIONS_KEYWORDS[keyword];
          if (api) flag(ctx, argument, `${keyword}=`, api, api.renamedTo ? renameKeywordFix(argument, api.renamedTo) : undefined);
        }
      }
      const showProgress = method.text === 'run' && kind === 'App' ? args.keywordNodes.get('show_progress') : undefined;
      if (showProgress) flag(ctx, showProgress, 'show_progress=', SHOW_PROGRESS);
    }
  }
}

/**
 * `f.call` on a proven Modal Function (a registered function, a `Function.from_name` handle, a
 * method of a Modal class instance), and the removed `Stub` decorators and methods on a proven App.
 * A `subprocess.call` or a user's own `.call` method is no Modal Function and stays silent.
 */
function checkRemovedAttributes(ctx: Context): void {
  const { model } = ctx;
  for (const attribute of model.nodesOfType('attribute')) {
    const name = attribute.field('attribute')!;
    const receiver = attribute.field('object')!;
    if (isAssignmentTarget(attribute)) continue;
    if (name.text === 'call') {
      if (functionHandleKind(model, receiver) || isBareRegisteredFunction(model, receiver)) flag(ctx, name, 'Function.call', FUNCTION_CALL, functionCallFix(attribute, isGeneratorFunction(model, receiver)));
      continue;
    }
    const appMethod = Object.hasOwn(REMOVED_APP_METHODS, name.text) ? REMOVED_APP_METHODS[name.text]! : undefined;
    if (!appMethod || modalObjectKind(model, receiver) !== 'App') continue;
    flag(ctx, name, `App.${name.text}`, appMethod, appMethod.webDecorator ? appWebDecoratorFix(model, attribute, appMethod.webDecorator) : undefined);
  }
}

function isAssignmentTarget(node: SyntaxNode): boolean {
  return (node.parent?.type === 'assignment' || node.parent?.type === 'augmented_assignment') && node.fieldName === 'left';
}

/** The resolved function name of a `Function.from_name` / `Function.lookup` call when it is dotted (`"Cls.method"`). */
function dottedFunctionName(model: ModalModel, call: SyntaxNode): string | null {
  const args = callArguments(call);
  const value = model.resolve(args.positional[1] ?? args.keywords.get('name') ?? args.keywords.get('tag'));
  return value.kind === 'str' && value.value.includes('.') ? value.value : null;
}

function checkLookupCall(ctx: Context, kind: string, method: string, call: SyntaxNode): void {
  const args = callArguments(call);
  // The name may be given by keyword only where no positional argument already fills it.
  const namePositions = kind === 'Function' || kind === 'Cls' ? 1 : 0;
  for (const [keyword, argument] of args.keywordNodes) {
    const api = REMOVED_LOOKUP_KEYWORDS[keyword] ?? (kind === 'Dict' && keyword === 'data' ? DICT_DATA : undefined);
    if (!api) continue;
    const renamable = api.renamedTo && args.positional.length <= namePositions && !args.hasSplat;
    flag(ctx, argument, `${keyword}=`, api, renamable ? renameKeywordFix(argument, api.renamedTo!) : undefined);
  }
  const functionName = kind === 'Function' && method === 'from_name' ? dottedFunctionName(ctx.model, call) : null;
  if (functionName) {
    const className = functionName.split('.')[0]!;
    const api = { ...DOTTED_FUNCTION_NAME, replacement: `look the class up with \`modal.Cls.from_name(app, "${className}")\`` };
    flag(ctx, (args.positional[1] ?? args.keywordNodes.get('name'))!, `Function.from_name(app, "${functionName}")`, api);
  }
}

function checkImageCall(ctx: Context, call: SyntaxNode, method: SyntaxNode, receiver: SyntaxNode): void {
  const { model } = ctx;
  const args = callArguments(call);
  const removed = REMOVED_IMAGE_METHODS[method.text];
  if (removed && model.imageChainOf(receiver)) {
    let fix: Fix | undefined;
    if (method.text === 'copy_local_file' || method.text === 'copy_local_dir') fix = copyLocalFix(model, call, method.text);
    else if (method.text === 'from_dockerhub' && args.positional.length <= 1) fix = { safety: 'safe', title: 'Rename to `from_registry`', edits: [replaceNode(method, 'from_registry')] };
    flag(ctx, method, `Image.${method.text}`, removed, fix);
  }
  const contextMount = args.keywordNodes.get('context_mount');
  if (contextMount) flag(ctx, contextMount, 'context_mount=', CONTEXT_MOUNT);
  if (method.text !== 'run_function') return;
  for (const keyword of ['secret', 'mounts', 'shared_volumes']) {
    const argument = args.keywordNodes.get(keyword);
    if (argument) flag(ctx, argument, `${keyword}=`, REMOVED_REGISTRATION_KEYWORDS[keyword]!, keyword === 'secret' ? singularSecretFix(argument) : undefined);
  }
}
