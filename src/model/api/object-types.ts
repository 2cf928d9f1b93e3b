import type { SyntaxNode } from '../../parser/syntax.js';
import type { ModalModel } from '../model.js';
import { modalObjectKind } from '../modal-objects.js';
import { lookupApi, MODAL_API, type ApiAttribute } from './inventory.js';

const MAX_DEPTH = 20;
const FUNCTION_CLASS = 'modal.functions.Function';
const CLS_CLASS = 'modal.cls.Cls';

/**
 * The inventory class of Modal's API an expression is proven to be an instance of, from the call
 * that made it: a constructor (`modal.App(...)`), or a function or method whose return annotation
 * names a Modal class (`modal.App.lookup(...)` -> App, `modal.Volume.from_name(...)` -> Volume,
 * `f.spawn(...)` -> FunctionCall), with or without `.aio` and `await`, through names bound once.
 * Null when not proven.
 */
export function apiClassOf(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): string | null {
  if (!node || depth > MAX_DEPTH) return null;
  switch (node.type) {
    case 'parenthesized_expression':
    case 'await':
      return node.namedChildren.length === 1 ? apiClassOf(model, node.namedChildren[0], depth + 1) : null;
    case 'identifier': {
      const bindings = model.bindingsFor(node);
      if (bindings.length === 1 && bindings[0]!.kind === 'assign') return apiClassOf(model, bindings[0]!.value, depth + 1);
      // A function or class registered here by its outermost decorator is a Modal Function or Cls.
      const kind = bindings.length === 1 && (bindings[0]!.kind === 'def' || bindings[0]!.kind === 'class') ? modalObjectKind(model, node) : null;
      return kind === 'Function' ? FUNCTION_CLASS : kind === 'Cls' ? CLS_CLASS : null;
    }
    case 'call':
      return returnOfCall(model, node, depth);
    default:
      return null;
  }
}

function returnOfCall(model: ModalModel, call: SyntaxNode, depth: number): string | null {
  let callee = call.field('function');
  if (!callee) return null;
  if (callee.type === 'attribute' && callee.field('attribute')!.text === 'aio') callee = callee.field('object')!;
  const qualified = model.qualifiedName(callee);
  if (qualified) {
    const lookup = lookupApi(qualified);
    if (lookup.kind === 'class') return lookup.cls.constructor?.params && !lookup.cls.openBases ? lookup.name : null;
    if (lookup.kind === 'function') return lookup.fn.returns ?? null;
    if (lookup.kind === 'attribute' && (lookup.attribute?.kind === 'staticmethod' || lookup.attribute?.kind === 'classmethod')) return lookup.attribute.returns ?? null;
    return null;
  }
  if (callee.type !== 'attribute') return null;
  const attribute = apiAttributeOf(model, callee, depth);
  return attribute?.kind === 'method' || attribute?.kind === 'staticmethod' || attribute?.kind === 'classmethod' ? attribute.returns ?? null : null;
}

/** `x.name` where `x` is a proven instance of an inventory class: the attribute's facts, or null. */
export function apiAttributeOf(model: ModalModel, attribute: SyntaxNode, depth = 0): ApiAttribute | null {
  const className = apiClassOf(model, attribute.field('object'), depth + 1);
  const cls = className ? MODAL_API.classes[className] : null;
  return cls?.attributes[attribute.field('attribute')!.text] ?? null;
}
