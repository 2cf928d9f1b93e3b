import type { SyntaxNode } from '../parser/syntax.js';
import { numberType } from '../model/configuration.js';
import { callArguments, MODAL_DECORATORS, type ModalModel, type Registration } from '../model/model.js';
import { ownYield, parameterName, parametersWithDefaults, requiredParameters, setsRetryPolicy } from '../model/function-shape.js';
import { enclosingScope } from '../model/scope.js';
import { isSerialized } from '../model/environment/index.js';
import { defineRule, type Fix } from './types.js';

/** Decorators whose first parameter catches a missing `()`; the value is the call to suggest. */
const NEEDS_CALL: Record<string, string> = {
  function: '()', cls: '()', server: '()', local_entrypoint: '()', method: '()', enter: '()', exit: '()',
  fastapi_endpoint: '()', asgi_app: '()', wsgi_app: '()',
  concurrent: '(max_inputs=...)', batched: '(max_batch_size=..., wait_ms=...)', web_server: '(port)',
};
/** Not decorators (`parameter`), or removed ones that fail on their own (`build`, `web_endpoint`). */
const NOT_CHECKED = new Set(['parameter', 'build', 'web_endpoint']);
const LIFECYCLE = new Set(['enter', 'exit']);
const CALLABLE = new Set(['method', 'batched']);
const WEB = new Set(['fastapi_endpoint', 'asgi_app', 'wsgi_app', 'web_server']);

/** A Modal decorator on a definition: an App registration or a `modal.*` decorator. */
interface Decorator {
  node: SyntaxNode;
  callee: SyntaxNode;
  name: string;
  registration: Registration | null;
  call: SyntaxNode | null;
}

function decoratorsOf(model: ModalModel, decorated: SyntaxNode): Decorator[] {
  const result: Decorator[] = [];
  for (const node of decorated.children) {
    const expression = node.type === 'decorator' ? node.namedChildren[0] : undefined;
    if (!expression) continue;
    const call = expression.type === 'call' ? expression : null;
    const callee = call ? call.field('function')! : expression;
    const registration = model.registrations.find((r) => r.decorator === node) ?? null;
    const short = model.qualifiedName(callee)?.replace(/^modal\./, '') ?? '';
    const name = registration ? registration.kind : MODAL_DECORATORS.has(short) && !NOT_CHECKED.has(short) ? short : null;
    if (name) result.push({ node, callee, name, registration, call });
  }
  return result;
}

type MessageId = 'registersNothing' | 'missingParentheses' | 'stackedAbove' | 'functionOnClass' | 'classOnFunction' | 'modalOnClass' | 'functionOnMethod'
  | 'concurrentOnMethod' | 'snapWithoutSnapshot' | 'interfaceWithLifecycle' | 'webWithCallable' | 'outsideClass'
  | 'positionalArgument' | 'positionalString' | 'webServerPort' | 'startupTimeout' | 'setTwice' | 'nestedWithoutSerialized' | 'stackedRegistrations';
interface Problem {
  id: MessageId;
  at?: SyntaxNode;
  data?: Record<string, string>;
}

function resolvesTo(model: ModalModel, node: SyntaxNode | null | undefined, expected: boolean): boolean {
  const value = model.resolve(node);
  return value.kind === 'bool' && value.value === expected;
}

/** `@modal.enter(snap=True)` in a class whose registration does not enable memory snapshots. */
function snapWithoutSnapshot(model: ModalModel, decorator: Decorator, registration: Registration | undefined): Problem | null {
  const snap = decorator.name === 'enter' ? decorator.call?.field('arguments')?.namedChildren.find((a) => a.type === 'keyword_argument' && a.field('name')?.text === 'snap') : undefined;
  if (!snap || !registration || registration.args.hasSplat || !resolvesTo(model, snap.field('value'), true)) return null;
  const enabled = registration.args.keywords.get('enable_memory_snapshot');
  if (enabled && !resolvesTo(model, enabled, false)) return null;
  const callee = registration.call?.field('function') ?? registration.node;
  return { id: 'snapWithoutSnapshot', at: snap, data: { registration: `@${callee.text}(...)` } };
}

