import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, REPOSITORY_ROOT } from './helpers/run-cli.js';

/** The bundled command, as users run it. */
const BUNDLE = path.join(REPOSITORY_ROOT, 'dist', 'bundle', 'main.js');

/** Lints the examples and fixtures with the bundled CLI, spread over `threads` threads, without the cache. */
function findings(threads: string): { stdout: string; parsed: unknown } {
  const result = spawnSync(process.execPath, [BUNDLE, '--no-cache', '--format', 'json', '--exit-zero', 'examples', 'fixtures'], {
    cwd: REPOSITORY_ROOT,
    env: cleanEnv({ MODAL_LINT_THREADS: threads }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 240_000,
  });
  if (result.error) throw result.error;
  expect(result.status, result.stderr).toBe(0);
  return { stdout: result.stdout, parsed: JSON.parse(result.stdout) };
}

describe('the multi-thread path', () => {
  it('reports exactly what the single-thread path reports on the examples and fixtures', () => {
    const single = findings('1');
    const parallel = findings('2');
    // Both runs list the same files in the same order, so the whole reports compare equal.
    expect(single.stdout.length).toBeGreaterThan(1000);
    expect(parallel.parsed).toEqual(single.parsed);
    expect(parallel.stdout).toBe(single.stdout);
  }, 300_000);
});
