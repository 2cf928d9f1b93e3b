import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Edit, Language, Parser, type Tree, type TreeCursor } from 'web-tree-sitter';
import { findLayoutError } from './layout.js';
import { SyntaxNode } from './syntax.js';

/** Names and namedness of node types and fields, read once from the grammar. */
interface GrammarTables {
  typeNames: string[];
  typeIsNamed: boolean[];
  fieldNames: Array<string | null>;
}

let loaded: Promise<{ parser: Parser; tables: GrammarTables }> | undefined;

/**
 * The part of web-tree-sitter's Emscripten module the tree copy calls directly. `Parser.init`
 * builds the module on the object it is given, so its exports are reachable; each cursor getter of
 * the public API writes the cursor into WASM memory again before its call, which made the copy
 * cost more than the parse. Used only when every function is there (checked at start-up);
 * otherwise the copy goes through the public `TreeCursor`.
 */
interface CursorExports {
  HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
}

const CURSOR_EXPORTS = [
  '_ts_init', '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_node_is_missing_wasm', '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm', '_ts_tree_cursor_current_field_id_wasm',
];

let cursorExports: CursorExports | null = null;
/** Where web-tree-sitter passes a cursor to and from WASM (an index into HEAP32). */
let transferSlot = 0;

/** What the copy reads from a cursor: the public `TreeCursor`, or `DirectCursor`. */
type CopyCursor = Pick<TreeCursor, 'nodeTypeId' | 'nodeType' | 'startIndex' | 'endIndex' | 'currentFieldId' | 'nodeIsMissing' | 'gotoFirstChild' | 'gotoNextSibling' | 'gotoParent' | 'delete'>;

/**
 * A cursor that stays in web-tree-sitter's transfer buffer for the whole walk: written there
 * once, moved and read by direct calls (each C function reads the cursor from the buffer and a
 * move writes it back), and handed back to its `TreeCursor` at the end.
 */
class DirectCursor implements CopyCursor {
  private readonly tree: number;

  constructor(private readonly cursor: TreeCursor, private readonly wasm: CursorExports) {
    const internal = cursor as unknown as { handles: number[]; tree: { [0]: number } };
    this.tree = internal.tree[0];
    wasm.HEAP32.set(internal.handles, transferSlot);
  }

  get nodeTypeId(): number {
    return this.wasm._ts_tree_cursor_current_node_type_id_wasm(this.tree);
  }
  get nodeType(): string {
    return 'ERROR';
  }
  get startIndex(): number {
    return this.wasm._ts_tree_cursor_start_index_wasm(this.tree);
  }
  get endIndex(): number {
    return this.wasm._ts_tree_cursor_end_index_wasm(this.tree);
  }
  get currentFieldId(): number {
    return this.wasm._ts_tree_cursor_current_field_id_wasm(this.tree);
  }
  get nodeIsMissing(): boolean {
    return this.wasm._ts_tree_cursor_current_node_is_missing_wasm(this.tree) === 1;
  }
  gotoFirstChild(): boolean {
    return this.wasm._ts_tree_cursor_goto_first_child_wasm(this.tree) === 1;
  }
  gotoNextSibling(): boolean {
    return this.wasm._ts_tree_cursor_goto_next_sibling_wasm(this.tree) === 1;
  }
  gotoParent(): boolean {
    return this.wasm._ts_tree_cursor_goto_parent_wasm(this.tree) === 1;
  }
  delete(): void {
    // Memory may have grown during the walk: read the views afresh.
    const internal = this.cursor as unknown as { handles: number[] };
    for (let i = 0; i < 4; i++) internal.handles[i] = this.wasm.HEAP32[transferSlot + i]!;
    this.cursor.delete();
  }
}

/** Copies go through `DirectCursor` when web-tree-sitter's module offers it (tests turn it off to compare). */
let directCopy = true;
export function useDirectCopy(on: boolean): void {
  directCopy = on;
}

function walkerOf(tree: Tree): CopyCursor {
  const cursor = tree.walk();
  return directCopy && cursorExports ? new DirectCursor(cursor, cursorExports) : cursor;
}
const tablesByParser = new WeakMap<Parser, GrammarTables>();

