import { closestMatch } from '../config/suggest.js';
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
    what: 'Reports suppression comments (`# modal-lint: ignore[rule-id]`, `# modal-lint: file-ignore[rule-id]` and a bare `# modal-lint: ignore`) that suppress nothing there, or that name a rule id that does not exist. `# noqa` comments are shared with other tools and never reported.',
    why: 'A stale suppression hides the next real finding on that line, and a misspelt rule id suppresses nothing while looking like it does.',
    example: 'app = modal.App("billing-api")  # modal-lint: ignore[kebab-case-name]',
    useInstead: 'app = modal.App("billing-api")',
    link: 'https://modal.com/docs/guide',
  },
};

/** `# modal-lint: ignore[ids]`, `# modal-lint: file-ignore[ids]`, or either without a list (every rule); any letter case. */
const DIRECTIVE = /modal-lint:\s*(file-ignore|ignore)\b(?:\s*\[([^\]]*)\])?/gi;
/** `# noqa` (every rule) or `# noqa: CODE, CODE`, as Ruff and flake8 read it. */
const NOQA = /#\s*noqa\b(?:\s*:\s*([\w-]+(?:[\s,]+[\w-]+)*))?/gi;

export interface Suppression {
  comment: SyntaxNode;
  scope: 'line' | 'file';
  /** 1-based line the suppression applies to (for `line` scope). */
  line: number;
  /** The rules it suppresses; `all` for a bare directive or a bare `# noqa`. */
  ruleIds: string[] | 'all';
  /** `noqa` comments are shared with other tools: unknown codes in them are theirs, and an unused one is not ours to report. */
  kind: 'modal-lint' | 'noqa';
}

/** Reads suppression comments from the syntax tree, so text inside strings never counts. */
export function readSuppressions(root: SyntaxNode, knownRules?: ReadonlySet<string>): Suppression[] {
  const result: Suppression[] = [];
  // Most files have no directive (in any letter case) and no `noqa`: the text says so without a walk.
  if (!/modal-lint:|noqa/i.test(root.source)) return result;
  // The parser's index lists the comments in source order, as a walk would; a file without comments has no entry.
  for (const node of root.nodesByType ? (root.nodesByType.get('comment') ?? []) : root.descendants()) {
    if (node.type !== 'comment') continue;
    const ownLine = isAloneOnLine(node);
    const line = node.startRow + 1 + (ownLine ? 1 : 0);
    for (const match of node.text.matchAll(DIRECTIVE)) {
      const ruleIds = match[2] === undefined ? 'all' : match[2].split(',').map((id) => id.trim().toLowerCase()).filter((id) => id !== '');
      result.push({ comment: node, scope: match[1]!.toLowerCase() === 'file-ignore' ? 'file' : 'line', line, ruleIds, kind: 'modal-lint' });
    }
    for (const match of node.text.matchAll(NOQA)) {
      // As in Ruff, a noqa comment applies to its own line only.
      const noqaLine = node.startRow + 1;
      if (match[1] === undefined) {
        result.push({ comment: node, scope: 'line', line: noqaLine, ruleIds: 'all', kind: 'noqa' });
        continue;
      }
      // Only the codes that are rule ids of ours count; a noqa for other tools' codes is not ours.
      const codes = match[1].split(/[\s,]+/).map((code) => code.toLowerCase());
      const ours = codes.filter((code) => knownRules === undefined || knownRules.has(code));
      if (ours.length > 0) result.push({ comment: node, scope: 'line', line: noqaLine, ruleIds: ours, kind: 'noqa' });
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
      const all = suppression.ruleIds === 'all';
      if (!all && !suppression.ruleIds.includes(diagnostic.ruleId)) continue;
      if (suppression.scope === 'file' || suppression.line === diagnostic.range.start.line) {
        used.add(all ? `${index}` : `${index}:${diagnostic.ruleId}`);
        return false;
      }
    }
    return true;
  });
  if (!reportUnused) return kept;
  for (const [index, suppression] of suppressions.entries()) {
    if (suppression.kind === 'noqa') continue;
    const where = suppression.scope === 'file' ? 'in this file' : 'on this line';
    if (suppression.ruleIds === 'all') {
      if (!used.has(`${index}`)) kept.push(reportUnused(suppression.comment, `Unused suppression: nothing is reported ${where}.`));
      continue;
    }
    for (const ruleId of suppression.ruleIds) {
      if (!knownRules.has(ruleId)) {
        const suggestion = closestMatch(ruleId, knownRules);
        kept.push(reportUnused(suppression.comment, `Unknown rule \`${ruleId}\` in suppression comment${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}.`));
      } else if (ranRules.has(ruleId) && !used.has(`${index}:${ruleId}`)) {
        kept.push(reportUnused(suppression.comment, `Unused suppression: \`${ruleId}\` reports nothing ${where}.`));
      }
    }
    if (suppression.ruleIds.length === 0) kept.push(reportUnused(suppression.comment, 'Suppression comment names no rule; write `# modal-lint: ignore[rule-id]`, or `# modal-lint: ignore` for every rule on the line.'));
  }
  return kept;
}
