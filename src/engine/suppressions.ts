import type { Diagnostic, RuleMeta } from '../diagnostics.js';
import type { SyntaxNode } from '../parser/syntax.js';

export const UNUSED_SUPPRESSION: RuleMeta = {
  id: 'unused-suppression',
  category: 'suppression',
  defaultSeverity: 'warning',
  precision: 'very-high',
  tags: ['suppression'],
  summary: 'A `# modal-lint: ignore[...]` comment that suppresses nothing or names an unknown rule.',
  docs: {
    what: 'Reports suppression comments (`# modal-lint: ignore[rule-id]` and `# modal-lint: file-ignore[rule-id]`) whose rule reported nothing there, or whose rule id does not exist.',
    why: 'A stale suppression hides the next real finding on that line, and a misspelt rule id suppresses nothing while looking like it does.',
    example: 'app = modal.App("billing-api")  # modal-lint: ignore[kebab-case-name]',
    useInstead: 'app = modal.App("billing-api")',
    link: 'https://modal.com/docs/guide',
  },
};

const DIRECTIVE = /modal-lint:\s*(ignore|file-ignore)\s*\[([^\]]*)\](?:\s*--\s*(\S.*))?/g;

export interface Suppression {
  comment: SyntaxNode;
  scope: 'line' | 'file';
  /** 1-based line the suppression applies to (for `line` scope). */
  line: number;
  ruleIds: string[];
}

/** Reads suppression comments from the syntax tree, so text inside strings never counts. */
export function readSuppressions(root: SyntaxNode): Suppression[] {
  const result: Suppression[] = [];
  // Most files have no directive: the text says so without a walk over the tree.
  if (!root.source.includes('modal-lint:')) return result;
  // The parser's index lists the comments in source order, as a walk would.
  for (const node of root.nodesByType?.get('comment') ?? root.descendants()) {
    if (node.type !== 'comment') continue;
    for (const match of node.text.matchAll(DIRECTIVE)) {
      const ruleIds = match[2]!.split(',').map((id) => id.trim()).filter((id) => id !== '');
      const ownLine = isAloneOnLine(node);
      result.push({ comment: node, scope: match[1] === 'file-ignore' ? 'file' : 'line', line: node.startRow + 1 + (ownLine ? 1 : 0), ruleIds });
    }
  }
  return result;
}

function isAloneOnLine(comment: SyntaxNode): boolean {
  const lineStart = comment.source.lastIndexOf('\n', comment.startIndex - 1) + 1;
  return comment.source.slice(lineStart, comment.startIndex).trim() === '';
}

/**
 * Drops suppressed diagnostics and, when asked, reports suppressions that did nothing.
 * Rules that were not run for this file are never called unused: nothing could have used them.
 */
export function applySuppressions(
  diagnostics: Diagnostic[],
  suppressions: Suppression[],
  ranRules: ReadonlySet<string>,
  knownRules: ReadonlySet<string>,
  reportUnused: ((comment: SyntaxNode, message: string) => Diagnostic) | null,
): Diagnostic[] {
  const used = new Set<string>();
  const kept = diagnostics.filter((diagnostic) => {
    for (const [index, suppression] of suppressions.entries()) {
      if (!suppression.ruleIds.includes(diagnostic.ruleId)) continue;
      if (suppression.scope === 'file' || suppression.line === diagnostic.range.start.line) {
        used.add(`${index}:${diagnostic.ruleId}`);
        return false;
      }
    }
    return true;
  });
  if (!reportUnused) return kept;
  for (const [index, suppression] of suppressions.entries()) {
    for (const ruleId of suppression.ruleIds) {
      if (!knownRules.has(ruleId)) kept.push(reportUnused(suppression.comment, `Unknown rule \`${ruleId}\` in suppression comment.`));
      else if (ranRules.has(ruleId) && !used.has(`${index}:${ruleId}`)) {
        kept.push(reportUnused(suppression.comment, `Unused suppression: \`${ruleId}\` reports nothing ${suppression.scope === 'file' ? 'in this file' : 'on this line'}.`));
      }
    }
    if (suppression.ruleIds.length === 0) kept.push(reportUnused(suppression.comment, 'Suppression comment names no rule; write `# modal-lint: ignore[rule-id]`.'));
  }
  return kept;
}
