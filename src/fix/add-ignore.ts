import type { Diagnostic } from '../diagnostics.js';
import { UNUSED_SUPPRESSION } from '../engine/suppressions.js';
import { getParser, parseWith } from '../parser/parser.js';
import type { SyntaxNode } from '../parser/syntax.js';
import { applyFixes } from './apply.js';
import { lineEnding } from './fix-source.js';

/** A line-scoped suppression comment written at the end of a line (not one alone on its line). */
const TRAILING_IGNORE = /modal-lint:\s*ignore\s*\[([^\]]*)\]/;

export interface IgnoreEdit {
  /** UTF-16 offsets into the text, as fix edits are. */
  start: number;
  end: number;
  text: string;
}

export interface AddedIgnores {
  /** The text with the comments written (the original when nothing was added). */
  text: string;
  /** The edits that turn the original into `text`, one per line. */
  edits: IgnoreEdit[];
  /** Rule ids added, over all lines. */
  added: number;
  /** Lines left alone, with why (a comment there would change the code or break the syntax). */
  skipped: Array<{ line: number; ruleIds: string[]; reason: string }>;
}

interface Line {
  start: number;
  /** Offset of the line break (or of the end of the text). */
  end: number;
}

/** Lines as Python and the parser count them: `\r\n`, `\n` and a lone `\r` each end one. */
function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const match of text.matchAll(/\r\n|\r|\n/g)) {
    lines.push({ start, end: match.index });
    start = match.index + match[0].length;
  }
  lines.push({ start, end: text.length });
  return lines;
}

/**
 * Writes `# modal-lint: ignore[rule-id]` for findings, so that they are suppressed: at the end of
 * the line each finding starts on, or, when that line ends inside a multi-line string, on a line
 * of its own just above (which applies to the next line). A line that already ends with such a
 * comment gets the rule added to it, so running this twice changes nothing. `unused-suppression`
 * findings are left out: they cannot be suppressed, they ask for a comment to go. No line break
 * is written except in that fallback, and it is the file's own. Nothing is written that would
 * turn a file that parses into one that does not.
 */
export async function addIgnoreComments(text: string, diagnostics: readonly Diagnostic[]): Promise<AddedIgnores> {
  const rulesByLine = new Map<number, Set<string>>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.ruleId === UNUSED_SUPPRESSION.id) continue;
    const line = diagnostic.range.start.line;
    let ids = rulesByLine.get(line);
    if (!ids) rulesByLine.set(line, (ids = new Set()));
    ids.add(diagnostic.ruleId);
  }
  const result: AddedIgnores = { text, edits: [], added: 0, skipped: [] };
  if (rulesByLine.size === 0) return result;

  const parser = await getParser();
  const root = parseWith(parser, text);
  const lines = linesOf(text);
  const comments = new Map<number, SyntaxNode>();
  const multiLineStrings: SyntaxNode[] = [];
  for (const node of root.descendants()) {
    if (node.type === 'comment') comments.set(node.startRow + 1, node);
    else if (node.type === 'string' && node.endRow > node.startRow) multiLineStrings.push(node);
  }
  const insideString = (offset: number): boolean => multiLineStrings.some((string) => string.startIndex < offset && offset < string.endIndex);

  const planned: Array<{ line: number; ruleIds: string[]; edit: IgnoreEdit; added: number }> = [];
  for (const [lineNumber, ids] of [...rulesByLine].sort((a, b) => a[0] - b[0])) {
    const line = lines[lineNumber - 1];
    const ruleIds = [...ids].sort();
    if (!line) {
      result.skipped.push({ line: lineNumber, ruleIds, reason: 'the file has no such line' });
      continue;
    }
    const comment = comments.get(lineNumber);
    const existing = comment && comment.startIndex > line.start && text.slice(line.start, comment.startIndex).trim() !== '' ? TRAILING_IGNORE.exec(comment.text) : null;
    if (comment && existing) {
      const present = existing[1]!.split(',').map((id) => id.trim()).filter((id) => id !== '');
      const missing = ruleIds.filter((id) => !present.includes(id));
      if (missing.length === 0) continue;
      const bracketStart = comment.startIndex + existing.index + existing[0].indexOf('[') + 1;
      const bracketEnd = bracketStart + existing[1]!.length;
      planned.push({ line: lineNumber, ruleIds, edit: { start: bracketStart, end: bracketEnd, text: [...present, ...missing].join(', ') }, added: missing.length });
      continue;
    }
    const directive = `# modal-lint: ignore[${ruleIds.join(', ')}]`;
    const content = text.slice(line.start, line.end);
    if (content.trim() === '') {
      // A comment alone on a line applies to the next one.
      result.skipped.push({ line: lineNumber, ruleIds, reason: 'the line is blank' });
    } else if (!insideString(line.end)) {
      const trimmedEnd = line.start + content.trimEnd().length;
      planned.push({ line: lineNumber, ruleIds, edit: { start: trimmedEnd, end: line.end, text: `  ${directive}` }, added: ruleIds.length });
    } else if (!insideString(line.start)) {
      const indentation = /^[ \t]*/.exec(text.slice(line.start, line.end))![0];
      planned.push({ line: lineNumber, ruleIds, edit: { start: line.start, end: line.start, text: `${indentation}${directive}${lineEnding(text)}` }, added: ruleIds.length });
    } else {
      result.skipped.push({ line: lineNumber, ruleIds, reason: 'the line starts and ends inside a multi-line string' });
    }
  }
  if (planned.length === 0) return result;

  const apply = (chosen: typeof planned): string => applyFixes(text, chosen.map((entry) => ({ safety: 'safe', title: '', edits: [entry.edit] }))).text;
  const originalBroken = root.hasError;
  let chosen = planned;
  let newText = apply(chosen);
  if (!originalBroken && parseWith(parser, newText).hasError) {
    // Rare (a line continued with a backslash): keep the lines whose comment parses on its own.
    chosen = planned.filter((entry) => {
      if (!parseWith(parser, apply([entry])).hasError) return true;
      result.skipped.push({ line: entry.line, ruleIds: entry.ruleIds, reason: 'a comment there would leave a syntax error' });
      return false;
    });
    newText = apply(chosen);
  }
  result.text = newText;
  result.edits = chosen.map((entry) => entry.edit);
  result.added = chosen.reduce((sum, entry) => sum + entry.added, 0);
  return result;
}
