import type { SyntaxNode } from '../parser/syntax.js';
import { conditionFacts } from './guards.js';
import type { ModalModel } from './model.js';
import { isBuiltinName, nameRole } from './names.js';
import { enclosingScope, scopeBindings } from './scope.js';

/**
 * Module names bound only on the local side of `modal.is_local()` guards, with the first guard
 * that binds each. A name with any other module-level binding (before, after, in the other branch,
 * through `global`, a walrus or a wildcard import) may exist in the container and is left out.
 */
export function localOnlyNames(model: ModalModel): Map<string, SyntaxNode> {
  const result = new Map<string, SyntaxNode>();
  if (model.imports.some((b) => b.localName === '*' && enclosingScope(b.statement) === model.root && model.localityOf(b.statement) !== 'local')) return result;
  const boundElsewhere = new Set<string>();
  for (const node of model.nodesOfType('global_statement', 'identifier')) {
    if (node.type === 'global_statement') for (const name of node.namedChildren) boundElsewhere.add(name.text);
    if (node.type === 'identifier' && nameRole(node) === 'store' && enclosingScope(node) === model.root && model.localityOf(node) !== 'local') {
      boundElsewhere.add(node.text);
    }
  }
  for (const [name, bindings] of scopeBindings(model.root)) {
    if (boundElsewhere.has(name) || isBuiltinName(name)) continue;
    if (!bindings.every((binding) => model.localityOf(binding.statement) === 'local')) continue;
    const guard = model.guardsOf(bindings[0]!.statement).find((g) => g.kind === 'local');
    if (guard) result.set(name, guard.node);
  }
  return result;
}

/** True when a function body tests `modal.is_local()` and returns or raises before `use`: the rest may run only on one side. */
export function exitsEarlyOnLocality(model: ModalModel, definition: SyntaxNode, use: SyntaxNode): boolean {
  const body = definition.field('body');
  if (!body) return false;
  for (const node of body.descendants()) {
    if (node.type !== 'if_statement' || node.endIndex > use.startIndex) continue;
    const facts = conditionFacts(node.field('condition'), model.isLocalCall);
    if (!facts.whenTrue && !facts.whenFalse) continue;
    if ([...node.descendants()].some((n) => n.type === 'return_statement' || n.type === 'raise_statement')) return true;
  }
  return false;
}
