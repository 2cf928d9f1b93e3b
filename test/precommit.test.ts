import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, temporaryFolders, toolEnv } from './helpers/run-cli.js';

/**
 * Installs modal-lint as a pre-commit hook the way users do (`repo:` URL and `rev:`), with
 * Debian's pre-commit, and runs it on a throw-away repository.
 *
 * The hook repository is a clone of this checkout at its HEAD commit: the test exercises the
 * committed code only, and uncommitted changes are not seen. Slow (pre-commit runs `npm install`
 * and `npm pack` in its copy of the hook repository on the first run).
 */

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { encoding: 'utf8', env: options.env ?? toolEnv(), cwd: options.cwd, timeout: options.timeout ?? 120_000 });
}

function succeeds(command: string, args: string[]): boolean {
  const result = run(command, args);
  return !result.error && result.status === 0;
}

/** pre-commit's version, or why this test cannot run. Tests never install anything: `.ci/run` does. */
function preparePreCommit(): { version: string } | { unavailable: string } {
  for (const tool of ['git', 'node', 'npm']) {
    if (!succeeds(tool, ['--version'])) return { unavailable: `${tool} is not on PATH` };
  }
  if (!succeeds('pre-commit', ['--version'])) return { unavailable: 'pre-commit is not on PATH (e.g. `apt-get install pre-commit`; .ci/run does)' };
  const version = run('pre-commit', ['--version']);
  if (version.status !== 0) return { unavailable: `pre-commit --version failed: ${version.stderr.trim()}` };
  return { version: version.stdout.trim() };
}

function committedHead(): string | { unavailable: string } {
  const head = run('git', ['-C', REPOSITORY_ROOT, 'rev-parse', 'HEAD']);
  if (head.status !== 0) return { unavailable: `${REPOSITORY_ROOT} is not a git checkout with a commit: ${head.stderr.trim()}` };
  return head.stdout.trim();
}

const preCommit = preparePreCommit();
const head = committedHead();
const unavailable = 'unavailable' in preCommit ? preCommit.unavailable : typeof head === 'string' ? undefined : head.unavailable;
if (unavailable) console.warn(`pre-commit hook test skipped: ${unavailable}`);
else console.log(`pre-commit hook test: ${(preCommit as { version: string }).version}, hook repository at ${head as string}`);

const APP_WITH_FINDING = [
  'import torch',
  '',
  'import modal',
  '',
  'app = modal.App("pre-commit-demo", image=modal.Image.debian_slim().pip_install("torch"))',
  '',
  '',
  '@app.function()',
  'def train():',
  '    return torch.zeros(1).tolist()',
  '',
].join('\n');

const APP_FIXED = [
  'import modal',
  '',
  'app = modal.App("pre-commit-demo", image=modal.Image.debian_slim().pip_install("torch"))',
  '',
  '',
  '@app.function()',
  'def train():',
  '    import torch',
  '',
  '    return torch.zeros(1).tolist()',
  '',
].join('\n');

/** Would be an error too, but the config excludes its folder. */
const EXCLUDED_SCRATCH = ['import torch', '', 'import modal', '', 'app = modal.App("scratch-pad")', ''].join('\n');

describe.skipIf(unavailable !== undefined)('pre-commit hook', () => {
  const folders = temporaryFolders('modal-lint-pre-commit-');
  let project: string;
  let env: NodeJS.ProcessEnv;

  function preCommitRun(args: string[]): { code: number | null; output: string } {
    const result = run('pre-commit', ['run', '--color', 'never', ...args], { cwd: project, env, timeout: 900_000 });
    if (result.error) throw result.error;
    const output = `${result.stdout}${result.stderr}`;
    console.log(`$ pre-commit run ${args.join(' ')}  (exit ${result.status})\n${output}`);
    return { code: result.status, output };
  }

  function git(args: string[], cwd: string): void {
    const result = run('git', args, { cwd });
    expect(result.status, `git ${args.join(' ')}: ${result.stderr}`).toBe(0);
  }

  beforeAll(() => {
    const commit = head as string;
    const dirty = run('git', ['-C', REPOSITORY_ROOT, 'status', '--porcelain', '--untracked-files=no']).stdout.trim();
    if (dirty !== '') console.warn('pre-commit hook test: the working tree has uncommitted changes; the hook is built from the committed HEAD, so they are not tested');

    const hookRepository = path.join(folders.make(), 'modal-lint');
    git(['clone', '--quiet', REPOSITORY_ROOT, hookRepository], REPOSITORY_ROOT);
    git(['checkout', '--quiet', '-B', 'under-test', commit], hookRepository);
    expect(fs.existsSync(path.join(hookRepository, '.pre-commit-hooks.yaml')), 'HEAD has .pre-commit-hooks.yaml (commit it first)').toBe(true);

    project = folders.make();
    env = toolEnv({ PRE_COMMIT_HOME: folders.make() });
    git(['init', '--quiet'], project);
    fs.writeFileSync(path.join(project, 'app.py'), APP_WITH_FINDING);
    fs.mkdirSync(path.join(project, 'experiments'));
    fs.writeFileSync(path.join(project, 'experiments', 'scratch.py'), EXCLUDED_SCRATCH);
    fs.writeFileSync(path.join(project, '.modal-lint.toml'), 'extend-exclude = ["experiments/"]\n');
    fs.writeFileSync(
      path.join(project, '.pre-commit-config.yaml'),
      ['repos:', `  - repo: ${hookRepository}`, `    rev: ${commit}`, '    hooks:', '      - id: modal-lint', ''].join('\n'),
    );
    git(['add', '--all'], project);
  });

  afterAll(() => folders.cleanup());

  it('installs the hook and fails on a module-level heavy import, showing the finding', () => {
    const { code, output } = preCommitRun(['--all-files']);
    expect(output).toMatch(/modal-lint\.+Failed/);
    expect(code).toBe(1);
    expect(output).toMatch(/app\.py:1:\d+: error\[heavy-import-at-module-level\] `torch` is imported at module level/);
    // experiments/scratch.py was passed too (pre-commit passes every Python file) but is excluded.
    expect(output).not.toContain('scratch');
  }, 900_000);

  it('honours the config excludes for files pre-commit passes explicitly', () => {
    const { code, output } = preCommitRun(['modal-lint', '--files', 'experiments/scratch.py']);
    // "Passed", not "(no files to check)Skipped": modal-lint ran on the file and excluded it.
    expect(output).toMatch(/modal-lint\.+Passed/);
    expect(code).toBe(0);
  }, 300_000);

  it('passes once the import is moved into the function', () => {
    fs.writeFileSync(path.join(project, 'app.py'), APP_FIXED);
    git(['add', '--all'], project);
    const { code, output } = preCommitRun(['--all-files']);
    expect(output).toMatch(/modal-lint\.+Passed/);
    expect(code).toBe(0);
  }, 300_000);
});
