import type { SyntaxNode } from '../parser/syntax.js';
import { bindingMistake, callShapeOf, literalTuples, signatureText, type CallableFact, type Signature } from '../model/call-signatures.js';
import { functionTarget, keywordsOfMapping, modalClassFact, type FunctionTarget } from '../model/call-targets.js';
import { callArguments, unwrapParens, type ModalModel } from '../model/model.js';
import { closestMatch } from '../config/suggest.js';
import { defineRule, type Fix, type RuleContext } from './types.js';

type Context = RuleContext<'arguments' | 'localArguments' | 'mapKeyword' | 'unboundMethod' | 'calledFunction' | 'calledMethod' | 'constructor' | 'generatorCall' | 'notGenerator'>;

/** Invocation methods and, for the map family, the keywords the method itself takes (`kwargs=` passes the function's). */
const CALL_METHODS = new Set(['remote', 'local', 'spawn', 'remote_gen']);
const MAP_KEYWORDS: Record<string, readonly string[]> = {
  map: ['kwargs', 'order_outputs', 'return_exceptions', 'wrap_returned_exceptions'],
  starmap: ['kwargs', 'order_outputs', 'return_exceptions', 'wrap_returned_exceptions'],
  for_each: ['kwargs', 'ignore_exceptions'],
  spawn_map: ['kwargs'],
};
/** Invocation methods that raise InvalidError on a generator function (`_functions.py:1707`, `:1744`, `:1838`, `:2000`). */
const NOT_FOR_GENERATORS = new Set(['remote', 'spawn', 'map', 'starmap', 'for_each', 'spawn_map']);

export default defineRule({
  id: 'invalid-remote-call',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['invocation', 'cross-file', 'classes'],
  fixAvailability: 'sometimes',
  summary: 'Call into a registered Modal function or class that cannot work: arguments its signature does not bind, a Function called directly, a method taken from the class.',
  docs: {
    what: 'Checks calls on Modal Functions and classes the linter can read: functions registered with `@app.function` in this module or in a project module it imports, methods (`@modal.method`) of classes registered with `@app.cls`, and both looked up with `modal.Function.from_name` / `modal.Cls.from_name` when the App name is the name of an App defined in the project. Calls are checked in the file that makes them, client scripts included, even one that never imports modal but calls functions it imports from a module that defines an App. The arguments of `.remote`, `.local`, `.spawn`, `.remote_gen`, `.map`, `.starmap`, `.spawn_map` and `.for_each` are bound to the Python signature as Python binds them (too many positional arguments, unknown keywords, a parameter given twice, a required one missing); `.map` takes one iterable per positional parameter and keywords through `kwargs=`, and `.starmap` is checked for each literal tuple. Also reported: a registered function called directly (`score(4)`), a `@modal.method` called through `self` or an instance without `.remote` / `.local`, a method taken from the class instead of an instance (`Model.generate.remote(x)`), `.remote` on a generator function (or `.remote_gen` on one that is not), and constructor arguments of a class whose parameters are `modal.parameter()` fields. Silent for `*args` / `**kwargs` splats, iterables of unknown length, functions with other decorators (they may change the signature), `@modal.batched` and web functions, classes with a custom `__init__` or base classes, and `.remote` on anything not proven to be Modal (Ray actors, user classes).',
    why: 'Modal sends the arguments as they are and the container calls the function with them (`_runtime/container_io_manager.py:264-266`), so a mistake raises TypeError in the container, after a deploy that succeeded, and `.spawn` hides it until the result is read. `Function` has no `__call__` (removed in 0.62.2), so calling one raises TypeError; inside a class, `self.method` of a `@modal.method` is the method\'s Function (`_partial_function.py:206-221`, set up at `cls.py:277-282`). A method taken from the class is a placeholder that raises AttributeError "You can\'t access methods on a Cls directly" when used (`cls.py:869-890`), and ExecutionError on `.local()` (`_functions.py:1899-1905`). `.remote`, `.spawn`, `.map` (and `.starmap`, `.for_each`, which go through it) and `.spawn_map` on a generator function, and `.remote_gen` on a plain one, raise InvalidError (`_functions.py:1837-1840`, `:1999-2000`, `:1706-1707`, `:1743-1744`, `:1859-1862`). Class parameters are keyword-only: positional arguments raise InvalidError (`cls.py:195-201`), as do a missing parameter without default and an undeclared one (`_serialization.py:476-500`, called from `_function_variants.py:264-265`), when the instance\'s Function variant is first loaded, that is at its first remote call.',
    example: '@app.function()\ndef thumbnail(path: str, size: int, quality: int = 85): ...\n\n@app.local_entrypoint()\ndef main():\n    thumbnail.remote("cat.jpg")\n    thumbnail("dog.jpg", 64)',
    useInstead: '@app.function()\ndef thumbnail(path: str, size: int, quality: int = 85): ...\n\n@app.local_entrypoint()\ndef main():\n    thumbnail.remote("cat.jpg", 128)\n    thumbnail.remote("dog.jpg", 64)',
    fixSafety: 'A Function or `@modal.method` called directly inside a registered function or class gets an unsafe fix that calls it in the same process with `.local(...)`; whether `.remote(...)` was meant instead is for the author to decide.',
    link: 'https://modal.com/docs/guide/apps#calling-deployed-functions',
  },
  messages: {
    arguments: '`{name}` takes `{signature}`; {mistake}, so `{call}` raises TypeError in the container when the input runs.',
    localArguments: '`{name}` takes `{signature}`; {mistake}, so `{call}` raises TypeError.',
    mapKeyword: '`.{method}()` takes no keyword `{keyword}` (TypeError); {hint}',
    unboundMethod: '`{name}` is taken from the class, not an instance: {raises}; create an instance first, `{cls}(...).{method}`.',
    calledFunction: '`{name}` is a Modal Function, which cannot be called directly (TypeError: Functions have no `__call__`); use `{name}.remote(...)` to run it in Modal, or `{name}.local(...)` in this process.',
    calledMethod: '`{name}` is a `@modal.method`, which through an instance is a Modal Function and cannot be called directly (TypeError); use `.local(...)` to run it in this process, or `.remote(...)`.',
    constructor: '`{name}` takes its `modal.parameter()` fields as keywords, `{signature}`; {mistake}, so `{call}` raises InvalidError when a method of the instance is first called remotely.',
    generatorCall: '`{name}` is a generator function: `.{method}()` raises InvalidError; use `.remote_gen(...)`.',
    notGenerator: '`{name}` is not a generator function: `.remote_gen()` raises InvalidError; use `.remote(...)`.',
  },
  check(ctx) {
    const { model } = ctx;
    // A script that only imports registered functions from project modules is checked too: the proof comes from those modules.
    if (model.modalShadowed || (!model.isModalFile && model.imports.every((binding) => binding.importedName === undefined))) return;
    for (const call of model.nodesOfType('call')) {
      const callee = call.field('function');
      if (!callee) continue;
      const invocation = invocationOf(callee);
      if (invocation) checkInvocation(ctx, call, invocation.receiver, invocation.method);
      else checkDirectCall(ctx, call, callee);
    }
  },
});

