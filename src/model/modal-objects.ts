import type { SyntaxNode } from '../parser/syntax.js';
import type { ModalModel } from './model.js';

/** Modal objects a receiver can be proven to be. `ClsInstance` is `Model()` of a Modal class. */
export type ModalObjectKind =
  | 'App' | 'Function' | 'Cls' | 'ClsInstance' | 'FunctionCall' | 'Image' | 'Sandbox'
  | 'Dict' | 'Queue' | 'Volume' | 'Secret' | 'NetworkFileSystem';

const CLASS_KINDS = new Set<string>(['Function', 'Cls', 'FunctionCall', 'Sandbox', 'Dict', 'Queue', 'Volume', 'Secret', 'NetworkFileSystem']);

/** `modal.<Kind>.<method>(...)` calls that return a `<Kind>` object (with or without `.aio`). */
const FACTORIES = new Set(['from_name', 'lookup', 'ephemeral', 'from_id', 'create', 'new', 'with_options']);

/**
 * What Modal object an expression is proven to be: a registered function or class, an App, an
 * Image chain, or the result of a `modal.X.from_name / lookup / ephemeral / from_id / create`
 * call, followed through names bound once. Null when it cannot be proven (`x.lookup()` on an
 * unknown `x` is not Modal's).
 */
export function modalObjectKind(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): ModalObjectKind | null {
  if (!node || depth > 20) return null;
  switch (node.type) {
    case 'parenthesized_expression':
      return modalObjectKind(model, node.namedChildren[0], depth + 1);
    case 'await':
      return modalObjectKind(model, node.namedChildren[0], depth + 1);
    case 'identifier': {
      const registered = registeredKind(model, node);
      if (registered) return registered;
      // Follow the name's own binding: a local `app = FastAPI()` is not the module's Modal App.
      const bindings = model.bindingsFor(node);
      if (bindings.length === 1 && bindings[0]!.kind === 'assign') return modalObjectKind(model, bindings[0]!.value, depth + 1);
      return bindings.length > 0 && bindings.every((binding) => binding.kind === 'import') && model.isAppExpression(node) ? 'App' : null;
    }
    case 'attribute': {
      if (model.isAppExpression(node)) return 'App';
      // `Model().method` is a Function bound to an instance.
      return modalObjectKind(model, node.field('object'), depth + 1) === 'ClsInstance' ? 'Function' : null;
    }
    case 'call':
      return callKind(model, node, depth);
    default:
      return null;
  }
}

function callKind(model: ModalModel, call: SyntaxNode, depth: number): ModalObjectKind | null {
  const callee = call.field('function');
  if (model.isAppExpression(call)) return 'App';
  const qualified = model.qualifiedName(callee)?.replace(/\.aio$/, '');
  const parts = qualified?.split('.') ?? [];
  if (parts.length === 3 && parts[0] === 'modal' && CLASS_KINDS.has(parts[1]!) && FACTORIES.has(parts[2]!)) return parts[1] as ModalObjectKind;
  if (model.imageChainOf(call)) return 'Image';
  const calleeKind = modalObjectKind(model, callee, depth + 1);
  if (calleeKind === 'Cls') return 'ClsInstance';
  // `f.with_options(...)` keeps the kind of `f`.
  if (callee?.type === 'attribute' && callee.field('attribute')?.text === 'with_options') {
    const receiver = modalObjectKind(model, callee.field('object'), depth + 1);
    if (receiver === 'Function' || receiver === 'Cls') return receiver;
  }
  return null;
}

/** A `def` / `class` registered by its outermost decorator `@app.function` / `@app.cls`, named by an identifier bound only to it. */
function registeredKind(model: ModalModel, identifier: SyntaxNode): ModalObjectKind | null {
  const bindings = model.bindingsFor(identifier);
  if (bindings.length !== 1) return null;
  const [binding] = bindings;
  if (binding!.kind !== 'def' && binding!.kind !== 'class') return null;
  const statement = binding!.statement;
  const definition = statement.type === 'decorated_definition' ? statement.field('definition') : statement;
  const decorated = definition?.parent?.type === 'decorated_definition' ? definition.parent : null;
  const registration = model.registrations.find((r) => r.target === definition && r.decorator);
  // Another decorator above `@app.function` may wrap the Function in something else.
  const outermost = decorated?.children.find((child) => child.type === 'decorator');
  if (!registration || registration.decorator !== outermost) return null;
  if (registration.kind === 'function') return 'Function';
  return registration.kind === 'cls' ? 'Cls' : null;
}
