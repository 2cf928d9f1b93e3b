// Bundles the compiled CLI and its worker into dist/bundle/: one module graph instead of ~100
// files makes a single-file run (an editor on save, a pre-commit hook) start measurably faster.
// The WASM grammar packages stay external: they are loaded from node_modules at run time.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Chunk names carry content hashes: start from an empty folder so old chunks never ship.
fs.rmSync(path.join(root, 'dist/bundle'), { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'dist/cli/main.js'), path.join(root, 'dist/engine/worker.js')],
  outdir: path.join(root, 'dist/bundle'),
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['web-tree-sitter', 'tree-sitter-python'],
  // CommonJS dependencies (fast-glob) call require() for Node built-ins; ESM output needs one.
  banner: { js: "import { createRequire as __modalLintRequire } from 'node:module'; const require = __modalLintRequire(import.meta.url);" },
  logLevel: 'warning',
});

// Rule pages ship with the package: the language server links each finding to its rule's page
// (the text of `modal-lint explain RULE`), matching the installed version, offline.
fs.rmSync(path.join(root, 'dist/rule-docs'), { recursive: true, force: true });
fs.cpSync(path.join(root, 'docs/rules'), path.join(root, 'dist/rule-docs'), { recursive: true });
