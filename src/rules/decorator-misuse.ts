import type { SyntaxNode } from '../parser/syntax.js';
import { MODAL_DECORATORS, type ModalModel, type Registration } from '../model/model.js';
import { enclosingScope } from '../model/scope.js';
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
  | 'concurrentOnMethod' | 'snapWithoutSnapshot' | 'interfaceWithLifecycle' | 'webWithCallable' | 'outsideClass';
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

/** The problem with one decorator, most fundamental first; `null` when it is fine. */
function problemOf(model: ModalModel, decorators: Decorator[], index: number, definition: SyntaxNode): Problem | null {
  const decorator = decorators[index]!;
  const { name, registration } = decorator;
  if (!decorator.call && NEEDS_CALL[name]) {
    const target = definition.type === 'class_definition' ? 'class' : 'function';
    return { id: 'missingParentheses', data: { target, suggestion: `@${decorator.callee.text}${NEEDS_CALL[name]}` } };
  }
  const below = decorators.slice(index + 1).find((d) => d.registration?.call && (d.name === 'function' || d.name === 'cls'));
  if (!registration && below) return { id: 'stackedAbove', data: { registration: `@${below.callee.text}(...)`, kind: below.name, short: name, object: below.name === 'cls' ? 'class' : 'Function' } };
  const isClass = definition.type === 'class_definition';
  if (name === 'function' && isClass) return { id: 'functionOnClass' };
  if ((name === 'cls' || name === 'server') && !isClass) return { id: 'classOnFunction' };
  if (!registration && isClass && (LIFECYCLE.has(name) || CALLABLE.has(name) || WEB.has(name))) return { id: 'modalOnClass' };
  if (isClass) return null;
  const scope = enclosingScope(definition.parent!);
  const inClass = scope.type === 'class_definition';
  const modalClass = inClass ? model.classes.find((c) => c.definition === scope) : undefined;
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
  if ((name === 'method' || LIFECYCLE.has(name)) && !inClass) return { id: 'outsideClass' };
  return null;
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
    what: 'Flags Modal decorators (`@app.function`, `@app.cls`, `@app.server`, `@app.local_entrypoint` and `@modal.method`, `enter`, `exit`, `batched`, `concurrent`, `fastapi_endpoint`, `asgi_app`, `wsgi_app`, `web_server`, under any alias) that Modal rejects at import: used without parentheses; a `modal.*` decorator stacked above `@app.function` / `@app.cls`; `@app.function` on a class or on a method; `@app.cls` / `@app.server` on a function; `@modal.method`, lifecycle, batched or web decorators on a class; `@modal.concurrent` on a method of an `@app.cls` class; `@modal.enter(snap=True)` in a class registered without `enable_memory_snapshot=True`; an interface decorator (`method`, `batched`, web) combined with a lifecycle one (`enter`, `exit`), or `method` / `batched` with a web decorator. Also flags `@modal.method`, `@modal.enter` and `@modal.exit` on a function outside any class, which Modal silently ignores, and a registration call used as a statement on its own (`app.function(timeout=60)`), which registers nothing. One finding per decorator.',
    why: 'These decorators check how they are used when the module is imported, so `modal run`, `modal deploy` and every container start fail before any code runs. The App methods take a hidden first parameter and raise "Did you forget parentheses?" when it is filled (`app.py` in `function`, `cls`, `server`, `local_entrypoint`; `_partial_function.py` for `method`, `enter`, ...). Decorators apply bottom-up, so a `modal.*` decorator above `@app.function` receives the registered Function and raises "Cannot stack `@modal.X` on top of `@app.function`". `@app.function` raises TypeError on a class and InvalidError on a method (its qualified name has a dot); `@app.cls` checks for `@modal.concurrent` methods and for `snap=True` without memory snapshots; `_PartialFunction.validate_flag_composition` rejects interface decorators combined with lifecycle ones, and callable with web ones. Outside a Modal class, `@modal.method` and lifecycle decorators are not rejected but do nothing. `app.function(...)`, `app.cls(...)`, `app.server(...)` and `app.local_entrypoint(...)` only return the decorator that registers what it is applied to (`app.py`: `return wrapped` in `function` and `local_entrypoint`, `return wrapper` in `cls` and `server`), so a bare call statement throws it away and the function it was meant for is never registered.',
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
    // `app.function(timeout=60)` as a statement: the decorator it returns is dropped.
    for (const registration of model.registrations) {
      const call = registration.call;
      if (!call || registration.decorator || call.parent?.type !== 'expression_statement') continue;
      report(call, 'registersNothing', { registration: call.field('function')!.text });
    }
  },
});
