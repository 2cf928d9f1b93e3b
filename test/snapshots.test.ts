import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateSarif } from './helpers/sarif-schema.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.resolve(import.meta.dirname, '../dist/cli/main.js');
const SNAPSHOTS = path.join(import.meta.dirname, '__snapshots__');

/** Stands in for the checkout's location, so the snapshot is the same on every machine. */
const ROOT_PLACEHOLDER_URI = 'file:///REPOSITORY_ROOT/';
const ROOT_PLACEHOLDER_PATH = '/REPOSITORY_ROOT';

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  delete env.GITHUB_ACTIONS;
  return { ...env, ...extra };
}

function run(args: string[], env: NodeJS.ProcessEnv): { code: number | null; stdout: string; stderr: string } {
  // --no-cache: a run from the repository root would otherwise write .modal-lint-cache/ into it.
  const result = spawnSync(process.execPath, [CLI, '--no-cache', ...args], { cwd: ROOT, input: '', env, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  if (result.status === null) throw new Error(`modal-lint ${args.join(' ')} was killed (${result.signal}):\n${result.stderr}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Replaces every spelling of the repository's absolute location (URI, then plain path). */
function withoutMachinePaths(text: string): string {
  const rootUri = pathToFileURL(ROOT).href.replace(/\/?$/, '/');
  return text.split(rootUri).join(ROOT_PLACEHOLDER_URI).split(ROOT).join(ROOT_PLACEHOLDER_PATH);
}

beforeAll(() => {
  if (fs.existsSync(CLI)) return;
  const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0 || !fs.existsSync(CLI)) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
});

describe('examples/ snapshots', () => {
  it('text output (NO_COLOR=1)', async () => {
    const result = run(['examples'], cleanEnv({ NO_COLOR: '1' }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(/\u001b\[/);
    expect(result.stdout).not.toContain(ROOT);
    await expect(result.stdout).toMatchFileSnapshot(path.join(SNAPSHOTS, 'examples.text.txt'));
  });

  it('sarif output, with the %SRCROOT% location replaced by a placeholder', async () => {
    const result = run(['--format', 'sarif', 'examples'], cleanEnv());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout) as { version: string; runs: Array<{ originalUriBaseIds: Record<string, { uri: string }> }> };
    expect(validateSarif(log)).toEqual([]);
    expect(log.runs[0]!.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: pathToFileURL(ROOT).href.replace(/\/?$/, '/') } });

    const stable = withoutMachinePaths(result.stdout);
    expect(stable).not.toContain(ROOT);
    const stableLog = JSON.parse(stable) as typeof log;
    expect(stableLog.runs[0]!.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: ROOT_PLACEHOLDER_URI } });
    // The stored snapshot must itself be a valid SARIF log.
    expect(validateSarif(stableLog)).toEqual([]);
    await expect(stable).toMatchFileSnapshot(path.join(SNAPSHOTS, 'examples.sarif.json'));
  });
});
