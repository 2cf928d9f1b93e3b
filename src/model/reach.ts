import type { SyntaxNode } from '../parser/syntax.js';
import { calledFunction } from './flow.js';
import type { ModalModel } from './model.js';

/**
 * The definitions that run when the given functions or classes run, as far as this module shows:
 * the roots themselves plus every function or class they call by a plain name, transitively
 * (`device = pick_device()` with `def pick_device(): ...` in the same module). `skip` leaves out
 * definitions that do not run here (another registered function or class runs in its own container).
 */
export function definitionsReachedFrom(model: ModalModel, roots: SyntaxNode[], skip: (definition: SyntaxNode) => boolean = () => false): SyntaxNode[] {
  const reached = new Set<SyntaxNode>(roots);
  const queue = [...roots];
  while (queue.length > 0) {
    const definition = queue.pop()!;
    for (const node of definition.descendants()) {
      const callee = node.type === 'call' ? node.field('function') : null;
      if (callee?.type !== 'identifier') continue;
      for (const binding of model.bindingsFor(callee)) {
        if (binding.kind !== 'def' && binding.kind !== 'class') continue;
        const target = binding.statement.type === 'decorated_definition' ? binding.statement.field('definition') : binding.statement;
        if (!target || reached.has(target) || skip(target)) continue;
        reached.add(target);
        queue.push(target);
      }
    }
  }
  return [...reached];
}

/** A function or class and the model of the module that defines it. */
export interface ReachedDefinition {
  model: ModalModel;
  definition: SyntaxNode;
}

/**
 * Like `definitionsReachedFrom`, and also into project modules: a call of a function imported
 * from a project module (`from .gpu import require_cuda`, `helpers.check()`) adds that function
 * and what it calls in turn, up to `maxDefinitions` definitions.
 */
export function definitionsReachedAcrossProject(model: ModalModel, roots: SyntaxNode[], maxDefinitions = 200): ReachedDefinition[] {
  const reached: ReachedDefinition[] = [];
  const seen = new Set<SyntaxNode>();
  const queue: ReachedDefinition[] = [];
  const add = (entry: ReachedDefinition): void => {
    for (const definition of definitionsReachedFrom(entry.model, [entry.definition])) {
      if (seen.has(definition) || reached.length >= maxDefinitions) continue;
      seen.add(definition);
      reached.push({ model: entry.model, definition });
      queue.push({ model: entry.model, definition });
    }
  };
  for (const root of roots) add({ model, definition: root });
  while (queue.length > 0) {
    const { model: current, definition } = queue.pop()!;
    for (const node of definition.descendants()) {
      if (node.type !== 'call') continue;
      const called = calledFunction(current, node);
      if (called && called.model !== current) add(called);
    }
  }
  return reached;
}

/** Module-level code outside any `def` or `class`: it runs on import, in every container too. */
export function* moduleLevelCode(root: SyntaxNode): Generator<SyntaxNode> {
  const stack = [...root.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'function_definition' || node.type === 'class_definition') continue;
    yield node;
    stack.push(...node.children);
  }
}
