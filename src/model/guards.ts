import type { SyntaxNode } from '../parser/syntax.js';

/**
 * Why a piece of code runs only in some places:
 * - `local` / `container`: a branch of a `modal.is_local()` test;
 * - `image-imports`: inside `with <image>.imports():` (runs for real only in the container);
 * - `try-import`: the body of a `try` whose `except` catches ImportError;
 * - `type-checking`: `if TYPE_CHECKING:`;
 * - `main`: `if __name__ == "__main__":`;
 * - `function`: inside a function body (runs when called, not at import).
 */
export type GuardKind = 'local' | 'container' | 'image-imports' | 'try-import' | 'type-checking' | 'main' | 'function';

export interface Guard {
  kind: GuardKind;
  /** The statement or expression that establishes the guard. */
  node: SyntaxNode;
}

/** What a true (or false) condition says about `modal.is_local()`. */
export type Locality = 'local' | 'container' | null;

export interface ConditionFacts {
  whenTrue: Locality;
  whenFalse: Locality;
}

const NO_FACTS: ConditionFacts = { whenTrue: null, whenFalse: null };

function flip(locality: Locality): Locality {
  return locality === 'local' ? 'container' : locality === 'container' ? 'local' : null;
}

/** Reads `is_local()` facts out of a condition, through `not`, `and`, `or` and parentheses. */
export function conditionFacts(condition: SyntaxNode | null, isLocalCall: (call: SyntaxNode) => boolean): ConditionFacts {
  if (!condition) return NO_FACTS;
  switch (condition.type) {
    case 'parenthesized_expression':
      return conditionFacts(condition.namedChildren[0] ?? null, isLocalCall);
    case 'call':
      return isLocalCall(condition) ? { whenTrue: 'local', whenFalse: 'container' } : NO_FACTS;
    case 'not_operator': {
      const inner = conditionFacts(condition.field('argument'), isLocalCall);
      return { whenTrue: inner.whenFalse, whenFalse: inner.whenTrue };
    }
    case 'boolean_operator': {
      const left = conditionFacts(condition.field('left'), isLocalCall);
      const right = conditionFacts(condition.field('right'), isLocalCall);
      const op = condition.field('operator')?.text ?? condition.children.find((child) => !child.isNamed)?.text;
      // `a and b` true means both are true; `a or b` false means both are false.
      if (op === 'and') return { whenTrue: left.whenTrue ?? right.whenTrue, whenFalse: null };
      if (op === 'or') return { whenTrue: null, whenFalse: left.whenFalse ?? right.whenFalse };
      return NO_FACTS;
    }
    case 'comparison_operator': {
      // `modal.is_local() == False` / `is False` / `is True`
      const [left, right] = condition.namedChildren;
      if (condition.namedChildren.length !== 2 || !left || !right) return NO_FACTS;
      const op = condition.children.filter((child) => !child.isNamed).map((child) => child.text).join(' ');
      const call = left.type === 'call' ? left : right.type === 'call' ? right : null;
      const literal = call === left ? right : left;
      if (!call || !isLocalCall(call) || (literal.type !== 'true' && literal.type !== 'false')) return NO_FACTS;
      const equal = op === '==' || op === 'is';
      const notEqual = op === '!=' || op === 'is not';
      if (!equal && !notEqual) return NO_FACTS;
      const meansLocal = (literal.type === 'true') === equal;
      return meansLocal ? { whenTrue: 'local', whenFalse: 'container' } : { whenTrue: 'container', whenFalse: 'local' };
    }
    default:
      return NO_FACTS;
  }
}

export function localityGuard(locality: Locality, node: SyntaxNode): Guard[] {
  return locality ? [{ kind: locality, node }] : [];
}

export { flip as flipLocality };
