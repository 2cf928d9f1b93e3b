import type { Range } from '../diagnostics.js';
import type { SyntaxNode } from '../parser/syntax.js';

/** 1-based lines and columns (UTF-16 code units); the end column is exclusive. */
export function nodeRange(node: SyntaxNode): Range {
  return {
    start: { line: node.startRow + 1, column: node.startColumn + 1 },
    end: { line: node.endRow + 1, column: node.endColumn + 1 },
  };
}