/** Decorators whose only parameter before `*` is the hidden one that catches a missing `()` (`_partial_function.py`). */
const NO_POSITIONAL = new Set(['method', 'enter', 'exit', 'batched', 'concurrent', 'fastapi_endpoint', 'asgi_app', 'wsgi_app']);
/** The keyword a decorator suggests for a string given by position (`_partial_function.py:366`, `:440`, `:497`). */
const STRING_KEYWORD: Record<string, string> = { fastapi_endpoint: 'method', asgi_app: 'label', wsgi_app: 'label' };

/** A positional argument where the decorator takes none, or a `web_server` port / startup timeout Modal rejects. */
function argumentProblem(model: ModalModel, decorator: Decorator): Problem | null {
  const args = callArguments(decorator.call);
  if (NO_POSITIONAL.has(decorator.name) && args.positional[0]) {
    const value = model.resolve(args.positional[0]);
    if (value.kind === 'none') return null;
    const keyword = STRING_KEYWORD[decorator.name];
    if (keyword && value.kind === 'str') return { id: 'positionalString', at: args.positional[0], data: { keyword } };
    return { id: 'positionalArgument', at: args.positional[0] };
  }
  if (decorator.name !== 'web_server') return null;
  const port = args.positional[0] ?? args.keywords.get('port');
  const portValue = model.resolve(port);
  const float = portValue.kind === 'num' && numberType(model, port) === 'float';
  if (port && (portValue.kind === 'str' || float || (portValue.kind === 'num' && (portValue.value < 1 || portValue.value > 65535)))) {
    return { id: 'webServerPort', at: port };
  }
  const timeout = model.resolve(args.keywords.get('startup_timeout'));
  if (timeout.kind === 'num' && timeout.value <= 0) return { id: 'startupTimeout', at: args.keywordNodes.get('startup_timeout')! };
  return null;
}

/**
 * The parameter two stacked decorators both set, which `_PartialFunctionParams.update` refuses
 * ("Cannot set `...` twice", `_partial_function.py:85`): two web decorators (`webhook_config`),
 * two `method` (`is_generator`), two `batched`, or two `concurrent` with the same keyword.
 */
function setTwice(decorator: Decorator, other: Decorator): string | null {
  if (WEB.has(decorator.name) && WEB.has(other.name)) return 'webhook_config';
  if (decorator.name !== other.name) return null;
  if (decorator.name === 'method') return 'is_generator';
  if (decorator.name === 'batched') return 'batch_max_size';
  if (decorator.name !== 'concurrent') return null;
  const [mine, theirs] = [callArguments(decorator.call), callArguments(other.call)];
  if (mine.keywords.has('max_inputs') && theirs.keywords.has('max_inputs')) return 'max_concurrent_inputs';
  if (mine.keywords.has('target_inputs') && theirs.keywords.has('target_inputs')) return 'target_concurrent_inputs';
  return null;
}

/**
 * `@app.function` directly on a function defined inside another function, without `serialized=True`:
 * its `__qualname__` holds `<locals>` and Modal raises (app.py:943-944). Only the plain-function path
 * checks this, so a `modal.*` decorator (or any other) below the registration keeps it silent.
 */
function nestedWithoutSerialized(model: ModalModel, decorators: Decorator[], index: number, definition: SyntaxNode): boolean {
  const { registration } = decorators[index]!;
  if (registration?.kind !== 'function' || !registration.call || registration.args.hasSplat) return false;
  const decoratorNodes = definition.parent!.children.filter((child) => child.type === 'decorator');
  if (decoratorNodes.at(-1) !== registration.decorator) return false;
  if (![...definition.ancestors()].some((ancestor) => ancestor.type === 'function_definition')) return false;
  return isSerialized(model, registration) === false;
}

