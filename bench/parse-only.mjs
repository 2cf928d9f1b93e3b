// Baseline: parse every .py file of a tree with web-tree-sitter in one thread, and nothing else.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

const require = createRequire(import.meta.url);
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm')));

const stack = [path.resolve(process.argv[2] ?? '.')];
let files = 0;
while (stack.length > 0) {
  const dir = stack.pop();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['.git', 'node_modules', '.modal-lint-cache', '__pycache__'].includes(entry.name)) stack.push(full);
    } else if (entry.isFile() && entry.name.endsWith('.py')) {
      parser.parse(fs.readFileSync(full, 'utf8'))?.delete();
      files++;
    }
  }
}
console.log(`${files} files parsed`);
