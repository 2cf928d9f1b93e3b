import type { SyntaxNode } from './syntax.js';

/**
 * Indentation errors that tree-sitter-python accepts without an ERROR node, although Python
 * rejects the file: a statement indented more (or less) than the rest of its block, an `else`
 * or `except` that does not line up with its statement, tabs and spaces mixed inconsistently,
 * and a block with no statement in it (`def f():` at the end of a file, or a comment-only body).
 */
export interface LayoutError {
  /** The token to flag. */
  node: SyntaxNode;
  /** Short description, in the words Python uses where it has them. */
  detail: string;
}

/** Indentation as Python measures it: columns with tabs to multiples of 8, and with tabs as 1. */
interface Indent {
  col: number;
  alt: number;
}

const CLAUSES = new Set(['elif_clause', 'else_clause', 'except_clause', 'except_group_clause', 'finally_clause']);

function isStatement(node: SyntaxNode): boolean {
  const type = node.type;
  return type.endsWith('_statement') || type.endsWith('_definition') || type === 'case_clause';
}

function statementsOf(container: SyntaxNode): SyntaxNode[] {
  return container.children.filter(isStatement);
}

/** The indentation of a node that begins its physical line, or null when code comes before it on the line. */
function indentOf(node: SyntaxNode): Indent | null {
  const source = node.source;
  const lineStart = source.lastIndexOf('\n', node.startIndex - 1) + 1;
  // A backslash continuation makes this line part of the previous logical line.
  if (lineStart >= 2) {
    const backslash = source[lineStart - 2] === '\r' ? lineStart - 3 : lineStart - 2;
    if (source[backslash] === '\\' && !inComment(node, backslash)) return null;
  }
  let col = 0;
  let alt = 0;
  for (let index = lineStart; index < node.startIndex; index++) {
    const char = source[index];
    if (char === ' ') {
      col++;
      alt++;
    } else if (char === '\t') {
      col = (Math.floor(col / 8) + 1) * 8;
      alt++;
    } else if (char === '\f') {
      col = 0;
      alt = 0;
    } else return null;
  }
  return { col, alt };
}

/** Whether the character at `offset` is part of a comment (a comment may end in a backslash). */
function inComment(anyNode: SyntaxNode, offset: number): boolean {
  let node = anyNode;
  while (node.parent) node = node.parent;
  for (;;) {
    const child = node.children.find((candidate) => candidate.startIndex <= offset && offset < candidate.endIndex);
    if (!child) return node.type === 'comment';
    node = child;
  }
}

type Comparison = 'equal' | 'more' | 'less' | 'inconsistent';

function compare(a: Indent, b: Indent): Comparison {
  if (a.col === b.col && a.alt === b.alt) return 'equal';
  if (a.col > b.col && a.alt > b.alt) return 'more';
  if (a.col < b.col && a.alt < b.alt) return 'less';
  return 'inconsistent';
}

function firstToken(node: SyntaxNode): SyntaxNode {
  let token = node;
  while (token.children.length > 0) token = token.children[0]!;
  return token;
}

/** The block a compound statement ends with (through decorators, clauses and `match` cases). */
function lastBlock(statement: SyntaxNode): SyntaxNode | null {
  let node: SyntaxNode | null = statement.type === 'decorated_definition' ? statement.field('definition') : statement;
  while (node && node.type !== 'block') {
    const last: SyntaxNode | undefined = node.children.filter((child) => child.type === 'block' || CLAUSES.has(child.type)).at(-1);
    node = last ?? null;
  }
  return node;
}

/** Indentations of the blocks still open after `statement` ends, innermost last. */
function openLevelsAfter(statement: SyntaxNode): Indent[] {
  const levels: Indent[] = [];
  for (let block = lastBlock(statement); block; ) {
    const statements = statementsOf(block);
    const first = statements[0];
    const indent = first ? indentOf(first) : null;
    if (!indent) break;
    levels.push(indent);
    const last = statements.at(-1)!;
    block = lastBlock(last);
  }
  return levels;
}

function misplacedStatement(statement: SyntaxNode, indent: Indent, expected: Indent, previous: SyntaxNode | undefined): LayoutError {
  const node = firstToken(statement);
  const comparison = compare(indent, expected);
  if (comparison === 'inconsistent') return { node, detail: 'inconsistent use of tabs and spaces in indentation' };
  if (comparison === 'less') return { node, detail: 'unindent does not match any outer indentation level' };
  // More indented than its block: inside the blocks the previous statement left open, Python
  // sees a dedent that matches none of them; deeper than all of them, an unexpected indent.
  const open = previous ? openLevelsAfter(previous) : [];
  const deepest = open.at(-1);
  if (deepest && compare(indent, deepest) !== 'more') return { node, detail: 'unindent does not match any outer indentation level' };
  return { node, detail: 'unexpected indent' };
}

function checkContainer(container: SyntaxNode): LayoutError | null {
  const statements = statementsOf(container);
  if (container.type === 'block' && statements.length === 0) {
    const header = container.parent;
    const colon = header?.children.filter((child) => child.type === ':' && child.endIndex <= container.startIndex).at(-1);
    return { node: colon ?? container, detail: 'expected an indented block' };
  }
  // A block whose first statement shares the header's line (`if x: a = 1`) cannot go on below it.
  const expected: Indent | null = container.type === 'module' ? { col: 0, alt: 0 } : indentOf(statements[0]!);
  const inlineSuite = expected === null;
  for (const [index, statement] of statements.entries()) {
    const indent = indentOf(statement);
    if (!indent) continue;
    if (inlineSuite) return { node: firstToken(statement), detail: 'unexpected indent' };
    if (compare(indent, expected!) !== 'equal') return misplacedStatement(statement, indent, expected!, statements[index - 1]);
  }
  return null;
}

/** `else:` / `except:` must start at the column of the statement they belong to. */
function checkClauses(statement: SyntaxNode): LayoutError | null {
  const own = indentOf(statement);
  if (!own) return null;
  for (const clause of statement.children) {
    if (!CLAUSES.has(clause.type)) continue;
    const indent = indentOf(clause);
    if (!indent || compare(indent, own) === 'equal') continue;
    const keyword = firstToken(clause);
    const opener = firstToken(statement);
    return { node: keyword, detail: compare(indent, own) === 'inconsistent' ? 'inconsistent use of tabs and spaces in indentation' : `\`${keyword.text}\` does not line up with its \`${opener.text}\`` };
  }
  return null;
}

/**
 * The first indentation error of a tree that tree-sitter parsed without errors, in source order,
 * or null. Only statements and blocks are visited (never expressions), without recursion.
 */
export function findLayoutError(root: SyntaxNode): LayoutError | null {
  const stack: SyntaxNode[] = [root];
  let first: LayoutError | null = null;
  const keep = (error: LayoutError | null): void => {
    if (error && (!first || error.node.startIndex < first.node.startIndex)) first = error;
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'module' || node.type === 'block') keep(checkContainer(node));
    else if (!CLAUSES.has(node.type) && node.children.some((child) => CLAUSES.has(child.type))) keep(checkClauses(node));
    for (const child of node.children) {
      if (child.type === 'block' || CLAUSES.has(child.type) || isStatement(child)) stack.push(child);
    }
  }
  return first;
}
