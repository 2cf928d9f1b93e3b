import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, REPOSITORY_ROOT } from './helpers/run-cli.js';

// The bundle is copied, so that this test owns its code cache folder.
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-code-cache-'));
const bundleDir = path.join(copy, 'dist', 'bundle');
fs.cpSync(path.join(REPOSITORY_ROOT, 'dist', 'bundle'), bundleDir, { recursive: true, filter: (source) => !source.includes('.code-cache') });
fs.cpSync(path.join(REPOSITORY_ROOT, 'package.json'), path.join(copy, 'package.json'));
fs.symlinkSync(path.join(REPOSITORY_ROOT, 'node_modules'), path.join(copy, 'node_modules'));
const cacheDir = path.join(bundleDir, '.code-cache');
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

function lintExamples(env: Record<string, string> = {}): string {
  const result = spawnSync(process.execPath, [path.join(bundleDir, 'main.js'), '--no-cache', '--format', 'json', '--exit-zero', 'examples'], {
    cwd: REPOSITORY_ROOT,
    env: cleanEnv(env),
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

describe("the bundle's code cache", () => {
  it('is written by a first run and gives the same report when used, damaged, or turned off', () => {
    expect(fs.existsSync(cacheDir)).toBe(false);
    const off = lintExamples({ MODAL_LINT_CODE_CACHE: '0' });
    expect(fs.existsSync(cacheDir)).toBe(false);
    const first = lintExamples();
    const saved = fs.readdirSync(cacheDir).filter((name) => name.startsWith('main.cjs-'));
    expect(saved).toHaveLength(1);
    expect(fs.statSync(path.join(cacheDir, saved[0]!)).size).toBeGreaterThan(10_000);
    expect(lintExamples()).toBe(first);
    // V8 rejects data that is not its own; the run compiles from source and saves a good cache.
    fs.writeFileSync(path.join(cacheDir, saved[0]!), Buffer.alloc(4096, 7));
    expect(lintExamples()).toBe(first);
    expect(fs.statSync(path.join(cacheDir, saved[0]!)).size).toBeGreaterThan(10_000);
    expect(off).toBe(first);
    expect(JSON.parse(first).results.length).toBeGreaterThan(3);
  });

  it('is saved by worker threads too', () => {
    lintExamples({ MODAL_LINT_THREADS: '2' });
    expect(fs.readdirSync(cacheDir).some((name) => name.startsWith('worker.cjs-'))).toBe(true);
  });
});
