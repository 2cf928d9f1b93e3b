import { createRequire } from 'node:module';
import { Language, Parser, type TreeCursor } from 'web-tree-sitter';
import { SyntaxNode } from './syntax.js';

let parserPromise: Promise<Parser> | undefined;

/** web-tree-sitter and the grammar are loaded once per process, on first use. */
export function getParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

/**
 * Parses Python source into a plain JavaScript tree. Copying the tree out of WASM once is
 * cheaper than crossing the WASM boundary on every property read, and lets the WASM tree be
 * freed at once. The copy is iterative, so 10,000-deep nesting cannot overflow the stack.
 */
export function parseWith(parser: Parser, source: string): SyntaxNode {
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const root = copyTree(tree.walk(), source);
    root.hasError = tree.rootNode.hasError;
    return root;
  } finally {
    tree.delete();
  }
}

export async function parsePython(source: string): Promise<SyntaxNode> {
  return parseWith(await getParser(), source);
}

function copyNode(cursor: TreeCursor, parent: SyntaxNode | null, source: string): SyntaxNode {
  const start = cursor.startPosition;
  const end = cursor.endPosition;
  const node = new SyntaxNode(
    cursor.nodeType,
    cursor.currentFieldName,
    cursor.nodeIsNamed,
    cursor.startIndex,
    cursor.endIndex,
    start.row,
    start.column,
    end.row,
    end.column,
    parent,
  );
  node.source = source;
  if (cursor.nodeIsMissing) node.isMissing = true;
  return node;
}

function copyTree(cursor: TreeCursor, source: string): SyntaxNode {
  const root = copyNode(cursor, null, source);
  let current = root;
  for (;;) {
    if (cursor.gotoFirstChild()) {
      const child = copyNode(cursor, current, source);
      current.children.push(child);
      current = child;
      continue;
    }
    for (;;) {
      if (cursor.gotoNextSibling()) {
        const parent = current.parent!;
        const sibling = copyNode(cursor, parent, source);
        parent.children.push(sibling);
        current = sibling;
        break;
      }
      if (!cursor.gotoParent()) {
        cursor.delete();
        return root;
      }
      current = current.parent!;
    }
  }
}
