import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { formatTimings } from '../src/engine/timing.js';
import { RULES } from '../src/rules/index.js';
import { cleanEnv, CLI, REPOSITORY_ROOT } from './helpers/run-cli.js';

async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    cwd: REPOSITORY_ROOT,
    env: {},
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: async () => Buffer.alloc(0),
    isTTY: false,
  });
  return { code, stdout, stderr };
}

/** The rule labels of a timing table printed on standard error. */
function timedLabels(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => / \| +[\d.]+ \| +[\d.]+%$/.test(line))
    .map((line) => line.split('|')[0]!.trim());
}

describe('--timing', () => {
  it('prints the parse and model and every rule that ran, without changing the report', async () => {
    const plain = await runInProcess(['--no-cache', '--format', 'json', 'examples']);
    const timed = await runInProcess(['--no-cache', '--format', 'json', '--timing', 'examples']);
    expect(timed.code).toBe(plain.code);
    expect(timed.stdout).toBe(plain.stdout);
    expect(plain.stderr).not.toContain('Time (ms)');
    const labels = timedLabels(timed.stderr);
    expect(labels).toContain('(parse + model)');
    expect(labels).toContain('(all measured)');
    for (const rule of RULES) expect(labels).toContain(rule.id);
  });

  it('leaves out rules that did not run', async () => {
    const timed = await runInProcess(['--no-cache', '--select', 'kebab-case-name', '--timing', 'examples']);
    expect(timedLabels(timed.stderr).sort()).toEqual(['(all measured)', '(parse + model)', 'kebab-case-name']);
  });

  it('sums the time of worker threads into the table', () => {
    const result = spawnSync(process.execPath, [CLI, '--no-cache', '--format', 'concise', '--exit-zero', '--timing', 'examples'], {
      cwd: REPOSITORY_ROOT,
      env: cleanEnv({ MODAL_LINT_THREADS: '2' }),
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    const labels = timedLabels(result.stderr);
    for (const rule of RULES) expect(labels).toContain(rule.id);
  });

  it('orders parts slowest first and gives each its share', () => {
    const table = formatTimings({ a: 30, b: 10, c: 60 }, 120);
    const lines = table.split('\n');
    expect(lines[2]).toMatch(/^c +\| +60\.0 \| +60\.0%$/);
    expect(lines[3]).toMatch(/^a +\| +30\.0 \| +30\.0%$/);
    expect(lines[4]).toMatch(/^b +\| +10\.0 \| +10\.0%$/);
    expect(table).toContain('wall time of the run: 120 ms');
  });
});
