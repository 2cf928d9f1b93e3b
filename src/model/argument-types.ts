import type { SyntaxNode } from '../parser/syntax.js';
import { numberType } from './configuration.js';
import type { ModalModel } from './model.js';
import { modalObjectKind } from './modal-objects.js';
import type { Value } from './values.js';

/**
 * What an argument is proven to be, in words a message can use ("a string", "a `modal.Secret`"):
 * a literal (through constants and both arms of a conditional) or a Modal object the model can
 * prove. Null when it cannot be told; every possible value must have one description.
 */
export function describeArgument(model: ModalModel, node: SyntaxNode | null | undefined): string | null {
  if (!node) return null;
  const kind = modalObjectKind(model, node);
  if (kind) return kind === 'ClsInstance' ? 'an instance of a Modal class' : `a \`modal.${kind}\``;
  const values = model.possibleValues(node);
  if (values.length === 0) return null;
  const described = values.map((value) => describeValue(model, value, node));
  return described.every((text) => text !== null && text === described[0]) ? described[0]! : null;
}

function describeValue(model: ModalModel, value: Value, node: SyntaxNode): string | null {
  switch (value.kind) {
    case 'str': return 'a string';
    case 'num': return numberType(model, node) === 'float' ? 'a float' : 'a number';
    case 'bool': return '`True` / `False`';
    case 'none': return '`None`';
    case 'list': return 'a list or tuple';
    case 'dict': return 'a dict';
    default: return null;
  }
}
