import type { SyntaxNode } from '../parser/syntax.js';
import { combineLocality, possibleOrigins } from './flow.js';
import type { Locality } from './guards.js';
import { callArguments, type ModalModel, type Registration } from './model.js';

/** One secret a function may get: the expression that creates it, in its own module, and where to report it in the asking one. */
export interface AttachedSecret {
  /** The call that creates the secret (`modal.Secret.from_name(...)`), or whatever else the item is. */
  node: SyntaxNode;
  /** The module `node` belongs to (a helper's module when a project function returns the list). */
  model: ModalModel;
  site: SyntaxNode;
  locality: Locality;
}

/**
 * The items a `secrets=` list may hold, through names (every binding that reaches the use), both
 * arms of `X if c else Y`, `+`, `*splats` and the returns of project functions.
 */
export function secretItems(model: ModalModel, list: SyntaxNode | null | undefined): AttachedSecret[] {
  const found: AttachedSecret[] = [];
  const visit = (from: ModalModel, node: SyntaxNode, site: SyntaxNode | null, locality: Locality, depth: number, asList: boolean): void => {
    if (depth > 12 || found.length > 64) return;
    for (const origin of possibleOrigins(from, node)) {
      const combined = combineLocality(locality, origin.locality);
      if (combined === undefined || !origin.node) continue;
      const at = site ?? (origin.model === model ? null : origin.site);
      const expr = origin.node;
      if (asList && (expr.type === 'list' || expr.type === 'tuple')) {
        for (const item of expr.namedChildren) {
          if (item.type === 'list_splat') visit(origin.model, item.namedChildren[0]!, at, combined, depth + 1, true);
          else visit(origin.model, item, at, combined, depth + 1, false);
        }
      } else if (asList && expr.type === 'binary_operator') {
        for (const side of [expr.field('left'), expr.field('right')]) if (side) visit(origin.model, side, at, combined, depth + 1, true);
      } else if (!asList) {
        found.push({ node: expr, model: origin.model, site: at ?? expr, locality: combined });
      }
    }
  };
  if (list) visit(model, list, null, null, 0, true);
  return found;
}

/**
 * The secrets attached to a registration, from its own `secrets=` and its App's, each as the
 * expression that creates it (`modal.Secret.from_name(...)`, ...). Lists the model cannot follow are left out.
 */
export function attachedSecrets(model: ModalModel, registration: Registration): AttachedSecret[] {
  const lists = [registration.args.keywords.get('secrets')];
  const app = model.appOf(registration);
  if (app) lists.push(callArguments(app.call).keywords.get('secrets'));
  return lists.flatMap((list) => secretItems(model, list));
}

/** The calls that create the secrets attached to a registration, with the model to read each in. */
export function attachedSecretCalls(model: ModalModel, registration: Registration): AttachedSecret[] {
  return attachedSecrets(model, registration).filter((secret) => secret.node.type === 'call');
}

/** True when a registration serves HTTP: an `@app.server` class, or a web decorator on the function or one of the class's methods. */
export function servesWebEndpoints(model: ModalModel, registration: Registration): boolean {
  if (registration.kind === 'server') return true;
  if (registration.kind === 'local_entrypoint') return false;
  return model.functionsOf(registration).some((fn) => model.webDecoratorOf(fn) !== null);
}
