// Bundles the compiled CLI and its worker into dist/bundle/: one script per entry instead of ~100
// modules, each started by a small launcher (scripts/launcher.mjs) that compiles it through V8's
// code cache, so a single-file run (an editor on save, a pre-commit hook) skips most of the
// compile. The WASM grammar packages stay external: they are loaded from node_modules at run time.
import crypto from 'node:crypto';
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/bundle');
// Start from an empty folder so that old bundles and their code caches never ship.
fs.rmSync(outdir, { recursive: true, force: true });
const launcher = fs.readFileSync(path.join(root, 'scripts/launcher.mjs'), 'utf8');

for (const [entry, name] of [
  ['dist/cli/main.js', 'main'],
  ['dist/engine/worker.js', 'worker'],
]) {
  const bundle = `${name}.cjs`;
  // CommonJS, because only a classic script can be compiled with V8's `cachedData` on Node 20.
  // `import.meta.url` becomes the bundle's own URL: the worker, the grammar and the rule pages are
  // found relative to it, as from the ES modules in dist/.
  await build({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(outdir, bundle),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['web-tree-sitter', 'tree-sitter-python'],
    define: { 'import.meta.url': '__modalLintBundleUrl' },
    banner: { js: "const __modalLintBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  });
  const text = fs.readFileSync(path.join(outdir, bundle), 'utf8').replace(/^#!.*\n/, '');
  fs.writeFileSync(path.join(outdir, bundle), text);
  const hash = crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
  const shebang = name === 'main' ? '#!/usr/bin/env node\n' : '';
  fs.writeFileSync(path.join(outdir, `${name}.js`), shebang + launcher.replaceAll('__BUNDLE_HASH__', hash).replaceAll('__BUNDLE__', bundle), { mode: name === 'main' ? 0o755 : 0o644 });
}

// Rule pages ship with the package: the language server links each finding to its rule's page
// (the text of `modal-lint explain RULE`), matching the installed version, offline.
fs.rmSync(path.join(root, 'dist/rule-docs'), { recursive: true, force: true });
fs.cpSync(path.join(root, 'docs/rules'), path.join(root, 'dist/rule-docs'), { recursive: true });
