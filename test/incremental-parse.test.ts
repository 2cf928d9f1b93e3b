import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editBetween, getParser, parseRetained, parseWith, useDirectCopy, type RetainedTree } from '../src/parser/parser.js';
import type { SyntaxNode } from '../src/parser/syntax.js';

/** Every node with its type, field, range and positions, in pre-order: two trees print alike only when they are alike. */
function describeTree(root: SyntaxNode): string {
  const lines: string[] = [];
  const visit = (node: SyntaxNode, depth: number): void => {
    lines.push(`${' '.repeat(depth)}${node.type}:${node.fieldName ?? ''}:${node.startIndex}-${node.endIndex}:${node.startRow}.${node.startColumn}-${node.endRow}.${node.endColumn}${node.isMissing ? ':missing' : ''}`);
    for (const child of node.children) visit(child, depth + 1);
  };
  visit(root, 0);
  return `${lines.join('\n')}\nhasError=${root.hasError} layout=${root.layoutError?.detail ?? ''}@${root.layoutError?.node.startIndex ?? ''}`;
}

/** A small deterministic generator, so that a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const EXAMPLES = path.resolve(import.meta.dirname, '..', 'examples');
const PIECES = ['x', '\n', '    ', '(', ')', ':', '"', '#', 'é🚀', 'def f():\n    pass\n', '@app.function(gpu="A10G")\n', '\r', ''];

describe('the copy of the tree out of WASM', () => {
  it('reads through direct calls exactly what the public cursor reads', async () => {
    const parser = await getParser();
    const texts = fs.readdirSync(EXAMPLES).filter((file) => file.endsWith('.py')).sort().map((file) => fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
    // Errors, MISSING nodes, an ERROR root, deep nesting, non-ASCII text, a lone carriage return.
    texts.push(')))(((', 'def f(:\n  return [\n', '', 'x = (1,\ny = "é🚀"\rz = 2\n', `v = ${'['.repeat(400)}${']'.repeat(400)}\n`, 'if x:\n  pass\n    y = 1\n');
    try {
      for (const text of texts) {
        useDirectCopy(false);
        const expected = describeTree(parseWith(parser, text));
        useDirectCopy(true);
        expect(describeTree(parseWith(parser, text))).toBe(expected);
      }
    } finally {
      useDirectCopy(true);
    }
  });
});

describe("the parser's index of nodes by type", () => {
  it('lists every descendant of the root under its type, in the order of descendants()', async () => {
    const parser = await getParser();
    const texts = fs.readdirSync(EXAMPLES).filter((file) => file.endsWith('.py')).sort().map((file) => fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
    // Broken input: tree-sitter's root is an ERROR node, which the parser wraps in a module.
    texts.push(')))(((', 'def f(:\n  return [\n', '');
    for (const text of texts) {
      const root = parseWith(parser, text);
      const expected = new Map<string, SyntaxNode[]>();
      for (const node of root.descendants()) expected.set(node.type, [...(expected.get(node.type) ?? []), node]);
      expect(root.nodesByType).toEqual(expected);
      for (const [type, nodes] of expected) expect(root.nodesByType!.get(type)!.every((node, index) => node === nodes[index])).toBe(true);
    }
  });
});

describe('incremental parsing (the language server)', () => {
  it('computes the edit between two texts', () => {
    const edit = editBetween('ab\ncd\nef', 'ab\ncXd\nef');
    expect([edit.startIndex, edit.oldEndIndex, edit.newEndIndex]).toEqual([4, 4, 5]);
    expect(edit.startPosition).toEqual({ row: 1, column: 1 });
    expect(edit.newEndPosition).toEqual({ row: 1, column: 2 });
    const removal = editBetween('aaa\nbbb', 'aaa');
    expect([removal.startIndex, removal.oldEndIndex, removal.newEndIndex]).toEqual([3, 7, 3]);
    expect(removal.oldEndPosition).toEqual({ row: 1, column: 3 });
  });

  it('gives the tree a full parse gives, edit after edit', async () => {
    const parser = await getParser();
    const next = random(20261206);
    for (const name of fs.readdirSync(EXAMPLES).filter((file) => file.endsWith('.py')).sort().slice(0, 6)) {
      let text = fs.readFileSync(path.join(EXAMPLES, name), 'utf8');
      let retained: RetainedTree | undefined;
      for (let step = 0; step < 25; step++) {
        const parsed = parseRetained(parser, text, retained);
        retained = parsed.retained;
        expect(describeTree(parsed.root), `${name}, step ${step}`).toBe(describeTree(parseWith(parser, text)));
        // Insert, delete or replace a little text somewhere.
        const at = Math.floor(next() * (text.length + 1));
        const removed = next() < 0.4 ? Math.floor(next() * 12) : 0;
        text = text.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)]! + text.slice(at + removed);
      }
      retained?.tree.delete();
    }
  });
});
