// Ships the WASM Python grammar inside dist/grammar/: the package then needs no tree-sitter-python
// at run time, so installing it never fetches that package's native addon (only its .wasm is used).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const grammar = createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm');
fs.mkdirSync(path.join(root, 'dist/grammar'), { recursive: true });
fs.copyFileSync(grammar, path.join(root, 'dist/grammar/tree-sitter-python.wasm'));
