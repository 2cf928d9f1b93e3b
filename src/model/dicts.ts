import type { SyntaxNode } from '../parser/syntax.js';
import type { ModalModel } from './model.js';
import { enclosingScope } from './scope.js';

function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while ((current.type === 'parenthesized_expression' || current.type === 'await') && current.namedChildren.length === 1) current = current.namedChildren[0]!;
  return current;
}

/** `with modal.Dict.ephemeral() as d:` (also `async with`): the call bound to `name` by a with statement. */
function withItemValue(statement: SyntaxNode, name: string): SyntaxNode | null {
  for (const item of statement.descendants()) {
    if (item.type !== 'as_pattern' || item.parent?.type !== 'with_item') continue;
    const target = item.field('alias')?.namedChildren[0];
    if (target?.type === 'identifier' && target.text === name) return item.namedChildren[0] ?? null;
  }
  return null;
}

/** `def f(d: modal.Dict)`: the parameter's annotation names `modal.Dict`. */
function annotatedAsDict(model: ModalModel, fn: SyntaxNode, name: string): boolean {
  for (const parameter of fn.field('parameters')?.namedChildren ?? []) {
    if (parameter.type !== 'typed_parameter' && parameter.type !== 'typed_default_parameter') continue;
    const id = parameter.field('name') ?? parameter.namedChildren.find((child) => child.type === 'identifier');
    const annotation = parameter.field('type')?.namedChildren[0] ?? null;
    if (id?.text === name) return model.qualifiedName(annotation) === 'modal.Dict';
  }
  return false;
}

/** The name of the first parameter of the method holding `node` (`self`), and the method's class. */
function selfOf(node: SyntaxNode): { self: string; cls: SyntaxNode } | null {
  const fn = enclosingScope(node);
  if (fn.type !== 'function_definition') return null;
  const cls = enclosingScope(fn.parent?.type === 'decorated_definition' ? fn.parent : fn);
  if (cls.type !== 'class_definition') return null;
  const first = fn.field('parameters')?.namedChildren[0];
  const self = first?.type === 'identifier' ? first : first?.namedChildren.find((child) => child.type === 'identifier');
  return self ? { self: self.text, cls } : null;
}

/**
 * `self.attr` is a Dict when the class binds `attr` at least once and only ever to a Dict:
 * `self.attr = modal.Dict.from_name(...)` in `@modal.enter()` or `__init__`, or `attr = modal.Dict...` in the class body.
 */
function isDictAttribute(model: ModalModel, node: SyntaxNode): boolean {
  const object = node.field('object');
  const attribute = node.field('attribute')?.text;
  const owner = object?.type === 'identifier' ? selfOf(node) : null;
  if (!owner || object!.text !== owner.self || !attribute) return false;
  let bound = 0;
  for (const candidate of owner.cls.descendants()) {
    const isSelfAttribute = candidate.type === 'attribute' && candidate.field('attribute')?.text === attribute
      && candidate.field('object')?.type === 'identifier' && selfOf(candidate)?.self === candidate.field('object')!.text;
    const isClassAttribute = candidate.type === 'identifier' && candidate.text === attribute && candidate.fieldName === 'left'
      && candidate.parent?.type === 'assignment' && enclosingScope(candidate) === owner.cls;
    if (!isSelfAttribute && !isClassAttribute) continue;
    const parent = candidate.parent!;
    if (parent.type === 'assignment' && candidate.fieldName === 'left') {
      let value = parent.field('right');
      while (value?.type === 'assignment') value = value.field('right');
      if (!model.isModalDict(value)) return false;
      bound++;
    } else if (['pattern_list', 'tuple_pattern', 'list_pattern', 'as_pattern_target', 'augmented_assignment', 'for_statement'].includes(parent.type)) {
      return false; // rebound in a way the model cannot follow
    }
  }
  return bound > 0;
}

/**
 * True when an expression is proven to be a `modal.Dict`: what `model.isModalDict` proves, plus
 * `with modal.Dict.ephemeral() as d`, a parameter annotated `modal.Dict`, and `self.d` bound only to Dicts.
 */
export function isDictHandle(model: ModalModel, node: SyntaxNode | null | undefined): boolean {
  if (!node) return false;
  const expr = unwrap(node);
  if (model.isModalDict(expr)) return true;
  if (expr.type === 'attribute') return isDictAttribute(model, expr);
  if (expr.type !== 'identifier') return false;
  const bindings = model.bindingsFor(expr);
  if (bindings.length !== 1) return false;
  const statement = bindings[0]!.statement;
  if (statement.type === 'with_statement') return model.isModalDict(withItemValue(statement, expr.text));
  if (statement.type === 'function_definition') return annotatedAsDict(model, statement, expr.text);
  return false;
}

/**
 * The Dict handle when an expression reads one value out of a `modal.Dict`: `d[key]`, `d.get(key)`,
 * `await d.get.aio(key)`. The value is a deserialized copy; changing it never reaches the Dict.
 */
export function dictReadOf(model: ModalModel, node: SyntaxNode): SyntaxNode | null {
  const expr = unwrap(node);
  if (expr.type === 'subscript') {
    const value = expr.field('value');
    return isDictHandle(model, value) ? value : null;
  }
  if (expr.type !== 'call') return null;
  let callee = expr.field('function');
  if (callee?.type === 'attribute' && callee.field('attribute')?.text === 'aio') callee = callee.field('object');
  if (callee?.type !== 'attribute' || callee.field('attribute')?.text !== 'get') return null;
  const handle = callee.field('object');
  return isDictHandle(model, handle) ? handle : null;
}

/**
 * The Dict read an expression is, or reaches through subscripts and attributes, with its Dict handle:
 * `d[k]` for `d[k]`, `d[k]["a"]` and `d.get(k).items`; null when none (`d`, `self.d`, `x[0]`).
 */
export function dictReadBehind(model: ModalModel, node: SyntaxNode | null): { read: SyntaxNode; handle: SyntaxNode } | null {
  let current = node ? unwrap(node) : null;
  while (current) {
    const handle = dictReadOf(model, current);
    if (handle) return { read: current, handle };
    current = current.type === 'subscript' ? current.field('value') : current.type === 'attribute' ? current.field('object') : null;
    if (current) current = unwrap(current);
  }
  return null;
}