/** The problem with one decorator, most fundamental first; `null` when it is fine. */
function problemOf(model: ModalModel, decorators: Decorator[], index: number, definition: SyntaxNode): Problem | null {
  const decorator = decorators[index]!;
  const { name, registration } = decorator;
  if (!decorator.call && NEEDS_CALL[name]) {
    const target = definition.type === 'class_definition' ? 'class' : 'function';
    return { id: 'missingParentheses', data: { target, suggestion: `@${decorator.callee.text}${NEEDS_CALL[name]}` } };
  }
  const below = decorators.slice(index + 1).find((d) => d.registration?.call && (d.name === 'function' || d.name === 'cls'));
  // `@app.function()` over `@app.function()` (one App or two): the outer one receives the registered Function.
  if (name === 'function' && registration?.call && below?.name === 'function') {
    return { id: 'stackedRegistrations', data: { registration: `@${below.callee.text}(...)` } };
  }
  if (!registration && below) return { id: 'stackedAbove', data: { registration: `@${below.callee.text}(...)`, kind: below.name, short: name, object: below.name === 'cls' ? 'class' : 'Function' } };
  const isClass = definition.type === 'class_definition';
  if (name === 'function' && isClass) return { id: 'functionOnClass' };
  if ((name === 'cls' || name === 'server') && !isClass) return { id: 'classOnFunction' };
  if (!registration && isClass && (LIFECYCLE.has(name) || CALLABLE.has(name) || WEB.has(name))) return { id: 'modalOnClass' };
  const argument = decorator.call ? argumentProblem(model, decorator) : null;
  if (argument) return argument;
  if (isClass) return null;
  const scope = enclosingScope(definition.parent!);
  const inClass = scope.type === 'class_definition';
  const modalClass = inClass ? model.classes.find((c) => c.definition === scope) : undefined;
  if (nestedWithoutSerialized(model, decorators, index, definition)) return { id: 'nestedWithoutSerialized' };
  if (name === 'function' && inClass) return { id: 'functionOnMethod' };
  if (name === 'concurrent' && modalClass?.registration.kind === 'cls') return { id: 'concurrentOnMethod' };
  const snap = snapWithoutSnapshot(model, decorator, modalClass?.registration);
  if (snap) return snap;
  // Decorators apply bottom-up: the upper one of a conflicting pair raises.
  const others = decorators.slice(index + 1).filter((d) => !d.registration);
  const isInterface = (n: string) => CALLABLE.has(n) || WEB.has(n);
  const lifecycle = others.find((d) => (LIFECYCLE.has(name) && isInterface(d.name)) || (LIFECYCLE.has(d.name) && isInterface(name)));
  if (lifecycle) return { id: 'interfaceWithLifecycle', data: { other: `@${lifecycle.callee.text}` } };
  const web = others.find((d) => (CALLABLE.has(name) && WEB.has(d.name)) || (WEB.has(name) && CALLABLE.has(d.name)));
  if (web) return { id: 'webWithCallable', data: { other: `@${web.callee.text}` } };
  for (const other of others) {
    const parameter = setTwice(decorator, other);
    if (parameter) return { id: 'setTwice', data: { other: `@${other.callee.text}`, parameter } };
  }
  if ((name === 'method' || LIFECYCLE.has(name)) && !inClass) return { id: 'outsideClass' };
  return null;
}

/**
 * `app.cls(...)(Inner)` / `app.function(...)(inner)` applied to a class or function defined inside a
 * function, and `@app.cls(...)` on such a class: its `__qualname__` holds `<locals>`, so `FunctionInfo`
 * raises LocalFunctionError unless `serialized=True` (`function_utils.py:269-276`). The decorator form
 * on a function is `nestedWithoutSerialized`.
 */
function* localDefinitionRegistrations(model: ModalModel): Generator<{ at: SyntaxNode; id: 'localClass' | 'localFunction'; data: Record<string, string> }> {
  for (const registration of model.registrations) {
    const { target, call } = registration;
    if (!call || !target || registration.args.hasSplat || (registration.kind !== 'function' && registration.kind !== 'cls')) continue;
    if (registration.decorator && registration.kind === 'function') continue;
    const kindMatches = registration.kind === 'cls' ? target.type === 'class_definition' : target.type === 'function_definition';
    if (!kindMatches || isSerialized(model, registration) !== false) continue;
    if (![...target.ancestors()].some((ancestor) => ancestor.type === 'function_definition' || ancestor.type === 'lambda')) continue;
    const id = target.type === 'class_definition' ? 'localClass' : 'localFunction';
    yield { at: registration.decorator ?? call, id, data: { registration: call.field('function')!.text, name: target.field('name')!.text } };
  }
}

