import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments, type ModalModel, type Registration } from './model.js';

/** The secret expressions a list argument holds, through names, `+`, `*splats` and both arms of `X if c else Y`. */
function secretExpressions(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): SyntaxNode[] {
  if (!node || depth > 20) return [];
  switch (node.type) {
    case 'parenthesized_expression':
    case 'list_splat':
      return node.namedChildren.flatMap((child) => secretExpressions(model, child, depth + 1));
    case 'list':
    case 'tuple':
      return node.namedChildren.flatMap((item) => (item.type === 'list_splat' ? secretExpressions(model, item, depth + 1) : [item]));
    case 'binary_operator':
      return [node.field('left'), node.field('right')].flatMap((side) => secretExpressions(model, side, depth + 1));
    case 'conditional_expression':
      return [node.namedChildren[0], node.namedChildren[2]].flatMap((arm) => secretExpressions(model, arm, depth + 1));
    case 'identifier':
      return secretExpressions(model, model.boundValue(node), depth + 1);
    default:
      return [node];
  }
}

/**
 * The calls that create the secrets attached to a registration, from its own `secrets=` and its
 * App's (`modal.Secret.from_name(...)`, ...). Secrets built where the model cannot follow are left out.
 */
export function attachedSecretCalls(model: ModalModel, registration: Registration): SyntaxNode[] {
  const lists = [registration.args.keywords.get('secrets')];
  const app = model.appOf(registration);
  if (app) lists.push(callArguments(app.call).keywords.get('secrets'));
  return lists.flatMap((list) => secretExpressions(model, list)).map((item) => model.originCall(item)).filter((call): call is SyntaxNode => call !== null);
}

/** True when a registration serves HTTP: an `@app.server` class, or a web decorator on the function or one of the class's methods. */
export function servesWebEndpoints(model: ModalModel, registration: Registration): boolean {
  if (registration.kind === 'server') return true;
  if (registration.kind === 'local_entrypoint') return false;
  return model.functionsOf(registration).some((fn) => model.webDecoratorOf(fn) !== null);
}
