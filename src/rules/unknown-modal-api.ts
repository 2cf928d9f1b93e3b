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
import { apiClassOf } from '../model/api/object-types.js';
import type { Signature, SignatureParameter } from '../model/call-signatures.js';
import { RECEIVER_APIS, REMOVED_APP_METHODS } from '../model/legacy-api.js';
import { defineRule, type RuleContext } from './types.js';

type Context = RuleContext<'unknownName' | 'unknownCommand' | 'unknownImageMethod' | 'unknownKeyword' | 'constructorRaises' | 'unknownAttribute' | 'positionalArguments' | 'missingArguments'>;

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
    what: `Checks Modal names and calls against the inventory of Modal's public API (read from modal-client ${VERSION}'s source): \`modal.X\`, \`modal.submodule.X\` and class attributes such as \`modal.Volume.X\` that do not exist, methods that \`modal.Image\` does not have, keyword arguments that the called Modal function does not accept (on \`modal.*\` calls and constructors, \`from_name\` and other static methods, \`@app.function\` / \`@app.cls\` / \`@app.server\` / \`@app.local_entrypoint\`, \`modal.*\` decorators and Image methods), positional arguments beyond what the called function takes (naming the keyword-only parameters they were meant for, as in \`app.deploy("name")\`) and required parameters not given, and constructors that always raise (\`modal.Dict()\`, \`modal.Volume()\`, \`modal.Image()\` ...). Objects whose class the call that made them proves are checked the same way, methods and attributes included: the inventory records the Modal class each function's return annotation names, so \`modal.App.lookup(...)\` is an App, \`modal.Volume.from_name(...)\` a Volume, \`f.spawn(...)\` a FunctionCall and \`f.with_options(...)\` a Function, through names bound once and \`.aio\` / \`await\`; classes with \`__getattr__\` (\`Cls\`) have their known methods' arguments checked but no unknown attribute reported. Names and keywords Modal removed are left to \`removed-api\`, which names their replacement. Nothing is reported where a project module named \`modal\` may shadow the package, on objects whose type is not proven, for attributes assigned to, under a \`hasattr\` test or in a \`try\` that catches AttributeError / TypeError, or for arguments hidden in \`*args\` / \`**options\`.`,
    why: 'Python reports these only when the line runs: an unknown attribute raises AttributeError, `import modal.x` of a missing module ModuleNotFoundError, `from modal.x import y` of a missing name ImportError, an unknown keyword, a positional argument too many (`App.deploy(self, *, name, ...)`, `app.py:492-500`) or a missing one TypeError, and `Dict()` / `Queue()` RuntimeError, and `Volume()`, `Image()`, `Secret()` and the other object classes InvalidError ("has no constructor"). On decorators and module-level objects that is the moment `modal run` or `modal deploy` imports the file, and on every container start. `modal serve` and `modal deploy` are commands of the `modal` CLI, not functions of the package.',
    example: 'app = modal.App("jobs")\nq = modal.Queue()\n\n@app.function(retry=3, secret=modal.Secret.from_name("aws"))\ndef work(): ...\n\nif __name__ == "__main__":\n    modal.serve(app)',
    useInstead: 'app = modal.App("jobs")\nq = modal.Queue.from_name("jobs-queue", create_if_missing=True)\n\n@app.function(retries=3, secrets=[modal.Secret.from_name("aws")])\ndef work(): ...\n\n# run `modal serve app.py` in a shell',
    fixSafety: 'Unsafe, and only for an unknown keyword argument with exactly one close accepted keyword that the call does not already pass (`retry=` becomes `retries=`): the closest name is a guess, and the renamed argument changes what the call does. Other suggestions have no fix.',
    link: 'https://modal.com/docs/reference',
  },
  fixAvailability: 'sometimes',
  messages: {
    unknownName: `\`{name}\` does not exist in Modal ${VERSION} ({exception}){hint}`,
    unknownCommand: `\`{name}\` does not exist in Modal ${VERSION} ({exception}): \`modal {command}\` is a command of the \`modal\` CLI; run \`modal {command} path/to/app.py\` in a shell.`,
    unknownImageMethod: `\`modal.Image\` has no method \`{name}\` in Modal ${VERSION} (AttributeError){hint}`,
    unknownKeyword: `\`{callee}\` takes no keyword argument \`{keyword}\` in Modal ${VERSION} (TypeError){hint}`,
    constructorRaises: '`{name}(...)` always raises {exception}: the class has no public constructor; {instead}.',
    unknownAttribute: `\`{object}\` is a \`{cls}\` (made by \`{origin}\`), which has no attribute \`{name}\` in Modal ${VERSION} (AttributeError){hint}`,
    positionalArguments: `\`{callee}\` takes {most} in Modal ${VERSION}, {given} given (TypeError){hint}`,
    missingArguments: `\`{callee}\` is called without {missing} in Modal ${VERSION} (TypeError).`,
  },
  check(ctx) {
    const { model } = ctx;
    if (!model.isModalFile || model.modalShadowed) return;
    checkNameUses(ctx);
    checkImports(ctx);
    checkCalls(ctx);
    checkObjectAttributes(ctx);
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

/**
 * What Python raises for a missing name: an attribute use raises AttributeError, `import modal.x`
 * or `from modal.x import ...` of a missing module ModuleNotFoundError, `from modal.x import y` ImportError.
 */
type MissingNameError = 'AttributeError' | 'ImportError' | 'ModuleNotFoundError';

/** Removed names that lived in a submodule, with the `removed-api` entry of their top-level name. */
const REMOVED_SUBMODULE_NAMES: Record<string, string> = { 'modal.cls.ClsMixin': 'modal.ClsMixin' };

/** The missing name as written (`modal.Volume.persisted`), and what to suggest. */
function reportMissing(ctx: Context, node: SyntaxNode, written: string, lookup: Extract<ApiLookup, { kind: 'missing' }>, exception: MissingNameError = 'AttributeError'): void {
  const parts = written.split('.');
  if (lookup.containerKind === 'module' && lookup.container === 'modal' && MODAL_API.cliCommands.includes(lookup.name) && parts.length === 2) {
    ctx.report(node, 'unknownCommand', { name: written, command: lookup.name, exception });
    return;
  }
  const removed = REMOVED_SUBMODULE_NAMES[written] ? REMOVED_NAMES[REMOVED_SUBMODULE_NAMES[written]!] : undefined;
  if (removed) {
    ctx.report(node, 'unknownName', { name: written, exception, hint: `: removed in Modal ${removed.version}; ${removed.replacement}.` });
    return;
  }
  const candidates = lookup.known.filter((name) => !name.startsWith('_'));
  const suggestion = closestName(lookup.name, candidates);
  const hint = suggestion ? `; did you mean \`${[...parts.slice(0, -1), suggestion].join('.')}\`?` : '.';
  ctx.report(node, 'unknownName', { name: written, hint, exception });
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
    reportMissing(ctx, binding.moduleNode, binding.module, lookup, 'ModuleNotFoundError');
  }
  for (const { binding, qualified, nameNode } of modalFromImports(model)) {
    if (reportedModules.has(binding.moduleNode) || knownToRemovedApi(qualified)) continue;
    const lookup = lookupApi(qualified);
    if (lookup.kind !== 'missing' || lookup.container !== binding.module) continue;
    const imported = nameNode.type === 'aliased_import' ? nameNode.field('name')! : nameNode;
    reportMissing(ctx, imported, qualified, lookup, 'ImportError');
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
  checkPositional(ctx, call, params, callee);
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

// ---- positional arguments and proven objects ------------------------------------------------

/** The inventory's parameter notation (`name`, `name=`, `*`, `/`, `*args`, `**kwargs`) as a signature. */
function signatureOfParams(params: ParameterList): Signature {
  const parameters: SignatureParameter[] = [];
  let keywordOnly = false;
  for (const param of params) {
    if (param === '/') {
      for (const parameter of parameters) parameter.kind = 'positional-only';
    } else if (param === '*') keywordOnly = true;
    else if (param.startsWith('**')) parameters.push({ name: param.slice(2), kind: 'var-keyword', default: null });
    else if (param.startsWith('*')) {
      parameters.push({ name: param.slice(1), kind: 'var-positional', default: null });
      keywordOnly = true;
    } else {
      const name = param.replace(/=$/, '');
      parameters.push({ name, kind: keywordOnly ? 'keyword-only' : 'positional', default: param.endsWith('=') ? '' : null });
    }
  }
  return { parameters };
}

/**
 * Positional arguments beyond what a Modal function or method takes (keyword-only ones named),
 * and required parameters not given. Unknown keywords are left to `checkKeywords`; splats are silent.
 */
function checkPositional(ctx: Context, call: SyntaxNode, params: ParameterList, callee: string): void {
  const list = call.field('arguments');
  if (!list || list.type !== 'argument_list') return;
  const args = callArguments(call);
  if (args.hasSplat) return;
  const signature = signatureOfParams(params);
  const positionalParameters = signature.parameters.filter((p) => p.kind === 'positional' || p.kind === 'positional-only');
  const given = args.positional.length;
  if (given > positionalParameters.length && !signature.parameters.some((p) => p.kind === 'var-positional')) {
    const most = positionalParameters.length;
    const keywordOnly = signature.parameters.filter((p) => p.kind === 'keyword-only' && !args.keywords.has(p.name)).map((p) => p.name);
    const extra = keywordOnly.slice(0, given - most);
    // `app.deploy("name")` meant `name=`; for `app.run(train)` naming a parameter would only guess.
    const stringsGiven = args.positional.slice(most).every((arg) => ctx.model.resolve(arg).kind === 'str');
    const hint = extra.length > 0 && stringsGiven
      ? `; ${extra.map((name) => `\`${name}\``).join(', ')} ${extra.length === 1 ? 'is' : 'are'} keyword-only: \`${extra.map((name) => `${name}=...`).join(', ')}\`.`
      : keywordOnly.length > 0 ? `; ${most === 0 ? 'its' : 'its other'} parameters are keyword-only (${keywordOnly.slice(0, 4).map((name) => `\`${name}\``).join(', ')}${keywordOnly.length > 4 ? ', ...' : ''}).` : '.';
    ctx.report(args.positional[most]!, 'positionalArguments', { callee, most: most === 0 ? 'no positional arguments' : `at most ${most} positional argument${most === 1 ? '' : 's'}`, given, hint });
    return;
  }
  // Unknown keywords are reported on their own; only the missing parameters are left here.
  const bound = new Set([...positionalParameters.slice(0, given).map((p) => p.name), ...args.keywords.keys()]);
  const missing = signature.parameters
    .filter((p) => p.default === null && p.kind !== 'var-positional' && p.kind !== 'var-keyword' && !bound.has(p.name))
    .map((p) => `\`${p.name}\``);
  if (missing.length > 0) ctx.report(call, 'missingArguments', { callee, missing: missing.length === 1 ? `the required argument ${missing[0]}` : `the required arguments ${missing.join(', ')}` });
}