type RegistrationMessage = 'scheduleNeedsArguments' | 'generatorRetries' | 'batchedGenerator' | 'batchedDefaults' | 'batchedTwice' | 'batchedWithOthers' | 'duplicateEntrypoint';

/** Problems Modal finds when it registers a function or class (`app.py`, `_Function.from_local` in `_functions.py`). */
function* registrationProblems(model: ModalModel): Generator<{ at: SyntaxNode; id: RegistrationMessage; data?: Record<string, string> }> {
  const entrypoints = new Map<string, SyntaxNode>();
  for (const registration of model.registrations) {
    const { args, target } = registration;
    if (!registration.call || !registration.decorator || args.hasSplat || !target) continue;
    // Only modal.* decorators between the registration and the definition: Modal sees the function itself.
    const decorators = target.parent!.children.filter((child) => child.type === 'decorator');
    const below = decorators.slice(decorators.indexOf(registration.decorator) + 1);
    const modalBelow = model.modalDecoratorsOf(target).filter((d) => below.includes(d.decorator));
    if (modalBelow.length !== below.length) continue;
    if (registration.kind === 'local_entrypoint' && target.type === 'function_definition' && target.parent!.parent?.type === 'module') {
      // app.py:771-775: the tag is `name=` or the function's `__qualname__`; a second one raises.
      const name = args.keywords.get('name');
      const value = name ? model.resolve(name) : { kind: 'str' as const, value: target.field('name')!.text };
      if (value.kind !== 'str') continue;
      const key = `${registration.appKey}\0${value.value}`;
      if (entrypoints.has(key)) yield { at: registration.decorator, id: 'duplicateEntrypoint', data: { name: value.value, line: String(entrypoints.get(key)!.startRow + 1) } };
      else entrypoints.set(key, registration.decorator);
    }
    if (registration.kind === 'cls' && target.type === 'class_definition') yield* batchedClassProblems(model, registration);
    if (registration.kind !== 'function' || target.type !== 'function_definition') continue;
    const schedule = args.keywords.get('schedule');
    const scheduled = ['modal.Period', 'modal.Cron'].includes(model.qualifiedName(model.originCall(schedule)?.field('function') ?? null) ?? '');
    const required = requiredParameters(target).map(parameterName).filter((p) => p !== 'self');
    if (scheduled && required.length > 0) {
      yield { at: args.keywordNodes.get('schedule')!, id: 'scheduleNeedsArguments', data: { function: target.field('name')!.text, parameters: required.map((p) => `\`${p}\``).join(', ') } };
    }
    const isWeb = modalBelow.some((d) => WEB.has(d.name));
    const batched = modalBelow.some((d) => d.name === 'batched');
    const yielded = ownYield(target);
    // `is_generator=` is taken as given, except under a `modal.*` decorator, whose own value replaces it (app.py:932).
    const generator = yielded && (!args.keywords.has('is_generator') || modalBelow.length > 0);
    if (generator && !isWeb && setsRetryPolicy(model, args.keywords.get('retries'))) {
      yield { at: args.keywordNodes.get('retries')!, id: 'generatorRetries', data: { function: target.field('name')!.text } };
    }
    if (!batched) continue;
    if (yielded) yield { at: yielded, id: 'batchedGenerator', data: { function: target.field('name')!.text } };
    const withDefaults = parametersWithDefaults(target);
    if (withDefaults.length > 0) yield { at: withDefaults[0]!, id: 'batchedDefaults', data: { function: target.field('name')!.text } };
  }
}

