import type { Diagnostic } from '../diagnostics.js';
import { mentionsModal, REGISTRATION_CALL } from '../engine/lint.js';
import type { SyntaxNode } from '../parser/syntax.js';
import { changedSpan } from '../parser/parser.js';
import type { FileAnalysis } from './workspace.js';

/**
 * The findings of a buffer after an edit inside one comment, from the findings before it, without
 * analysing the file again: a keystroke in a comment cannot change what the analysis sees, only
 * where text after it on that line sits. Null whenever that cannot be shown from the text alone,
 * and the file is analysed again: the edit is not inside one comment, adds or removes a line
 * break, touches a suppression directive (`modal-lint:`), changes whether the file is analysed at
 * all (the command line's `modal`/registration pre-filter), or the comment's text appears in a
 * finding's message or fix (a finding that quotes code around it), or the tree had errors.
 */
export function analysisAfterCommentEdit(previous: FileAnalysis, tree: SyntaxNode, after: string): FileAnalysis | null {
  const before = previous.text;
  if (tree.source.length !== before.length || tree.hasError) return null;
  const { start, oldEnd, newEnd } = changedSpan(before, after);
  if (/[\r\n]/.test(before.slice(start, oldEnd)) || /[\r\n]/.test(after.slice(start, newEnd))) return null;

  const comment = deepestAround(tree, start, oldEnd);
  // The edit follows the `#` and ends within the comment (or at its end: typing at the end of the line).
  if (comment.type !== 'comment' || comment.startIndex >= start || oldEnd > comment.endIndex) return null;
  const delta = newEnd - oldEnd;
  const oldComment = comment.text;
  const newComment = after.slice(comment.startIndex, comment.endIndex + delta);
  if (oldComment.includes('modal-lint') || newComment.includes('modal-lint')) return null;
  if (mentionsModal(before) !== mentionsModal(after) || REGISTRATION_CALL.test(before) !== REGISTRATION_CALL.test(after)) return null;

  const row = comment.startRow;
  const diagnostics: Diagnostic[] = [];
  for (const diagnostic of previous.diagnostics) {
    if (diagnostic.message.includes(oldComment)) return null;
    if (diagnostic.fix?.edits.some((edit) => edit.text.includes(oldComment) || (edit.start < comment.endIndex && edit.end > comment.startIndex))) return null;
    // A finding that starts or ends on the comment's line after the edit would have to be on the comment itself.
    const { start: from, end: to } = diagnostic.range;
    if ((from.line === row + 1 && from.column - 1 > start) || (to.line === row + 1 && to.column - 1 > start)) return null;
    const shifted: Diagnostic = { ...diagnostic };
    if (diagnostic.fix) {
      shifted.fix = { ...diagnostic.fix, edits: diagnostic.fix.edits.map((edit) => (edit.start >= oldEnd ? { ...edit, start: edit.start + delta, end: edit.end + delta } : edit)) };
    }
    diagnostics.push(shifted);
  }
  return { text: after, diagnostics, notices: previous.notices };
}

/** The deepest node whose range holds [start, end]. */
function deepestAround(root: SyntaxNode, start: number, end: number): SyntaxNode {
  let node = root;
  for (;;) {
    const child = node.children.find((candidate) => candidate.startIndex <= start && end <= candidate.endIndex);
    if (!child) return node;
    node = child;
  }
}
