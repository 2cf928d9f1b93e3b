import type { SyntaxNode } from '../parser/syntax.js';
import { closestMatch } from '../config/suggest.js';
import { replaceNode } from '../fix/edits.js';
import { acceptedKeywords, lookupApi, MODAL_API, type ApiClass, type ApiLookup, type ParameterList } from '../model/api/inventory.js';
import {
  DEPRECATED_NAMES, DEPRECATED_SANDBOX_CREATE_KEYWORDS, REMOVED_IMAGE_METHODS, REMOVED_LOOKUP_KEYWORDS, REMOVED_NAMES,
  REMOVED_REGISTRATION_KEYWORDS, REMOVED_WITH_OPTIONS_KEYWORDS,
} from '../model/legacy-api.js';
import { inCompatibilityFallback, insideImport, modalFromImports, modalNameUses } from '../model/modal-names.js';
import { callArguments, type ModalModel } from '../model/model.js';
import { REMOVED_CALL_KEYWORDS } from './removed-api.js';
import { defineRule, type RuleContext } from './types.js';

type Context = RuleContext<'unknownName' | 'unknownCommand' | 'unknownImageMethod' | 'unknownKeyword' | 'constructorRaises'>;

const VERSION = MODAL_API.modalClient.version;
const IMAGE_CLASS = 'modal.image.Image';
const APP_CLASS = 'modal.app.App';

export default defineRule({
  id: 'unknown-modal-api',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['api'],
  summary: 'Modal name, method or keyword argument that does not exist, or a constructor that always raises.',
  docs: {
    what: `Checks Modal names and calls against the inventory of Modal's public API (read from modal-client ${VERSION}'s source): \`modal.X\`, \`modal.submodule.X\` and class attributes such as \`modal.Volume.X\` that do not exist, methods that \`modal.Image\` does not have, keyword arguments that the called Modal function does not accept (on \`modal.*\` calls and constructors, \`from_name\` and other static methods, \`@app.function\` / \`@app.cls\` / \`@app.server\` / \`@app.local_entrypoint\`, \`modal.*\` decorators and Image methods), and constructors that always raise (\`modal.Dict()\`, \`modal.Volume()\`, \`modal.Image()\` ...). Names and keywords Modal removed are left to \`removed-api\`, which names their replacement. Nothing is reported where a project module named \`modal\` may shadow the package, on objects whose type is not proven, or for keywords hidden in \`**options\`.`,
    why: 'Python reports these only when the line runs: an unknown attribute raises AttributeError, an unknown keyword TypeError, and `Dict()` / `Queue()` RuntimeError, and `Volume()`, `Image()`, `Secret()` and the other object classes InvalidError ("has no constructor"). On decorators and module-level objects that is the moment `modal run` or `modal deploy` imports the file, and on every container start. `modal serve` and `modal deploy` are commands of the `modal` CLI, not functions of the package.',
    example: 'app = modal.App("jobs")\nq = modal.Queue()\n\n@app.function(retry=3, secret=modal.Secret.from_name("aws"))\ndef work(): ...\n\nif __name__ == "__main__":\n    modal.serve(app)',
    useInstead: 'app = modal.App("jobs")\nq = modal.Queue.from_name("jobs-queue", create_if_missing=True)\n\n@app.function(retries=3, secrets=[modal.Secret.from_name("aws")])\ndef work(): ...\n\n# run `modal serve app.py` in a shell',
    fixSafety: 'Unsafe, and only for an unknown keyword argument with exactly one close accepted keyword that the call does not already pass (`retry=` becomes `retries=`): the closest name is a guess, and the renamed argument changes what the call does. Other suggestions have no fix.',
    link: 'https://modal.com/docs/reference',
  },
  fixAvailability: 'sometimes',
  messages: {
    unknownName: `\`{name}\` does not exist in Modal ${VERSION} (AttributeError){hint}`,
    unknownCommand: `\`{name}\` does not exist in Modal ${VERSION} (AttributeError): \`modal {command}\` is a command of the \`modal\` CLI; run \`modal {command} path/to/app.py\` in a shell.`,
    unknownImageMethod: `\`modal.Image\` has no method \`{name}\` in Modal ${VERSION} (AttributeError){hint}`,
    unknownKeyword: `\`{callee}\` takes no keyword argument \`{keyword}\` in Modal ${VERSION} (TypeError){hint}`,
    constructorRaises: '`{name}(...)` always raises {exception}: the class has no public constructor; {instead}.',
  },
  check(ctx) {
    const { model } = ctx;
    if (!model.isModalFile || model.modalShadowed) return;
    checkNameUses(ctx);
    checkImports(ctx);
    checkCalls(ctx);
  },
});

