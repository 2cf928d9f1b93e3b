import type { SyntaxNode } from '../parser/syntax.js';
import type { ModalModel, Registration } from './model.js';
import { enclosingScope, type Binding } from './scope.js';

/** Methods of a Modal Function (or of a Cls method) that send inputs to Modal. */
export const INVOCATION_METHODS = new Set(['remote', 'remote_gen', 'map', 'starmap', 'spawn', 'spawn_map', 'for_each']);

/** `Function.with_options(...)` and friends return another handle to the same kind of object. */
const OPTION_METHODS = new Set(['with_options', 'with_concurrency', 'with_batching']);
const FUNCTION_LOOKUPS = new Set(['modal.Function.from_name', 'modal.Function.lookup']);
const CLS_LOOKUPS = new Set(['modal.Cls.from_name', 'modal.Cls.lookup']);
/** `@modal.*` decorators that make a method callable with `.remote()` / `.map()`. */
const CALLABLE_METHOD_DECORATORS = new Set(['method', 'batched']);
const MAX_DEPTH = 20;

/** How an expression is known to be a Modal Function. */
export type FunctionHandleKind = 'function' | 'lookup' | 'method';

function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildren.length === 1) current = current.namedChildren[0]!;
  return current;
}

/** A registration written as the outermost decorator: only then is the name bound to what Modal returns. */
function outermostRegistration(model: ModalModel, statement: SyntaxNode, kinds: string[]): Registration | null {
  const decorated = statement.type === 'decorated_definition' ? statement : statement.parent;
  if (decorated?.type !== 'decorated_definition') return null;
  const top = decorated.children.find((child) => child.type === 'decorator');
  const registration = model.registrations.find((r) => r.decorator === top);
  return registration && registration.call && kinds.includes(registration.kind) ? registration : null;
}

/**
 * A function registered with a bare `@stub.function` (no parentheses), the form of 2022-2023 apps:
 * Modal 1.x raises at that decorator, but the name was a Modal Function when the code was written.
 */
export function isBareRegisteredFunction(model: ModalModel, node: SyntaxNode | null): boolean {
  const expr = node ? unwrap(node) : null;
  if (expr?.type !== 'identifier') return false;
  return everyBinding(model, expr, (binding) => {
    if (binding.kind !== 'def') return null;
    const decorated = binding.statement.type === 'decorated_definition' ? binding.statement : binding.statement.parent;
    const top = decorated?.type === 'decorated_definition' ? decorated.children.find((child) => child.type === 'decorator') : undefined;
    const registration = top ? model.registrations.find((r) => r.decorator === top) : undefined;
    return registration?.kind === 'function' && !registration.call ? true : null;
  }) === true;
}

/** `app.function(...)(fn)` / `app.cls(...)(Model)`: the registration whose call is the callee of `call`. */
function wrappingRegistration(model: ModalModel, call: SyntaxNode, kind: string): Registration | null {
  const callee = call.field('function');
  return model.registrations.find((r) => r.kind === kind && r.node === callee) ?? null;
}

/** Every binding of a name must be a proof; returns the last one, or `null` when any binding is not. */
function everyBinding<T>(model: ModalModel, identifier: SyntaxNode, prove: (binding: Binding) => T | null): T | null {
  const bindings = model.bindingsFor(identifier);
  let proof: T | null = null;
  for (const binding of bindings) {
    proof = prove(binding);
    if (proof === null) return null;
  }
  return proof;
}

/** Where a Modal class comes from: registered in this module (`local`), or looked up by name from a deployed App. */
export type ClassOrigin = 'local' | 'lookup';

/**
 * Where a Modal class (the `Cls`, not an instance) comes from, or `null` when the expression is not
 * proven to be one: a class registered with `@app.cls(...)` as its outermost decorator or through
 * `app.cls(...)(Model)`, `modal.Cls.from_name(...)`, or `.with_options(...)` on one of those,
 * through names bound only to such values.
 */
export function modalClassOrigin(model: ModalModel, node: SyntaxNode | null, depth = 0): ClassOrigin | null {
  if (!node || depth > MAX_DEPTH) return null;
  const expr = unwrap(node);
  if (expr.type === 'call') {
    const callee = expr.field('function');
    if (CLS_LOOKUPS.has(model.qualifiedName(callee) ?? '')) return 'lookup';
    if (wrappingRegistration(model, expr, 'cls')) return 'local';
    return callee?.type === 'attribute' && OPTION_METHODS.has(callee.field('attribute')!.text) ? modalClassOrigin(model, callee.field('object'), depth + 1) : null;
  }
  if (expr.type !== 'identifier') return null;
  return everyBinding(model, expr, (binding) => {
    if (binding.kind === 'class') return outermostRegistration(model, binding.statement, ['cls']) ? 'local' : null;
    return binding.kind === 'assign' && binding.value ? modalClassOrigin(model, binding.value, depth + 1) : null;
  });
}