/** `f.remote(...)`, `f.map.aio(...)`: the Function expression and the method. */
function invocationOf(callee: SyntaxNode): { receiver: SyntaxNode; method: SyntaxNode } | null {
  let method = callee;
  if (method.type === 'attribute' && method.field('attribute')!.text === 'aio') method = method.field('object')!;
  if (method.type !== 'attribute') return null;
  const name = method.field('attribute')!;
  if (!CALL_METHODS.has(name.text) && !(name.text in MAP_KEYWORDS)) return null;
  return { receiver: method.field('object')!, method: name };
}

function shortCall(call: SyntaxNode): string {
  const text = call.text.replace(/\s+/g, ' ');
  return text.length <= 60 ? text : `${text.slice(0, 56)}...)`;
}

function checkInvocation(ctx: Context, call: SyntaxNode, receiver: SyntaxNode, method: SyntaxNode): void {
  const { model } = ctx;
  const target = functionTarget(model, receiver);
  if (!target) {
    checkUnboundMethod(ctx, receiver, method);
    return;
  }
  if (target.generator !== undefined && target.via !== 'method') {
    if (target.generator && NOT_FOR_GENERATORS.has(method.text)) {
      ctx.report(method, 'generatorCall', { name: target.label, method: method.text });
      return;
    }
    if (!target.generator && method.text === 'remote_gen') {
      ctx.report(method, 'notGenerator', { name: target.label });
      return;
    }
  }
  if (!target.signature) return;
  if (CALL_METHODS.has(method.text)) {
    const mistake = bindingMistake(target.signature, callShapeOf(call));
    if (mistake) reportMistake(ctx, method, target, mistake, call, method.text === 'local' ? 'localArguments' : 'arguments');
    return;
  }
  checkMap(ctx, call, method, target, target.signature);
}

function reportMistake(ctx: Context, node: SyntaxNode, target: FunctionTarget, mistake: string, call: SyntaxNode, messageId: 'arguments' | 'localArguments'): void {
  ctx.report(node, messageId, { name: target.label, signature: signatureText(target.signature!), mistake, call: shortCall(call) });
}