/** Names `removed-api` reports (a removed name, or one under it), with its message. */
function knownToRemovedApi(qualified: string): boolean {
  const parts = qualified.split('.');
  for (let length = 2; length <= parts.length; length++) {
    const prefix = parts.slice(0, length).join('.');
    if (REMOVED_NAMES[prefix] || DEPRECATED_NAMES[prefix]) return true;
  }
  return parts[1] === 'Image' && parts.length >= 3 && parts[2]! in REMOVED_IMAGE_METHODS;
}

const REMOVED_KEYWORD_TABLES = [REMOVED_REGISTRATION_KEYWORDS, REMOVED_WITH_OPTIONS_KEYWORDS, REMOVED_LOOKUP_KEYWORDS, DEPRECATED_SANDBOX_CREATE_KEYWORDS, REMOVED_CALL_KEYWORDS];
function keywordKnownToRemovedApi(keyword: string): boolean {
  return REMOVED_KEYWORD_TABLES.some((table) => keyword in table);
}

/** The missing name as written (`modal.Volume.persisted`), and what to suggest. */
function reportMissing(ctx: Context, node: SyntaxNode, written: string, lookup: Extract<ApiLookup, { kind: 'missing' }>): void {
  const parts = written.split('.');
  if (lookup.containerKind === 'module' && lookup.container === 'modal' && MODAL_API.cliCommands.includes(lookup.name) && parts.length === 2) {
    ctx.report(node, 'unknownCommand', { name: written, command: lookup.name });
    return;
  }
  const candidates = lookup.known.filter((name) => !name.startsWith('_'));
  const suggestion = closestName(lookup.name, candidates);
  const hint = suggestion ? `; did you mean \`${[...parts.slice(0, -1), suggestion].join('.')}\`?` : '.';
  ctx.report(node, 'unknownName', { name: written, hint });
}

