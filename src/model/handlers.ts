import type { SyntaxNode } from '../parser/syntax.js';

/** Exceptions that catch everything a statement can raise. */
const CATCH_ALL = new Set(['Exception', 'BaseException']);

/** Exception class names an `except` clause or `suppress(...)` names (last dotted component), or `null` for a bare `except:`. */
function caughtNames(expression: SyntaxNode | undefined): string[] | null {
  if (!expression) return null;
  const inner = expression.type === 'as_pattern' ? expression.namedChildren[0]! : expression;
  const items = inner.type === 'tuple' || inner.type === 'parenthesized_expression' ? inner.namedChildren : [inner];
  return items.map((item) => item.text.split('.').at(-1)!);
}

function catchesAny(names: string[] | null, wanted: ReadonlySet<string>): boolean {
  return names === null || names.some((name) => wanted.has(name) || CATCH_ALL.has(name));
}

/**
 * True when an exception of one of `exceptions` raised at `node` is handled around it, in the same
 * function or module code: the body of a `try` with a matching (or bare, or `Exception`) `except`,
 * or `with contextlib.suppress(...)`. Stops at a function or lambda body, which runs later.
 */
export function isHandled(node: SyntaxNode, exceptions: ReadonlySet<string>): boolean {
  let child = node;
  for (const ancestor of node.ancestors()) {
    if ((ancestor.type === 'function_definition' || ancestor.type === 'lambda') && child.fieldName === 'body') return false;
    if (ancestor.type === 'try_statement' && child.fieldName === 'body') {
      for (const clause of ancestor.children) {
        if (clause.type !== 'except_clause' && clause.type !== 'except_group_clause') continue;
        const caught = clause.namedChildren.find((c) => c.type !== 'block' && c.type !== 'comment');
        if (catchesAny(caughtNames(caught), exceptions)) return true;
      }
    }
    if (ancestor.type === 'with_statement' && child.fieldName === 'body') {
      for (const item of ancestor.descendants()) {
        if (item.type !== 'with_item') continue;
        const call = item.field('value');
        if (call?.type !== 'call' || call.field('function')?.text.split('.').at(-1) !== 'suppress') continue;
        if (call.field('arguments')!.namedChildren.some((arg) => catchesAny([arg.text.split('.').at(-1)!], exceptions))) return true;
      }
    }
    child = ancestor;
  }
  return false;
}
