import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBundle, temporaryFolders, writeTree } from './helpers/run-cli.js';

/** Config found per file, as Ruff finds the nearest pyproject.toml / ruff.toml above each file. */

const folders = temporaryFolders('modal-lint-config-');
afterAll(() => folders.cleanup());

/**
 * A kebab-case-name warning on line 3, and a removed-api error (keep_warm) on line 6. Each file's
 * App gets a name of its own, so that files deployed on their own do not share one.
 */
function app(file: string): string {
  const name = `Bad_Name_${file.replace(/[^A-Za-z0-9]/g, '_')}`;
  return ['import modal', '', `app = modal.App("${name}")`, '', '', '@app.function(keep_warm=1)', 'def work():', '    pass', ''].join('\n');
}

function rulesByFile(stdout: string): Record<string, string[]> {
  const byFile: Record<string, string[]> = {};
  for (const line of stdout.split('\n')) {
    const match = /^(.+?):\d+:\d+: \w+ \[([a-z-]+)\]/.exec(line);
    if (match) (byFile[match[1]!] ??= []).push(match[2]!);
  }
  for (const rules of Object.values(byFile)) rules.sort();
  return byFile;
}

function lintConcise(dir: string, args: string[] = ['.']): ReturnType<typeof runBundle> {
  return runBundle(['--no-cache', '-f', 'concise', ...args], { cwd: dir });
}

describe('the nearest config above each file', () => {
  const tree = (): string =>
    writeTree(folders.make(), {
      'pyproject.toml': '[project]\nname = "x"\n\n[tool.modal-lint]\nignore = ["kebab-case-name"]\n',
      'app.py': app('app.py'),
      'services/api/app.py': app('services/api/app.py'),
      'services/api/.modal-lint.toml': 'ignore = ["removed-api"]\n',
      'services/api/deep/nested/app.py': app('services/api/deep/nested/app.py'),
      'services/other/app.py': app('services/other/app.py'),
      // A pyproject.toml without our table is not a config: the search goes on above it.
      'services/other/pyproject.toml': '[project]\nname = "other"\n',
    });

  it('each file gets the settings of the nearest config, from the root and from a nested folder', () => {
    const dir = tree();
    const expected = {
      'app.py': ['removed-api'],
      'services/api/app.py': ['kebab-case-name'],
      'services/api/deep/nested/app.py': ['kebab-case-name'],
      'services/other/app.py': ['removed-api'],
    };
    expect(rulesByFile(lintConcise(dir).stdout)).toEqual(expected);
    // Run from a nested folder: same settings per file, paths relative to where it runs.
    const fromNested = rulesByFile(lintConcise(path.join(dir, 'services'), ['.']).stdout);
    expect(fromNested).toEqual({ 'api/app.py': ['kebab-case-name'], 'api/deep/nested/app.py': ['kebab-case-name'], 'other/app.py': ['removed-api'] });
    // A file named from the root gets its own nearest config.
    expect(rulesByFile(lintConcise(dir, ['services/api/deep/nested/app.py']).stdout)).toEqual({ 'services/api/deep/nested/app.py': ['kebab-case-name'] });
  });

  it('--config applies one file to every path', () => {
    const dir = tree();
    fs.writeFileSync(path.join(dir, 'only-gpu.toml'), 'select = ["min-containers-with-gpu"]\n');
    const result = lintConcise(dir, ['--config', 'only-gpu.toml', '.']);
    expect(result.code).toBe(0);
    expect(rulesByFile(result.stdout)).toEqual({});
  });

  it('--show-files lists each file with its config; --show-settings shows what applies to one file', () => {
    const dir = tree();
    const files = runBundle(['--show-files'], { cwd: dir });
    expect(files.code).toBe(0);
    expect(files.stdout.trimEnd().split('\n')).toEqual([
      'app.py  pyproject.toml',
      'services/api/app.py  services/api/.modal-lint.toml',
      'services/api/deep/nested/app.py  services/api/.modal-lint.toml',
      'services/other/app.py  pyproject.toml',
    ]);
    const settings = runBundle(['--show-settings', 'services/api/deep/nested/app.py'], { cwd: dir });
    expect(settings.code).toBe(0);
    const shown = JSON.parse(settings.stdout);
    expect(shown.configFile).toBe(path.join(dir, 'services/api/.modal-lint.toml'));
    expect(shown.ignore).toEqual(['removed-api']);
    expect(shown.enabledRules['kebab-case-name']).toBe('warning');
    expect(shown.enabledRules['removed-api']).toBeUndefined();
  });
});