/** `.map(xs, ys, kwargs={...})`, `.starmap([(a, b), ...])`, `.for_each`, `.spawn_map`. */
function checkMap(ctx: Context, call: SyntaxNode, method: SyntaxNode, target: FunctionTarget, signature: Signature): void {
  const { model } = ctx;
  const args = call.field('arguments')?.type === 'generator_expression' ? { ...callArguments(null), positional: [call.field('arguments')!] } : callArguments(call);
  const hasDictionarySplat = call.field('arguments')?.namedChildren.some((arg) => arg.type === 'dictionary_splat') ?? false;
  if (!hasDictionarySplat) {
    for (const [keyword, argument] of args.keywordNodes) {
      const own = MAP_KEYWORDS[method.text]!;
      if (own.includes(keyword)) continue;
      const close = signature.parameters.some((p) => p.name === keyword) ? undefined : closestMatch(keyword, [...own]);
      const hint = close ? `did you mean \`${close}=\`?` : `pass the function's keywords with \`kwargs={"${keyword}": ...}\`.`;
      ctx.report(argument, 'mapKeyword', { method: method.text, keyword, hint });
      return;
    }
  }
  const kwargsNode = args.keywords.get('kwargs');
  const keywords = kwargsNode ? keywordsOfMapping(model, kwargsNode) : [];
  const base = { keywords: keywords ?? [], moreKeywords: keywords === null || hasDictionarySplat };
  if (method.text !== 'starmap') {
    const hasListSplat = call.field('arguments')?.namedChildren.some((arg) => arg.type === 'list_splat') ?? false;
    const mistake = bindingMistake(signature, { ...base, positional: hasListSplat ? null : args.positional.length });
    // Each iterable fills one positional parameter.
    if (mistake) reportMistake(ctx, method, target, mistake.replace(/^it takes (?:at most )?(\d+|no) positional arguments?, (\d+) given$/, `\`.${method.text}()\` passes one positional argument per iterable, $2 iterables for at most $1`).replace('for at most no', 'for none'), call, 'arguments');
    return;
  }
  const inputs = args.positional[0] ?? args.keywords.get('input_iterator');
  if (!inputs || args.positional.length > 1) return;
  for (const tuple of literalTuples(unwrapParens(inputs))) {
    const items = tuple.namedChildren.filter((item) => item.type !== 'comment');
    const positional = items.some((item) => item.type === 'list_splat') ? null : items.length;
    const mistake = bindingMistake(signature, { ...base, positional });
    if (mistake) {
      reportMistake(ctx, method, target, `${mistake} for \`${tuple.text.length <= 30 ? tuple.text : 'an input'}\``, call, 'arguments');
      return;
    }
  }
}

/** `Model.generate.remote(x)`: a `@modal.method` taken from a registered class rather than from an instance. */
function checkUnboundMethod(ctx: Context, receiver: SyntaxNode, method: SyntaxNode): void {
  const expr = unwrapParens(receiver);
  if (expr.type !== 'attribute') return;
  const cls = modalClassFact(ctx.model, expr.field('object'));
  const name = expr.field('attribute')!.text;
  if (!cls?.methods || !Object.hasOwn(cls.methods, name)) return;
  // `.local()` needs the function's local definition, which the placeholder lacks (`_functions.py:1899-1905`).
  const raises = method.text === 'local' ? '`.local()` on it raises ExecutionError' : 'using it raises AttributeError ("You can\'t access methods on a Cls directly")';
  ctx.report(expr, 'unboundMethod', { name: `${cls.name}.${name}`, cls: cls.name, method: `${name}.${method.text}`, raises });
}

/** `score(4)` on a registered function, `self.predict(x)` on a `@modal.method`, `Model(1)` on a parameterised class. */
function checkDirectCall(ctx: Context, call: SyntaxNode, callee: SyntaxNode): void {
  const { model } = ctx;
  const expr = unwrapParens(callee);
  if (expr.type === 'identifier' || expr.type === 'attribute' || expr.type === 'call') {
    const cls = expr.type === 'attribute' ? null : modalClassFact(model, expr);
    if (cls) {
      checkConstructor(ctx, call, cls);
      return;
    }
    const target = functionTarget(model, expr);
    if (!target) return;
    const fix = inRegisteredCode(model, call) ? localFix(callee) : undefined;
    if (target.via === 'method') ctx.report(callee, 'calledMethod', { name: expr.text.length <= 40 ? expr.text : target.label }, fix);
    else ctx.report(callee, 'calledFunction', { name: expr.type === 'identifier' ? expr.text : target.label }, fix);
  }
}

/** Inside a registered function or a method of a registered class: code that runs in a container, where `.local` runs in-process. */
function inRegisteredCode(model: ModalModel, node: SyntaxNode): boolean {
  for (const ancestor of node.ancestors()) {
    if (ancestor.type !== 'function_definition') continue;
    const fn = model.functions.find((candidate) => candidate.definition === ancestor);
    if (fn && (fn.registration?.kind === 'function' || fn.owner?.registration.kind === 'cls')) return true;
  }
  return false;
}

function localFix(callee: SyntaxNode): Fix {
  return { safety: 'unsafe', title: 'Call it in this process with `.local(...)`', edits: [{ start: callee.endIndex, end: callee.endIndex, text: '.local' }] };
}

function checkConstructor(ctx: Context, call: SyntaxNode, cls: CallableFact): void {
  const fields = cls.parameters;
  if (!fields || fields.length === 0) return;
  const signature: Signature = { parameters: fields.map((field) => ({ name: field.name, kind: 'keyword-only', default: field.hasDefault ? '...' : null })) };
  const mistake = bindingMistake(signature, callShapeOf(call));
  if (mistake) ctx.report(call, 'constructor', { name: cls.name, signature: signatureText(signature), mistake, call: shortCall(call) });
}
