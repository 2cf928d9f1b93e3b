import type { SyntaxNode } from '../parser/syntax.js';
import type { TextEdit } from '../rules/types.js';

/** Replaces the text of one node. */
export function replaceNode(node: SyntaxNode, text: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, text };
}

/** The line break a file uses, so inserted lines do not mix `\n` into a CRLF file. */
export function lineBreakOf(source: string): string {
  const newline = source.indexOf('\n');
  return newline > 0 && source[newline - 1] === '\r' ? '\r\n' : '\n';
}

/** Inserts text at an offset. */
export function insertAt(offset: number, text: string): TextEdit {
  return { start: offset, end: offset, text };
}

/**
 * Removes one item of a comma-separated list (an argument, an imported name) so the rest still
 * parses: a line holding only the item (and its comma and comment) goes whole; otherwise the
 * item leaves with the comma before it, or with the comma after it when it comes first.
 */
export function removeListItem(item: SyntaxNode): TextEdit {
  const source = item.source;
  const siblings = item.parent?.children ?? [];
  const index = siblings.indexOf(item);
  const before = siblings.slice(0, index).reverse().find((node) => node.type !== 'comment');
  const after = siblings[index + 1];
  const end = after?.type === ',' ? after.endIndex : item.endIndex;
  const lineStart = source.lastIndexOf('\n', item.startIndex - 1) + 1;
  const newline = source.indexOf('\n', end);
  const lineEnd = newline === -1 ? source.length : newline;
  const aloneOnLine = /^[ \t]*$/.test(source.slice(lineStart, item.startIndex)) && /^[ \t]*(#[^\r\n]*)?\r?$/.test(source.slice(end, lineEnd));
  if (aloneOnLine && before && before.endRow < item.startRow) {
    return { start: lineStart, end: newline === -1 ? lineEnd : newline + 1, text: '' };
  }
  if (before?.type === ',') return { start: before.startIndex, end: item.endIndex, text: '' };
  let stop = end;
  if (after?.type === ',') while (source[stop] === ' ' || source[stop] === '\t') stop++;
  return { start: item.startIndex, end: stop, text: '' };
}

/** Appends `text` as the last argument of a call's argument list. */
export function appendArgument(argumentList: SyntaxNode, text: string): TextEdit {
  const last = argumentList.namedChildren.at(-1);
  return last ? appendAfterItem(last, text) : insertAt(argumentList.startIndex + 1, text);
}

/** Adds `text` after the last item of a comma-separated list, one per line when the list is laid out so. */
export function appendAfterItem(last: SyntaxNode, text: string): TextEdit {
  const siblings = last.parent?.children ?? [];
  const after = siblings[siblings.indexOf(last) + 1];
  const closing = siblings.at(-1)!;
  if (after?.type === ',' && closing.startRow > after.endRow) return insertAt(after.endIndex, `${lineBreakOf(last.source)}${indentationOf(last)}${text},`);
  return insertAt(last.endIndex, `, ${text}`);
}

/** The offset where the line after the one a node ends on begins (the end of the text on the last line). */
export function nextLineStart(node: SyntaxNode): number {
  const newline = node.source.indexOf('\n', node.endIndex);
  return newline === -1 ? node.source.length : newline + 1;
}

/** The whitespace that starts the line a node begins on. */
export function indentationOf(node: SyntaxNode): string {
  const lineStart = node.source.lastIndexOf('\n', node.startIndex - 1) + 1;
  return /^[ \t]*/.exec(node.source.slice(lineStart, node.startIndex))![0];
}

/** Deletes a simple statement standing alone on its lines; null when other code shares them. */
export function deleteStatement(statement: SyntaxNode): TextEdit | null {
  const source = statement.source;
  const lineStart = source.lastIndexOf('\n', statement.startIndex - 1) + 1;
  const newline = source.indexOf('\n', statement.endIndex);
  const lineEnd = newline === -1 ? source.length : newline;
  if (!/^[ \t]*$/.test(source.slice(lineStart, statement.startIndex))) return null;
  if (!/^[ \t]*(#[^\r\n]*)?\r?$/.test(source.slice(statement.endIndex, lineEnd))) return null;
  // A block whose only statement this is would be left empty.
  const parent = statement.parent;
  if (parent?.type === 'block' && parent.namedChildren.length === 1) return null;
  return { start: lineStart, end: newline === -1 ? lineEnd : newline + 1, text: '' };
}
