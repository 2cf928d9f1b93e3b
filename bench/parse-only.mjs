// The floor of the stack: Node starting, web-tree-sitter and the Python grammar loaded, then every
// .py file of a folder (or one file) read, parsed, and every node of its tree visited once with a
// cursor (reading each node's type and offsets), in one thread, and nothing else.
// Usage: node bench/parse-only.mjs PATH   (a folder, a .py file, or - for standard input)
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

const require = createRequire(import.meta.url);
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm')));

let files = 0;
let nodes = 0;

function visit(source) {
  const tree = parser.parse(source);
  if (!tree) return;
  const cursor = tree.walk();
  let checksum = 0;
  for (;;) {
    checksum += cursor.nodeTypeId + cursor.startIndex + cursor.endIndex;
    nodes++;
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        tree.delete();
        files++;
        return checksum;
      }
    }
  }
}

const target = process.argv[2] ?? '.';
if (target === '-') visit(fs.readFileSync(0, 'utf8'));
else if (fs.statSync(target).isFile()) visit(fs.readFileSync(target, 'utf8'));
else {
  const stack = [path.resolve(target)];
  while (stack.length > 0) {
    const dir = stack.pop();
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['.git', 'node_modules', '.modal-lint-cache', '__pycache__'].includes(entry.name)) stack.push(full);
      } else if (entry.isFile() && entry.name.endsWith('.py')) visit(fs.readFileSync(full, 'utf8'));
    }
  }
}
console.log(`${files} files parsed, ${nodes} nodes visited`);