/** Where the class of a Modal class instance comes from (`Model()`, or a name bound only to such calls), or `null`. */
export function modalInstanceOrigin(model: ModalModel, node: SyntaxNode | null, depth = 0): ClassOrigin | null {
  if (!node || depth > MAX_DEPTH) return null;
  const expr = unwrap(node);
  if (expr.type === 'call') return modalClassOrigin(model, expr.field('function'), depth + 1);
  if (expr.type !== 'identifier') return null;
  return everyBinding(model, expr, (binding) => binding.kind === 'assign' && binding.value ? modalInstanceOrigin(model, binding.value, depth + 1) : null);
}

/** The local class definition behind a Modal class expression, when it is defined in this module. */
function localClassDefinition(model: ModalModel, node: SyntaxNode): SyntaxNode | null {
  const call = model.originCall(node);
  const callee = call ? unwrap(call.field('function')!) : null;
  if (callee?.type !== 'identifier') return null;
  const bindings = model.bindingsFor(callee);
  const statement = bindings.length === 1 && bindings[0]!.kind === 'class' ? bindings[0]!.statement : null;
  return statement?.type === 'decorated_definition' ? statement.field('definition') : statement;
}

/** `self.other_method` inside a method of a Modal class, where `other_method` is one of its `@modal.method()`s. */
function isSelfMethod(model: ModalModel, attribute: SyntaxNode): boolean {
  const object = attribute.field('object');
  if (object?.type !== 'identifier') return false;
  const method = enclosingScope(attribute);
  const fn = model.functions.find((candidate) => candidate.definition === method);
  const first = method.field('parameters')?.namedChildren[0];
  if (!fn?.owner || fn.owner.registration.kind !== 'cls' || first?.type !== 'identifier' || first.text !== object.text) return false;
  const name = attribute.field('attribute')!.text;
  return fn.owner.methods.some((m) => m.name === name && m.decorators.some((d) => CALLABLE_METHOD_DECORATORS.has(d.name)));
}

/**
 * How an expression is proven to be a Modal Function handle, or `null`:
 * - `function`: a def registered with `@app.function(...)` as its outermost decorator, or `app.function(...)(fn)`;
 * - `method`: a Modal method of an instance of a class registered in this module (`Model().embed`,
 *   `model.embed` after `model = Model()`, `self.embed` inside the class);
 * - `lookup`: `modal.Function.from_name(...)`, or a method of a `modal.Cls.from_name(...)` instance.
 * Names must be bound only to such values; imports from other modules are not followed.
 */
export function functionHandleKind(model: ModalModel, node: SyntaxNode | null, depth = 0): FunctionHandleKind | null {
  if (!node || depth > MAX_DEPTH) return null;
  const expr = unwrap(node);
  if (expr.type === 'call') {
    const callee = expr.field('function');
    if (FUNCTION_LOOKUPS.has(model.qualifiedName(callee) ?? '')) return 'lookup';
    if (wrappingRegistration(model, expr, 'function')) return 'function';
    if (callee?.type === 'attribute' && OPTION_METHODS.has(callee.field('attribute')!.text)) return functionHandleKind(model, callee.field('object'), depth + 1);
    return null;
  }
  if (expr.type === 'attribute') {
    const object = expr.field('object')!;
    if (isSelfMethod(model, expr)) return 'method';
    const origin = modalInstanceOrigin(model, object);
    if (!origin) return null;
    if (origin === 'lookup') return 'lookup';
    // For a class defined here, the attribute must be one of its Modal methods.
    const definition = localClassDefinition(model, object);
    const modalClass = definition ? model.classes.find((c) => c.definition === definition) : null;
    if (definition && !modalClass) return null;
    const name = expr.field('attribute')!.text;
    if (modalClass && !modalClass.methods.some((m) => m.name === name && m.decorators.some((d) => CALLABLE_METHOD_DECORATORS.has(d.name)))) return null;
    return 'method';
  }
  if (expr.type !== 'identifier') return null;
  return everyBinding(model, expr, (binding) => {
    if (binding.kind === 'def') return outermostRegistration(model, binding.statement, ['function']) ? 'function' : null;
    if (binding.kind === 'assign' && binding.value) return functionHandleKind(model, binding.value, depth + 1);
    return null;
  });
}

/** A name bound only to a `def` that contains `yield` outside nested functions (Modal calls it with `.remote_gen`). */
export function isGeneratorFunction(model: ModalModel, receiver: SyntaxNode): boolean {
  if (receiver.type !== 'identifier') return false;
  const bindings = model.bindingsFor(receiver);
  if (bindings.length !== 1 || bindings[0]!.kind !== 'def') return false;
  const statement = bindings[0]!.statement;
  const definition = statement.type === 'decorated_definition' ? statement.field('definition') : statement;
  const body = definition?.field('body');
  return containsYield(body ?? null);
}

/** Whether a function body yields (a generator), not counting nested functions, lambdas or classes. */
export function containsYield(body: SyntaxNode | null): boolean {
  if (!body) return false;
  const visit = (node: SyntaxNode): boolean => {
    if (node.type === 'yield') return true;
    if (node.type === 'function_definition' || node.type === 'lambda' || node.type === 'class_definition') return false;
    return node.namedChildren.some(visit);
  };
  return visit(body);
}