/** tree-sitter's id for ERROR nodes (`ts_builtin_sym_error`). */
const ERROR_TYPE_ID = 65535;

function readTables(language: Language): GrammarTables {
  const typeNames: string[] = [];
  const typeIsNamed: boolean[] = [];
  for (let id = 0; id < language.nodeTypeCount; id++) {
    typeNames[id] = language.nodeTypeForId(id) ?? '';
    typeIsNamed[id] = language.nodeTypeIsNamed(id);
  }
  const fieldNames: Array<string | null> = [null];
  for (let id = 1; id <= language.fieldCount; id++) fieldNames[id] = language.fieldNameForId(id);
  return { typeNames, typeIsNamed, fieldNames };
}

/**
 * The Python grammar: the copy the build puts in dist/grammar/ (what the package ships, so that
 * installing it never fetches tree-sitter-python and its native addon), else the devDependency's.
 */
function grammarPath(): string {
  const shipped = fileURLToPath(new URL('../grammar/tree-sitter-python.wasm', import.meta.url));
  if (fs.existsSync(shipped)) return shipped;
  return createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm');
}

/** web-tree-sitter and the grammar are loaded once per process, on first use. */
export async function getParser(): Promise<Parser> {
  loaded ??= (async () => {
    const module: Record<string, unknown> = {};
    await Parser.init(module);
    if (module.HEAP32 instanceof Int32Array && CURSOR_EXPORTS.every((name) => typeof module[name] === 'function')) {
      cursorExports = module as unknown as CursorExports;
      transferSlot = cursorExports._ts_init() >> 2;
    }
    const language = await Language.load(grammarPath());
    const parser = new Parser();
    parser.setLanguage(language);
    const tables = readTables(language);
    tablesByParser.set(parser, tables);
    return { parser, tables };
  })();
  return (await loaded).parser;
}

