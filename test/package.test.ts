import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, temporaryFolders, toolEnv } from './helpers/run-cli.js';

/**
 * Packs the working tree as `npm publish` would, installs the tarball into an empty project
 * from the registry, and runs the installed CLI. Slow: it builds and downloads dependencies.
 */
const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
// The package carries its WASM grammar (about 460 kB) so that installing it never fetches
// tree-sitter-python (7.3 MB installed, with a native addon it does not use).
const MAX_TARBALL_BYTES = 1.5 * 1024 * 1024;
/** Never packed: build output is made by `prepare`, and the rest is development material. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'coverage', '.vitest-results.json', '.modal-lint-cache']);

const folders = temporaryFolders('modal-lint-package-');

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync('npm', args, { cwd, env: toolEnv(), encoding: 'utf8', timeout: 600_000 });
  if (result.error) throw result.error;
  return result;
}

let tarball: string;
let listing: string[];
let consumer: string;

beforeAll(() => {
  // `npm pack` runs `prepare` (tsc), which writes dist/: pack a copy of the working tree so the
  // build cannot replace files that other tests are running.
  const source = folders.make();
  fs.cpSync(REPOSITORY_ROOT, source, { recursive: true, filter: (from) => !NOT_COPIED.has(path.basename(from)) || path.dirname(from) !== REPOSITORY_ROOT });
  fs.symlinkSync(path.join(REPOSITORY_ROOT, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  const destination = folders.make();
  const pack = npm(['pack', '--pack-destination', destination], source);
  expect(pack.status, pack.stderr).toBe(0);
  // pre-commit installs a node hook from exactly what `npm pack` prints on standard output, so
  // that must be the tarball's name alone, even though `prepare` runs a build first (.npmrc).
  expect(pack.stdout).toMatch(/^[\w.-]+\.tgz\n$/);
  tarball = path.join(destination, pack.stdout.trim());
  expect(fs.existsSync(tarball)).toBe(true);

  const tar = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' });
  expect(tar.status, tar.stderr).toBe(0);
  listing = tar.stdout.trimEnd().split('\n');

  consumer = folders.make();
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const install = npm(['install', tarball, '--cache', folders.make(), '--no-audit', '--no-fund', '--loglevel=error'], consumer);
  expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
}, 900_000);

afterAll(() => folders.cleanup());

describe('the npm package', () => {
  it('is small', () => {
    const size = fs.statSync(tarball).size;
    console.log(`${path.basename(tarball)}: ${size} bytes (${(size / 1024).toFixed(1)} KiB), ${listing.length} files`);
    expect(size).toBeLessThan(MAX_TARBALL_BYTES);
  });

  it('holds the built CLI and no tests, fixtures or sources', () => {
    expect(listing.every((entry) => entry.startsWith('package/'))).toBe(true);
    for (const required of ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/dist/cli/main.js']) {
      expect(listing).toContain(required);
    }
    const unwanted = listing.filter((entry) => /^package\/(test|fixtures|src|bench|scripts|examples|docs|\.ci)\//.test(entry) || /\.test\.[jt]s$|(?<!\.d)\.ts$/.test(entry));
    expect(unwanted).toEqual([]);
  });

  it('ships the WASM grammar, so installing it fetches no tree-sitter-python (nor its native addon)', () => {
    expect(listing).toContain('package/dist/grammar/tree-sitter-python.wasm');
    const manifest = JSON.parse(fs.readFileSync(path.join(consumer, 'node_modules', PACKAGE.name, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; repository?: { url: string }; engines?: { node: string } };
    expect(Object.keys(manifest.dependencies)).not.toContain('tree-sitter-python');
    expect(fs.existsSync(path.join(consumer, 'node_modules', 'tree-sitter-python'))).toBe(false);
    expect(fs.existsSync(path.join(consumer, 'node_modules', 'node-gyp-build'))).toBe(false);
    expect(manifest.engines?.node).toBe('>=20');
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\/.+\.git$/);
  });

  it('installs into an empty project, and its modal-lint finds the problems of an example app', () => {
    const work = folders.make();
    fs.copyFileSync(path.join(REPOSITORY_ROOT, 'examples', 'finetune_job.py'), path.join(work, 'finetune_job.py'));
    const bin = path.join(consumer, 'node_modules', '.bin', 'modal-lint');
    const run = spawnSync(bin, ['--format', 'concise', 'finetune_job.py'], { cwd: work, env: toolEnv(), encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^finetune_job\.py:\d+:\d+: error \[heavy-import-at-module-level\] `torch` is imported at module level/m);
  }, 180_000);

  it('exports the typed Node API that the README shows', () => {
    const script = [
      "import { createLinter, applyFixes, rules } from 'modal-lint';",
      "const linter = createLinter({ cwd: process.cwd() });",
      "const result = await linter.lintText('import modal\\napp = modal.App(\"x\")\\n\\n@app.function(keep_warm=1)\\ndef f():\\n    pass\\n', 'app.py');",
      "console.log(JSON.stringify({ rules: rules.length > 0, ids: result.diagnostics.map((d) => d.ruleId), fixed: applyFixes(result.source, result.diagnostics).text.includes('min_containers') }));",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, env: toolEnv(), encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ rules: true, ids: ['removed-api'], fixed: true });
    expect(listing).toContain('package/dist/api/index.d.ts');
  }, 180_000);

  it('reports the version of package.json, through npx too', () => {
    const bin = path.join(consumer, 'node_modules', '.bin', 'modal-lint');
    const direct = spawnSync(bin, ['--version'], { env: toolEnv(), encoding: 'utf8' });
    expect(direct.stdout).toBe(`modal-lint ${PACKAGE.version}\n`);
    const npx = spawnSync('npx', ['--no-install', 'modal-lint', '--version'], { cwd: consumer, env: toolEnv(), encoding: 'utf8', timeout: 120_000 });
    expect(npx.status, npx.stderr).toBe(0);
    expect(npx.stdout).toBe(`modal-lint ${PACKAGE.version}\n`);
  }, 180_000);
});