describe('excludes of nested configs', () => {
  it('a walk from the root honours the excludes of the config nearest to each folder', () => {
    const dir = writeTree(folders.make(), {
      'pyproject.toml': '[tool.modal-lint]\nextend-exclude = ["scratch/"]\n',
      'app.py': app('app.py'),
      'scratch/app.py': app('scratch/app.py'),
      'svc/.modal-lint.toml': 'extend-exclude = ["generated/"]\n',
      'svc/app.py': app('svc/app.py'),
      'svc/generated/app.py': app('svc/generated/app.py'),
      // The nested config replaces the root's settings for svc/: the root's `scratch/` is not excluded there.
      'svc/scratch/app.py': app('svc/scratch/app.py'),
    });
    const files = runBundle(['--show-files'], { cwd: dir }).stdout.trimEnd().split('\n').map((line) => line.split('  ')[0]);
    expect(files).toEqual(['app.py', 'svc/app.py', 'svc/scratch/app.py']);
  });

  it('an invalid nested config met during a walk stops the run with its error', () => {
    const dir = writeTree(folders.make(), { 'app.py': app('app.py'), 'svc/app.py': app('svc/app.py'), 'svc/.modal-lint.toml': 'selectt = []\n' });
    const result = lintConcise(dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('svc/.modal-lint.toml: unknown key "selectt" (did you mean "select"?)');
  });
});

describe('extend and extend-select', () => {
  it('a config inherits another with `extend` and overrides it; extend-select adds to its selection', () => {
    const dir = writeTree(folders.make(), {
      'base.toml': 'select = ["removed-api"]\nper-file-ignores = { "/legacy/*.py" = ["removed-api"] }\n',
      'legacy/app.py': app('legacy/app.py'),
      'svc/app.py': app('svc/app.py'),
      'svc/.modal-lint.toml': 'extend = "../base.toml"\nextend-select = ["kebab-case-name"]\n',
      'svc/legacy/app.py': app('svc/legacy/app.py'),
      'plain/app.py': app('plain/app.py'),
      'plain/.modal-lint.toml': 'extend = "../base.toml"\n',
    });
    expect(rulesByFile(lintConcise(dir, ['svc', 'plain']).stdout)).toEqual({
      'svc/app.py': ['kebab-case-name', 'removed-api'],
      // The base's anchored pattern stays anchored where the base is: svc/legacy is not /legacy.
      'svc/legacy/app.py': ['kebab-case-name', 'removed-api'],
      'plain/app.py': ['removed-api'],
    });
    const settings = JSON.parse(runBundle(['--show-settings', 'svc/app.py'], { cwd: dir }).stdout);
    expect(settings.extends).toEqual([path.join(dir, 'base.toml')]);
    expect(settings.select).toEqual(['removed-api', 'kebab-case-name']);
  });

  it('--extend-select adds to the configured selection', () => {
    const dir = writeTree(folders.make(), { 'app.py': app('app.py'), '.modal-lint.toml': 'select = ["removed-api"]\n' });
    expect(rulesByFile(lintConcise(dir).stdout)).toEqual({ 'app.py': ['removed-api'] });
    expect(rulesByFile(lintConcise(dir, ['--extend-select', 'kebab-case-name', '.']).stdout)).toEqual({ 'app.py': ['kebab-case-name', 'removed-api'] });
  });

  it('an `extend` cycle or a missing file is a config error, exit 2', () => {
    const cycle = writeTree(folders.make(), { 'app.py': app('app.py'), '.modal-lint.toml': 'extend = "other.toml"\n', 'other.toml': 'extend = ".modal-lint.toml"\n' });
    const result = lintConcise(cycle);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"extend" makes a cycle');
    const missing = writeTree(folders.make(), { 'app.py': app('app.py'), '.modal-lint.toml': 'extend = "nope.toml"\n' });
    expect(lintConcise(missing)).toMatchObject({ code: 2, stderr: expect.stringContaining('nope.toml: config file not found') });
  });
});

describe('did you mean, for configs that would otherwise be ignored', () => {
  it('[tool.modal_lint] in pyproject.toml', () => {
    const dir = writeTree(folders.make(), { 'app.py': app('app.py'), 'pyproject.toml': '[tool.modal_lint]\nignore = ["kebab-case-name"]\n' });
    const result = lintConcise(dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('modal-lint: config error: pyproject.toml: [tool.modal_lint] is not read (did you mean [tool.modal-lint]?)\n');
  });

  it('a .modal-lint.toml that starts with [tool.modal-lint]', () => {
    const dir = writeTree(folders.make(), { 'app.py': app('app.py'), '.modal-lint.toml': '[tool.modal-lint]\nignore = ["kebab-case-name"]\n' });
    const result = lintConcise(dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[tool.modal-lint] is the pyproject.toml form');
    expect(result.stderr).not.toContain('unknown key');
  });
});