/** `hasattr(modal, "serve")` / `getattr(modal.X, "y", None)` around a use: the code checks first. */
function guardedByHasattr(node: SyntaxNode, name: string): boolean {
  for (const ancestor of node.ancestors()) {
    if (ancestor.type !== 'if_statement' && ancestor.type !== 'conditional_expression' && ancestor.type !== 'boolean_operator') continue;
    const condition = ancestor.type === 'if_statement' ? ancestor.field('condition')?.text ?? '' : ancestor.text;
    if (/\b(hasattr|getattr)\s*\(/.test(condition) && (condition.includes(`"${name}"`) || condition.includes(`'${name}'`))) return true;
  }
  return false;
}

/** Attribute uses in code: `modal.serve`, `m.runner.deploy_cli`, `Volume.persisted` (with `from modal import Volume`). */
function checkNameUses(ctx: Context): void {
  const missing = (qualified: string): Extract<ApiLookup, { kind: 'missing' }> | undefined => {
    const lookup = lookupApi(qualified);
    return lookup.kind === 'missing' && !knownToRemovedApi(qualified) ? lookup : undefined;
  };
  for (const { node, qualified, match: lookup } of modalNameUses(ctx.model, missing)) {
    // A name bound by `from modal import X` is reported once, at the import.
    if (node.type === 'identifier') continue;
    // Report the first missing part: `modal.Foo` in `modal.Foo.bar`.
    let target = node;
    for (let index = lookup.depth; index < qualified.split('.').length; index++) target = target.field('object') ?? target;
    if (guardedByHasattr(node, lookup.name)) continue;
    const written = writtenName(ctx.model, target);
    reportMissing(ctx, target, written, lookup);
  }
}

/** `modal.Volume.persisted` for `Volume.persisted` with `from modal import Volume`; the text otherwise. */
function writtenName(model: ModalModel, node: SyntaxNode): string {
  return model.qualifiedName(node) ?? node.text;
}

/** `from modal import serve`, `from modal.runner import deploy_cli`, `import modal.foo`. */
function checkImports(ctx: Context): void {
  const { model } = ctx;
  const reportedModules = new Set<SyntaxNode>();
  for (const binding of model.imports) {
    if (binding.level !== 0 || !(binding.module === 'modal' || binding.module.startsWith('modal.')) || inCompatibilityFallback(binding.statement)) continue;
    if (binding.module === 'modal' || knownToRemovedApi(binding.module) || reportedModules.has(binding.moduleNode)) continue;
    const lookup = lookupApi(binding.module);
    if (lookup.kind !== 'missing') continue;
    reportedModules.add(binding.moduleNode);
    reportMissing(ctx, binding.moduleNode, binding.module, lookup);
  }
  for (const { binding, qualified, nameNode } of modalFromImports(model)) {
    if (reportedModules.has(binding.moduleNode) || knownToRemovedApi(qualified)) continue;
    const lookup = lookupApi(qualified);
    if (lookup.kind !== 'missing' || lookup.container !== binding.module) continue;
    const imported = nameNode.type === 'aliased_import' ? nameNode.field('name')! : nameNode;
    reportMissing(ctx, imported, qualified, lookup);
  }
}

// ---- calls -----------------------------------------------------------------------------------

function checkCalls(ctx: Context): void {
  const { model } = ctx;
  const registrationCalls = new Map(model.registrations.filter((r) => r.call).map((r) => [r.call!, r]));
  for (const call of model.nodesOfType('call')) {
    if (insideImport(call) || inVersionFallback(call)) continue;
    const callee = call.field('function');
    if (!callee) continue;
    const registration = registrationCalls.get(call);
    if (registration) {
      const method = MODAL_API.classes[APP_CLASS]?.attributes[registration.kind];
      if (method?.params) checkKeywords(ctx, call, method.params, `${registration.appKey}.${registration.kind}`);
      continue;
    }
    const qualified = model.qualifiedName(callee);
    if (qualified) {
      if (!knownToRemovedApi(qualified)) checkModalCall(ctx, call, qualified);
      continue;
    }
    if (callee.type === 'attribute' && model.imageChainOf(callee.field('object'))) checkImageMethod(ctx, call, callee);
  }
}

/**
 * Code written for another Modal version: the `except TypeError:` / `except AttributeError:`
 * handler of a `try`, or the `try` side such a handler guards (`try: f(new=1)` / `except TypeError: f(old=1)`).
 */
function inVersionFallback(node: SyntaxNode): boolean {
  const catchesApiErrors = (clause: SyntaxNode): boolean => {
    const caught = clause.namedChildren.find((child) => child.type !== 'block');
    return /\b(TypeError|AttributeError)\b/.test(caught?.text ?? '');
  };
  let child = node;
  for (const ancestor of node.ancestors()) {
    if (ancestor.type === 'except_clause' && catchesApiErrors(ancestor)) return true;
    if (ancestor.type === 'try_statement' && child.fieldName === 'body' && ancestor.children.some((clause) => clause.type === 'except_clause' && catchesApiErrors(clause))) return true;
    child = ancestor;
  }
  return inCompatibilityFallback(node);
}

/** `modal.X(...)`, `modal.X.from_name(...)`, `@modal.method(...)`: constructors, static methods and functions. */
function checkModalCall(ctx: Context, call: SyntaxNode, qualified: string): void {
  const lookup = lookupApi(qualified);
  if (lookup.kind === 'class') {
    const constructor = lookup.cls.constructor;
    if (constructor?.raises) reportConstructor(ctx, call, qualified, lookup.cls);
    else if (constructor?.params) checkKeywords(ctx, call, constructor.params, qualified);
  } else if (lookup.kind === 'function' && !lookup.fn.raises) {
    checkKeywords(ctx, call, lookup.fn.params, qualified);
  } else if (lookup.kind === 'attribute' && lookup.attribute?.params && (lookup.attribute.kind === 'staticmethod' || lookup.attribute.kind === 'classmethod')) {
    checkKeywords(ctx, call, lookup.attribute.params, qualified);
  }
}

/** A method called on a proven Image: `image.pip_install(...)`, `modal.Image.debian_slim().run_commands(...)`. */
function checkImageMethod(ctx: Context, call: SyntaxNode, callee: SyntaxNode): void {
  const image = MODAL_API.classes[IMAGE_CLASS];
  const method = callee.field('attribute')!;
  if (!image || method.text in REMOVED_IMAGE_METHODS || method.text.startsWith('_')) return;
  const attribute = image.attributes[method.text];
  if (!attribute && !image.instanceAttributes.includes(method.text)) {
    const suggestion = closestName(method.text, Object.keys(image.attributes));
    ctx.report(method, 'unknownImageMethod', { name: method.text, hint: suggestion ? `; did you mean \`${suggestion}\`?` : '.' });
    return;
  }
  if (attribute?.params) checkKeywords(ctx, call, attribute.params, `Image.${method.text}`);
}

function checkKeywords(ctx: Context, call: SyntaxNode, params: ParameterList, callee: string): void {
  const accepted = acceptedKeywords(params);
  if (!accepted) return;
  const { keywordNodes } = callArguments(call);
  for (const [keyword, argument] of keywordNodes) {
    if (accepted.has(keyword) || keywordKnownToRemovedApi(keyword)) continue;
    const candidates = [...accepted].filter((name) => !name.startsWith('_'));
    const suggestion = closestName(keyword, candidates);
    const name = argument.field('name');
    // Renaming is offered only when the guess is the one close name, and not passed already (a repeated keyword is a SyntaxError).
    const fix = suggestion && name && !keywordNodes.has(suggestion) && closeNames(keyword, candidates).length === 1
      ? { safety: 'unsafe' as const, title: `Rename \`${keyword}=\` to \`${suggestion}=\``, edits: [replaceNode(name, suggestion)] }
      : undefined;
    ctx.report(name ?? argument, 'unknownKeyword', { callee, keyword, hint: suggestion ? `; did you mean \`${suggestion}=\`?` : '.' }, fix);
  }
}

/** Every candidate `closestName` could have picked: within the spelling tolerance, or sharing a start of four letters or more. */
function closeNames(word: string, candidates: string[]): string[] {
  return candidates.filter((candidate) => closestMatch(word, [candidate]) !== undefined || commonStart(word, candidate) >= Math.min(4, candidate.length));
}

function commonStart(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}

/**
 * A close spelling (`apt_instal` -> `apt_install`), else the candidate sharing the longest
 * start with the word (`retry` -> `retries`, `gpu_count` -> `gpu`).
 */
function closestName(word: string, candidates: string[]): string | undefined {
  const close = closestMatch(word, candidates);
  if (close) return close;
  let best: string | undefined;
  let bestLength = 0;
  for (const candidate of candidates) {
    let length = 0;
    while (length < word.length && length < candidate.length && word[length] === candidate[length]) length++;
    // The whole of a short candidate (`gpu`), or at least four letters of a longer one.
    const enough = length === candidate.length ? length >= 3 : length >= 4;
    if (enough && length > bestLength) [best, bestLength] = [candidate, length];
  }
  return best;
}

/** Factory methods to name instead of a constructor that always raises (`from_name`, `ephemeral` first). */
function factoriesOf(cls: ApiClass): string[] {
  const statics = Object.entries(cls.attributes).filter(([, attribute]) => attribute.kind === 'staticmethod' || attribute.kind === 'classmethod').map(([name]) => name);
  // An Image starts from a base image; named objects are looked up or made ephemeral. `from_id` needs an ID from elsewhere.
  const preferred = statics.includes('debian_slim') ? ['debian_slim', 'from_registry', 'micromamba'] : ['from_name', 'ephemeral', 'create'];
  const factories = preferred.filter((name) => statics.includes(name));
  return factories.length > 0 ? factories : statics.filter((name) => name.startsWith('from_') && name !== 'from_id').slice(0, 3);
}

function reportConstructor(ctx: Context, call: SyntaxNode, qualified: string, cls: ApiClass): void {
  const factories = factoriesOf(cls);
  const instead = factories.length > 0 ? `create one with ${factories.map((name) => `\`${qualified}.${name}(...)\``).join(' or ')}` : 'Modal creates these objects itself';
  ctx.report(call, 'constructorRaises', { name: qualified, exception: cls.constructor!.raises!, instead });
}
