import type { SyntaxNode } from '../parser/syntax.js';

/** Clauses of which at most one runs: the branches of an `if` / `elif` / `else`, the cases of a `match`. */
function isBranchClause(node: SyntaxNode, parent: SyntaxNode): boolean {
  if (parent.type === 'if_statement') return node.fieldName === 'consequence' || node.fieldName === 'alternative';
  return node.type === 'case_clause';
}

/**
 * True when two nodes sit in different branches of the same `if` or `match`, so that code in one
 * never runs before code in the other: `image = a` under `if` does not reach `image` under `elif`.
 */
export function inExclusiveBranches(first: SyntaxNode, second: SyntaxNode): boolean {
  const firstPath = new Map<SyntaxNode, SyntaxNode>();
  let child = first;
  for (const ancestor of first.ancestors()) {
    firstPath.set(ancestor, child);
    child = ancestor;
  }
  child = second;
  for (const ancestor of second.ancestors()) {
    const firstChild = firstPath.get(ancestor);
    if (firstChild) return firstChild !== child && isBranchClause(firstChild, ancestor) && isBranchClause(child, ancestor);
    child = ancestor;
  }
  return false;
}