/** app.py:1182-1187: one `@modal.batched` method per class, and no other interface methods beside it. */
function* batchedClassProblems(model: ModalModel, registration: Registration): Generator<{ at: SyntaxNode; id: RegistrationMessage; data?: Record<string, string> }> {
  const methods = model.classes.find((c) => c.registration === registration)?.methods ?? [];
  const batched = methods.filter((m) => m.decorators.some((d) => d.name === 'batched'));
  if (batched.length === 0) return;
  const className = registration.target!.field('name')!.text;
  if (batched.length > 1) {
    yield { at: batched[1]!.definition.field('name')!, id: 'batchedTwice', data: { class: className } };
    return;
  }
  const other = methods.find((m) => !batched.includes(m) && m.decorators.some((d) => d.name === 'method' || WEB.has(d.name)));
  if (other) yield { at: other.definition.field('name')!, id: 'batchedWithOthers', data: { class: className, batched: batched[0]!.name } };
}

export default defineRule({
  id: 'decorator-misuse',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['decorators', 'import-time'],
  summary: 'Modal decorator used in a way Modal rejects when the module is imported.',
  fixAvailability: 'sometimes',
  docs: {
    what: 'Flags Modal decorators (`@app.function`, `@app.cls`, `@app.server`, `@app.local_entrypoint` and `@modal.method`, `enter`, `exit`, `batched`, `concurrent`, `fastapi_endpoint`, `asgi_app`, `wsgi_app`, `web_server`, under any alias) that Modal rejects at import: used without parentheses; a `modal.*` decorator stacked above `@app.function` / `@app.cls`; `@app.function` on a class or on a method; `@app.cls` / `@app.server` on a function; `@modal.method`, lifecycle, batched or web decorators on a class; `@modal.concurrent` on a method of an `@app.cls` class; `@modal.enter(snap=True)` in a class registered without `enable_memory_snapshot=True`; an interface decorator (`method`, `batched`, web) combined with a lifecycle one (`enter`, `exit`), or `method` / `batched` with a web decorator. Also flags `@modal.method`, `@modal.enter` and `@modal.exit` on a function outside any class, which Modal silently ignores, and a registration call used as a statement on its own (`app.function(timeout=60)`), which registers nothing. It also checks what Modal checks when it registers: a positional argument to a decorator that takes none (`@modal.asgi_app("api")`, `@modal.fastapi_endpoint("POST")`, `@modal.method(True)`), a `@modal.web_server` port outside 1-65535 or a `startup_timeout` of 0 or less, two registrations stacked on one function (`@app.function()` over `@app.function()`, of one App or two), a class or function defined inside a function and registered without `serialized=True` (`app.cls(...)(Inner)`, `app.function(...)(inner)`, `@app.cls(...)` on a nested class), two stacked decorators that set the same option (two web decorators, two `batched`, two `method`, two `concurrent` with the same keyword), `@app.function` on a function nested in another function without `serialized=True`, `schedule=modal.Period/Cron(...)` on a function with required parameters, `retries=` on a generator, a `@modal.batched` function that is a generator or has a parameter with a default, a class with two `@modal.batched` methods or a batched method beside other Modal methods, and two local entrypoints with one name on one App. Only definitions whose decorators are all Modal\'s are checked for these, and `**options` splats keep a registration silent.',
    why: 'These decorators check how they are used when the module is imported, so `modal run`, `modal deploy` and every container start fail before any code runs. The App methods take a hidden first parameter and raise "Did you forget parentheses?" when it is filled (`app.py` in `function`, `cls`, `server`, `local_entrypoint`; `_partial_function.py` for `method`, `enter`, ...). Decorators apply bottom-up, so a `modal.*` decorator above `@app.function` receives the registered Function and raises "Cannot stack `@modal.X` on top of `@app.function`". `@app.function` raises TypeError on a class and InvalidError on a method (its qualified name has a dot); `@app.cls` checks for `@modal.concurrent` methods and for `snap=True` without memory snapshots; `_PartialFunction.validate_flag_composition` rejects interface decorators combined with lifecycle ones, and callable with web ones. Outside a Modal class, `@modal.method` and lifecycle decorators are not rejected but do nothing. `app.function(...)`, `app.cls(...)`, `app.server(...)` and `app.local_entrypoint(...)` only return the decorator that registers what it is applied to (`app.py`: `return wrapped` in `function` and `local_entrypoint`, `return wrapper` in `cls` and `server`), so a bare call statement throws it away and the function it was meant for is never registered. The other checks, in modal-client 1.5.4: positional options (`_partial_function.py:366`, `:440`, `:497`, and the hidden first parameter of each decorator), `web_server` values (`_partial_function.py:559-562`), options set twice (`_PartialFunctionParams.update`, `_partial_function.py:80-85`), nested functions (`app.py:943-944`; classes, and functions registered through a call, `function_utils.py:269-276`), stacked registrations (the outer `app.function` wrapper, `app.py:898-960`, gets a Function, neither a plain function nor a `_PartialFunction`), schedules on functions that need arguments (`_functions.py:727-729`), generators with retries (`_functions.py:751-752`), batched generators and defaults (`_functions.py:831-838`, functions only), batched classes (`app.py:1182-1187`) and duplicate local entrypoints (`app.py:771-775`); all raise InvalidError when the module is imported.',
    example: '@modal.concurrent(max_inputs=10)\n@app.function\ndef handle(x): ...\n\n@app.cls(gpu="L4")\nclass Model:\n    @modal.enter(snap=True)\n    def load(self): ...',
    useInstead: '@app.function()\n@modal.concurrent(max_inputs=10)\ndef handle(x): ...\n\n@app.cls(gpu="L4", enable_memory_snapshot=True)\nclass Model:\n    @modal.enter(snap=True)\n    def load(self): ...',
    fixSafety: 'Safe: for a decorator that takes no required options, `()` is appended (`@app.function` becomes `@app.function()`). The module failed at import before, and now registers the function with default options. `@modal.concurrent`, `@modal.batched` and `@modal.web_server` need values only you can choose, so they get no fix.',
    link: 'https://modal.com/docs/guide/apps',
  },
  messages: {
    registersNothing: '`{registration}(...)` on its own registers nothing: it returns a decorator, which is thrown away here, so no function is registered. Put `@{registration}(...)` above the definition, or apply it: `{registration}(...)(fn)`.',
    missingParentheses: '`@{decorator}` is used without parentheses: Modal receives the decorated {target} in place of its options and raises at import time; write `{suggestion}`.',
    stackedAbove: '`@{decorator}` sits above `{registration}`; decorators apply bottom-up, so it wraps the registered {object} and Modal raises InvalidError at import ("Cannot stack `@modal.{short}` on top of `@app.{kind}`"); put `{registration}` on top.',
    functionOnClass: '`@{decorator}` cannot register a class: Modal raises TypeError at import; use `@app.cls(...)` and mark methods with `@modal.method()`.',
    classOnFunction: '`@{decorator}` must decorate a class: on a function Modal raises TypeError at import; use `@app.function(...)` for functions.',
    modalOnClass: '`@{decorator}` cannot decorate a class: Modal raises InvalidError at import ("consider applying to a method instead").',
    functionOnMethod: '`@{decorator}` cannot register a method defined in a class body: Modal raises InvalidError at import; register the class with `@app.cls(...)` and mark the method with `@modal.method()`.',
    concurrentOnMethod: '`@{decorator}` cannot go on a method of an `@app.cls` class: Modal raises InvalidError at import; move it onto the class, below `@app.cls(...)`.',
    snapWithoutSnapshot: '`snap=True` needs `enable_memory_snapshot=True` on the class\'s `{registration}`; without it Modal raises InvalidError at import. Enable memory snapshots or drop `snap=True`.',
    interfaceWithLifecycle: '`@{decorator}` is combined with `{other}` on one function: Modal raises InvalidError at import ("Interface decorators cannot be combined with lifecycle decorators"); use two methods.',
    webWithCallable: '`@{decorator}` is combined with `{other}` on one function: Modal raises InvalidError at import ("Callable decorators cannot be combined with web interface decorators"); keep one of them.',
    positionalArgument: '`@{decorator}(...)` takes no positional argument: Modal raises InvalidError at import ("Positional arguments are not allowed"); pass options by keyword.',
    positionalString: '`@{decorator}(...)` takes this string only as `{keyword}=`: Modal raises InvalidError at import ("Positional arguments are not allowed"); write `{keyword}=...`.',
    webServerPort: 'The port of `@{decorator}(...)` must be an int from 1 to 65535: Modal raises InvalidError at import ("First argument of `@web_server` must be a local port").',
    startupTimeout: '`startup_timeout=` of `@{decorator}(...)` must be greater than 0: Modal raises InvalidError at import.',
    setTwice: '`@{decorator}` and `{other}` on one function both set `{parameter}`: Modal raises InvalidError at import ("Cannot set `{parameter}` twice"); keep one of them.',
    stackedRegistrations: '`@{decorator}(...)` sits above another registration, `{registration}`: decorators apply bottom-up, so it receives the Modal Function that one returned, which it cannot register, and Modal raises at import. Keep one registration.',
    localClass: '`{registration}(...)` registers class `{name}`, defined inside a function, without `serialized=True`: Modal raises LocalFunctionError ("can only import functions defined in global scope") when this runs; define it at module level or pass `serialized=True`.',
    localFunction: '`{registration}(...)` registers function `{name}`, defined inside a function, without `serialized=True`: Modal raises InvalidError ("must apply to functions in global scope, unless `serialized=True` is set") when this runs; define it at module level or pass `serialized=True`.',
    nestedWithoutSerialized: '`@{decorator}` registers a function defined inside another function: Modal raises InvalidError at import ("must apply to functions in global scope, unless `serialized=True` is set"); move it to module level or pass `serialized=True`.',
    scheduleNeedsArguments: '`{function}` has a `schedule=` but requires arguments ({parameters}): a schedule calls it with none, so Modal raises InvalidError at import; give them defaults or drop them.',
    generatorRetries: '`retries=` on generator function `{function}`: Modal raises InvalidError ("Generator Functions do not support retries") at import, even for `retries=0`; remove it.',
    batchedGenerator: '`@modal.batched` function `{function}` is a generator: Modal raises InvalidError ("cannot return generators") at import; return a list with one result per input.',
    batchedDefaults: '`@modal.batched` function `{function}` has a parameter with a default value: Modal raises InvalidError ("does not accept default arguments") at import; remove the default.',
    batchedTwice: 'Class `{class}` has a second `@modal.batched` method: Modal raises InvalidError ("can only have one batched function") at import.',
    batchedWithOthers: 'Class `{class}` has a `@modal.batched` method (`{batched}`) and this other Modal method: Modal raises InvalidError ("with a modal batched function cannot have other modal methods") at import; move one of them to its own class.',
    duplicateEntrypoint: 'A second local entrypoint named `{name}` on this App (the first is on line {line}): Modal raises InvalidError ("Duplicate local entrypoint name") at import; rename one of them or pass `name=`.',
    outsideClass: '`@{decorator}` only has an effect on a method of a Modal class (`@app.cls`, or `@app.server` for `enter` / `exit`); Modal ignores it on this function. Move the function into the class or remove the decorator.',
  },
  check({ model, report }) {
    for (const decorated of model.nodesOfType('decorated_definition')) {
      const definition = decorated.field('definition');
      if (!definition) continue;
      const decorators = decoratorsOf(model, decorated);
      decorators.forEach((decorator, index) => {
        const problem = problemOf(model, decorators, index, definition);
        if (!problem) return;
        const fix: Fix | undefined = problem.id === 'missingParentheses' && NEEDS_CALL[decorator.name] === '()'
          ? { safety: 'safe', title: `Add \`()\` to \`@${decorator.callee.text}\``, edits: [{ start: decorator.callee.endIndex, end: decorator.callee.endIndex, text: '()' }] }
          : undefined;
        report(problem.at ?? decorator.node, problem.id, { decorator: decorator.callee.text, ...problem.data }, fix);
      });
    }
    for (const problem of registrationProblems(model)) report(problem.at, problem.id, problem.data);
    for (const problem of localDefinitionRegistrations(model)) report(problem.at, problem.id, problem.data);
    // `app.function(timeout=60)` as a statement: the decorator it returns is dropped.
    for (const registration of model.registrations) {
      const call = registration.call;
      if (!call || registration.decorator || call.parent?.type !== 'expression_statement') continue;
      report(call, 'registersNothing', { registration: call.field('function')!.text });
    }
  },
});