/** Offsets (UTF-16) where each line starts; tree-sitter counts rows at `\n` only. */
function lineStarts(source: string): number[] {
  const starts = [0];
  for (let index = source.indexOf('\n'); index !== -1; index = source.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

function rowOf(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Python reads source with universal newlines: `\r\n`, `\n` and a lone `\r` all end a line.
 * tree-sitter only knows `\n` (a lone `\r` is whitespace to it, so a classic-Mac file is one
 * long line that does not parse). A lone `\r` becomes `\n`, one UTF-16 unit for another, so
 * every offset still points at the same character of the original text.
 */
export function normalizeLineBreaks(source: string): string {
  return source.includes('\r') ? source.replace(/\r(?!\n)/g, '\n') : source;
}

/**
 * Parses Python source into a plain JavaScript tree. Copying the tree out of WASM once is
 * cheaper than crossing the WASM boundary on every property read, and lets the WASM tree be
 * freed at once. Each node costs four cursor reads; rows and columns are computed here from
 * the offsets. The copy is iterative, so 10,000-deep nesting cannot overflow the stack.
 *
 * Nodes see the text with lone `\r` turned into `\n` (same offsets), so rows count every line
 * break Python counts. Indentation errors tree-sitter lets through are found afterwards: the
 * root's `layoutError` holds the first, and `hasError` is set for them too.
 */
export function parseWith(parser: Parser, original: string): SyntaxNode {
  const tables = tablesByParser.get(parser);
  if (!tables) throw new Error('parser was not created by getParser()');
  const source = normalizeLineBreaks(original);
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    return rootOf(tree, source, tables);
  } finally {
    tree.delete();
  }
}

function rootOf(tree: Tree, source: string, tables: GrammarTables): SyntaxNode {
  const hasError = tree.rootNode.hasError;
  const root = copyTree(walkerOf(tree), source, tables, hasError);
  root.hasError = hasError;
  if (!root.hasError) {
    root.layoutError = findLayoutError(root);
    if (root.layoutError) root.hasError = true;
  }
  return root;
}

/** A tree kept in WASM memory for the next parse of the same document (the language server's buffers). */
export interface RetainedTree {
  /** The text the tree was parsed from, line breaks normalised. */
  source: string;
  tree: Tree;
}

/**
 * Like `parseWith`, but reparses incrementally from the previous tree of the same document: the
 * difference between the two texts becomes one `tree.edit`, and tree-sitter reuses every subtree
 * the edit does not touch. Returns the new tree to retain; the previous one is freed.
 */
export function parseRetained(parser: Parser, original: string, previous?: RetainedTree): { root: SyntaxNode; retained: RetainedTree } {
  const tables = tablesByParser.get(parser);
  if (!tables) throw new Error('parser was not created by getParser()');
  const source = normalizeLineBreaks(original);
  let oldTree: Tree | null = null;
  if (previous) {
    previous.tree.edit(editBetween(previous.source, source));
    oldTree = previous.tree;
  }
  let tree: Tree | null;
  try {
    tree = parser.parse(source, oldTree);
  } finally {
    oldTree?.delete();
  }
  if (!tree) throw new Error('tree-sitter returned no tree');
  return { root: rootOf(tree, source, tables), retained: { source, tree } };
}

/** The one edit that turns `before` into `after`: what lies between their common start and common end. */
export function editBetween(before: string, after: string): Edit {
  const { start, oldEnd, newEnd } = changedSpan(before, after);
  const point = (text: string, offset: number) => {
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    let row = 0;
    for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) row++;
    return { row, column: offset - lineStart };
  };
  return new Edit({
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: point(before, start),
    oldEndPosition: point(before, oldEnd),
    newEndPosition: point(after, newEnd),
  });
}

/** The one span that differs between two texts: their common prefix ends at `start`, their common suffix starts at `oldEnd` / `newEnd`. */
export function changedSpan(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { start, oldEnd: before.length - end, newEnd: after.length - end };
}

export async function parsePython(source: string): Promise<SyntaxNode> {
  return parseWith(await getParser(), source);
}

function copyTree(cursor: CopyCursor, source: string, tables: GrammarTables, hasError: boolean): SyntaxNode {
  const starts = lineStarts(source);
  // The model's index of nodes by type, filled during the copy instead of by another walk.
  const byType = new Map<string, SyntaxNode[]>();
  const copyNode = (parent: SyntaxNode | null): SyntaxNode => {
    const typeId = cursor.nodeTypeId;
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    const startRow = rowOf(starts, start);
    const endRow = rowOf(starts, end);
    const node = new SyntaxNode(
      typeId === ERROR_TYPE_ID ? 'ERROR' : tables.typeNames[typeId] ?? cursor.nodeType,
      parent ? tables.fieldNames[cursor.currentFieldId] ?? null : null,
      typeId === ERROR_TYPE_ID || (tables.typeIsNamed[typeId] ?? false),
      start,
      end,
      startRow,
      start - starts[startRow]!,
      endRow,
      end - starts[endRow]!,
      parent,
    );
    node.source = source;
    if (hasError && cursor.nodeIsMissing) node.isMissing = true;
    if (parent) {
      const list = byType.get(node.type);
      if (list) list.push(node);
      else byType.set(node.type, [node]);
    }
    return node;
  };
  // When its error recovery gives up, tree-sitter returns an ERROR node as the root. The root is
  // always a `module` here (scope lookups climb to it), so such an ERROR becomes its only child.
  let top: SyntaxNode | null = null;
  if (cursor.nodeTypeId === ERROR_TYPE_ID || tables.typeNames[cursor.nodeTypeId] !== 'module') {
    const endRow = rowOf(starts, source.length);
    top = new SyntaxNode('module', null, true, 0, source.length, 0, 0, endRow, source.length - starts[endRow]!, null);
    top.source = source;
  }
  const root = copyNode(top);
  top?.addChild(root);
  let current = root;
  for (;;) {
    if (cursor.gotoFirstChild()) {
      const child = copyNode(current);
      current.addChild(child);
      current = child;
      continue;
    }
    for (;;) {
      if (cursor.gotoNextSibling()) {
        const parent = current.parent!;
        const sibling = copyNode(parent);
        parent.addChild(sibling);
        current = sibling;
        break;
      }
      if (!cursor.gotoParent()) {
        cursor.delete();
        (top ?? root).nodesByType = byType;
        return top ?? root;
      }
      current = current.parent!;
    }
  }
}