/** Attribute names `removed-api` reports on Modal objects, with their replacement. */
const REMOVED_OBJECT_ATTRIBUTES = new Set([...Object.keys(REMOVED_APP_METHODS), ...Object.keys(RECEIVER_APIS), 'call', 'web_url']);

/** The call that made an object, for the message: `modal.Volume.from_name`. */
function originOf(model: ModalModel, node: SyntaxNode): string {
  let current: SyntaxNode | null = node;
  for (let depth = 0; current && depth < 20; depth++) {
    if (current.type === 'parenthesized_expression' || current.type === 'await') current = current.namedChildren[0] ?? null;
    else if (current.type === 'identifier') current = model.boundValue(current);
    else if (current.type === 'call') {
      const callee = current.field('function')!;
      const written = model.qualifiedName(callee) ?? callee.text;
      return written.length <= 50 ? written : `${written.slice(0, 47)}...`;
    } else break;
  }
  return node.text;
}

/** `vol.refresh()` on `vol = modal.Volume.from_name(...)`, `app.deploy("name")`: objects whose class the creating call proves. */
function checkObjectAttributes(ctx: Context): void {
  const { model } = ctx;
  // Registration calls (`app.function(...)`) are checked with the calls; Image chains by `checkImageMethod`.
  const registrationCalls = new Set(model.registrations.map((registration) => registration.call));
  // Python objects take new attributes: a name the file assigns (`f.cache = {}`, `setattr(x, "cache", ...)`) may be read later.
  const assignedNames = new Set(model.nodesOfType('attribute').filter(isAssignedTo).map((node) => node.field('attribute')!.text));
  for (const call of model.nodesOfType('call')) {
    if (call.field('function')?.text !== 'setattr') continue;
    const name = model.resolve(callArguments(call).positional[1]);
    if (name.kind === 'str') assignedNames.add(name.value);
  }
  for (const attribute of model.nodesOfType('attribute')) {
    const name = attribute.field('attribute')!.text;
    if (name.startsWith('_') || REMOVED_OBJECT_ATTRIBUTES.has(name) || assignedNames.has(name)) continue;
    const object = attribute.field('object')!;
    // Only expressions the model proves are worth the lookup: names, calls and awaits.
    if (object.type !== 'identifier' && object.type !== 'call' && object.type !== 'await' && object.type !== 'parenthesized_expression') continue;
    if (object.type === 'identifier' && model.qualifiedName(object)) continue;
    const className = apiClassOf(model, object);
    const cls = className && className !== IMAGE_CLASS ? MODAL_API.classes[className] : null;
    if (!cls || isAssignedTo(attribute) || guardedByHasattr(attribute, name) || inVersionFallback(attribute)) continue;
    const known = cls.attributes[name];
    const call = attribute.parent?.type === 'call' && attribute.fieldName === 'function' ? attribute.parent : null;
    if (known || cls.instanceAttributes.includes(name)) {
      if (call && !registrationCalls.has(call) && known?.params && (known.kind === 'method' || known.kind === 'classmethod' || known.kind === 'staticmethod')) checkKeywords(ctx, call, known.params, `${className!.split('.').pop()}.${name}`);
      continue;
    }
    // A class with `__getattr__` or bases outside Modal may have any attribute.
    if (cls.openBases || cls.dynamicInstanceAttributes) continue;
    const suggestion = closestName(name, Object.keys(cls.attributes).filter((candidate) => !candidate.startsWith('_')));
    ctx.report(attribute.field('attribute')!, 'unknownAttribute', {
      object: object.text.length <= 40 && !object.text.includes('\n') ? object.text : `${originOf(model, object)}(...)`,
      cls: `modal.${className!.split('.').pop()}`,
      origin: originOf(model, object),
      name,
      hint: suggestion ? `; did you mean \`${suggestion}\`?` : '.',
    });
  }
}

function isAssignedTo(node: SyntaxNode): boolean {
  return (node.parent?.type === 'assignment' || node.parent?.type === 'augmented_assignment') && node.fieldName === 'left';
}
