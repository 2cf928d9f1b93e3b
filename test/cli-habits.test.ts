import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE, cleanEnv, runBundle, temporaryFolders, writeTree } from './helpers/run-cli.js';

/** Command-line behaviour a Ruff user expects, through the bundled binary. */

const folders = temporaryFolders('modal-lint-habits-');
afterAll(() => folders.cleanup());

/** One warning (kebab-case-name) and one error with a safe fix (removed-api: keep_warm). */
const APP = ['import modal', '', 'app = modal.App("Bad_Name")', '', '', '@app.function(keep_warm=1)', 'def work():', '    pass', ''].join('\n');
const CLEAN = ['import modal', '', 'app = modal.App("good-name")', ''].join('\n');

function project(files: Record<string, string>): string {
  return writeTree(folders.make(), files);
}

describe('-o / --output to a path that cannot be written', () => {
  const cases: Array<[string, (dir: string) => string, RegExp]> = [
    ['below /proc (recursive mkdir never returns there)', () => '/proc/nope/x.txt', /cannot create \/proc\/nope/],
    ['below a regular file', () => '/etc/passwd/x.txt', /\/etc\/passwd is not a directory/],
    ['a dangling symbolic link', (dir) => {
      fs.symlinkSync(path.join(dir, 'missing', 'report.txt'), path.join(dir, 'link.txt'));
      return 'link.txt';
    }, /broken symbolic link/],
    ['an existing folder', (dir) => {
      fs.mkdirSync(path.join(dir, 'out'));
      return 'out';
    }, /is a directory/],
  ];
  for (const [name, target, reason] of cases) {
    it(`${name}: one line, exit 2, within a second`, () => {
      const dir = project({ 'app.py': APP });
      const result = runBundle(['-o', target(dir), 'app.py'], { cwd: dir, timeout: 10_000 });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^modal-lint: cannot write the report to /);
      expect(result.stderr).toMatch(reason);
      expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(result.ms).toBeLessThan(1000 + 500 /* node start-up on a loaded machine */);
    });
  }

  it('creates missing folders for a writable path', () => {
    const dir = project({ 'app.py': APP });
    const result = runBundle(['-f', 'json', '-o', 'reports/deep/out.json', 'app.py'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'reports/deep/out.json'), 'utf8'))).toBeTruthy();
  });
});

describe('no silent zero', () => {
  it('a path that does not exist: exit 2 and says so', () => {
    const dir = project({ 'app.py': CLEAN });
    const result = runBundle(['nothere.py'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nothere.py: no such file or directory');
    expect(result.stdout).not.toContain('All checks passed');
  });

  it('a file named inside a folder excluded by default or by .gitignore is linted; --force-exclude restores the exclusion', () => {
    const dir = project({ 'build/app.py': APP, 'gen/app.py': APP, '.gitignore': 'gen/\n' });
    execFileSync('git', ['init', '-q'], { cwd: dir });
    for (const file of ['build/app.py', 'gen/app.py']) {
      const result = runBundle(['--no-cache', '-f', 'concise', file], { cwd: dir });
      expect(result.stdout).toContain(`${file}:3:17: warning [kebab-case-name]`);
      expect(result.code).toBe(1);
      const forced = runBundle(['--no-cache', '--force-exclude', file], { cwd: dir });
      expect(forced.code).toBe(0);
      expect(forced.stderr).toContain('no files to lint: 1 file named on the command line excluded (--force-exclude)');
      expect(forced.stdout).not.toContain('All checks passed');
    }
  });

  it('a tracked file listed in .gitignore is linted when named', () => {
    const dir = project({ 'app.py': APP });
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['add', 'app.py'], { cwd: dir });
    fs.writeFileSync(path.join(dir, '.gitignore'), 'app.py\n');
    const result = runBundle(['--no-cache', '-f', 'concise', 'app.py'], { cwd: dir });
    expect(result.stdout).toContain('app.py:3:17: warning [kebab-case-name]');
  });

  it('a run that lints nothing says why and never says "All checks passed"', () => {
    const excludedOnly = project({ 'build/app.py': APP, 'venv/x.py': APP });
    const excluded = runBundle(['--no-cache', '.'], { cwd: excludedOnly });
    expect(excluded.code).toBe(0);
    expect(excluded.stderr).toContain('no files to lint: 2 folders skipped by exclusions');
    expect(excluded.stdout).toBe('No files linted.\n');

    const ignoredFiles = project({ 'a.py': APP, 'b.py': APP, 'c.py': APP, '.modal-lint.toml': 'extend-exclude = ["*.py"]\n' });
    expect(runBundle(['--no-cache'], { cwd: ignoredFiles }).stderr).toContain('no files to lint: 3 Python files skipped by exclusions');

    const empty = project({ 'README.md': 'nothing here\n' });
    const none = runBundle(['--no-cache', '.'], { cwd: empty });
    expect(none.stderr).toContain('no Python files found in .');
    expect(none.stdout).not.toContain('All checks passed');
  });
});

describe('habits from Ruff', () => {
  it('`check` is the same as no subcommand; --output-format is --format', () => {
    const dir = project({ 'app.py': APP });
    const plain = runBundle(['--no-cache', '--format', 'json', 'app.py'], { cwd: dir });
    const check = runBundle(['check', '--no-cache', '--output-format', 'json', 'app.py'], { cwd: dir });
    const checkAfterFlag = runBundle(['--no-cache', 'check', '--output-format=json', 'app.py'], { cwd: dir });
    expect(plain.code).toBe(1);
    expect(check).toMatchObject({ code: plain.code, stdout: plain.stdout });
    expect(checkAfterFlag).toMatchObject({ code: plain.code, stdout: plain.stdout });
    const afterValue = runBundle(['--config', 'none.toml', 'check', '--no-cache', '-f', 'json', 'app.py'], { cwd: dir });
    expect(afterValue.stderr).toContain('none.toml: config file not found');
    fs.writeFileSync(path.join(dir, 'cfg.toml'), 'ignore = []\n');
    expect(runBundle(['--config', 'cfg.toml', 'check', '--no-cache', '-f', 'json', 'app.py'], { cwd: dir })).toMatchObject({ code: plain.code, stdout: plain.stdout });
    // A file named `check` given as a flag's value is that value, not the subcommand.
    const out = runBundle(['--no-cache', '-o', 'check', '-f', 'json', 'app.py'], { cwd: dir });
    expect(out.code).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'check'), 'utf8')).toBe(plain.stdout);
  });

  it('an unknown flag: one line with the closest flag, exit 2', () => {
    const dir = project({ 'app.py': CLEAN });
    const result = runBundle(['--statistic', 'app.py'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('modal-lint: unknown option --statistic (did you mean --statistics?)');
    expect(runBundle(['--ouput-format', 'json'], { cwd: dir }).stderr).toContain('did you mean --output-format?');
  });

  it('explain is case-insensitive and suggests the closest rule', () => {
    const dir = project({});
    const exact = runBundle(['explain', 'kebab-case-name'], { cwd: dir });
    expect(exact.code).toBe(0);
    expect(runBundle(['explain', 'Kebab-Case-NAME'], { cwd: dir }).stdout).toBe(exact.stdout);
    expect(runBundle(['explain', 'kebab_case_name'], { cwd: dir }).stdout).toBe(exact.stdout);
    const typo = runBundle(['explain', 'kebab-case-nme'], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('modal-lint: unknown rule "kebab-case-nme" (did you mean "kebab-case-name"?)\n');
  });

  it('--statistics counts findings per rule and marks fixable ones', () => {
    const dir = project({ 'a.py': APP, 'b.py': APP });
    const result = runBundle(['--no-cache', '--statistics', '.'], { cwd: dir });
    expect(result.code).toBe(1);
    const rows = result.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    expect(rows).toContainEqual(['2', 'kebab-case-name']);
    expect(rows).toContainEqual(['2', 'removed-api', '[*]']);
    const json = JSON.parse(runBundle(['--no-cache', '--statistics', '--output-format', 'json', '.'], { cwd: dir }).stdout);
    expect(json).toEqual(expect.arrayContaining([{ code: 'kebab-case-name', count: 2, fixable: 0 }, { code: 'removed-api', count: 2, fixable: 2 }]));
  });

  it('--list-rules shows which rules have fixes', () => {
    const result = runBundle(['--list-rules'], { cwd: project({}) });
    const line = (id: string): string => result.stdout.split('\n').find((row) => row.startsWith(`${id} `))!;
    expect(line('removed-api')).toMatch(/^removed-api +error +fix\?? +\S/);
    expect(line('kebab-case-name')).toMatch(/^kebab-case-name +warning {8}\S/);
  });
});

describe('suppression comments', () => {
  it('bare, any case, noqa; an unknown rule id gets the closest id', () => {
    const source = [
      'import modal',
      'a = modal.App("Bare_Form")  # modal-lint: ignore',
      'b = modal.App("Upper_Form")  # MODAL-LINT: IGNORE[KEBAB-CASE-NAME]',
      'c = modal.App("Blanket_Noqa")  # noqa',
      'd = modal.App("Other_Tools_Noqa")  # noqa: E501',
      'e = modal.App("Typo_Form")  # modal-lint: ignore[kebab-case-nam]',
      '',
    ].join('\n');
    const dir = project({ 'app.py': source });
    const result = runBundle(['--no-cache', '-f', 'concise', 'app.py'], { cwd: dir });
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^app\.py:5:\d+: warning \[kebab-case-name\] App name "Other_Tools_Noqa"/),
      expect.stringMatching(/^app\.py:6:\d+: warning \[kebab-case-name\] App name "Typo_Form"/),
      'app.py:6:29: warning [unused-suppression] Unknown rule `kebab-case-nam` in suppression comment (did you mean `kebab-case-name`?).',
    ]);
  });
});

describe('suppression comments alone in a file', () => {
  it('a bare noqa, a noqa naming the rule and an upper-case directive each suppress without any other directive in the file', () => {
    const app = (name: string, comment: string): string => ['import modal', `app = modal.App("${name}")  ${comment}`, ''].join('\n');
    const dir = project({
      'bare_noqa.py': app('Bare_Noqa', '# noqa'),
      'coded_noqa.py': app('Coded_Noqa', '# noqa: kebab-case-name'),
      'upper_directive.py': app('Upper_Directive', '# MODAL-LINT: IGNORE[KEBAB-CASE-NAME]'),
      'unsuppressed.py': app('Not_Suppressed', '# a plain comment'),
    });
    const result = runBundle(['--no-cache', '-f', 'json', '.'], { cwd: dir });
    const report = JSON.parse(result.stdout) as { results: Array<{ file: string; ruleId: string }> };
    expect(report.results.map((finding) => `${path.basename(finding.file)}:${finding.ruleId}`)).toEqual(['unsuppressed.py:kebab-case-name']);
  });
});

describe('--watch', () => {
  it('lints, then lints again when a Python file changes, until stopped', async () => {
    const dir = project({ 'app.py': CLEAN });
    const child = spawn(process.execPath, [BUNDLE, '--watch', '--no-cache', '-f', 'concise', '.'], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const waitFor = async (check: () => boolean, what: string): Promise<void> => {
      for (let waited = 0; !check(); waited += 50) {
        if (waited > 20_000) throw new Error(`timed out waiting for ${what}; stdout: ${stdout}; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await waitFor(() => stderr.includes('watching for changes'), 'the first run');
      expect(stdout).not.toContain('kebab-case-name');
      fs.writeFileSync(path.join(dir, 'app.py'), APP);
      await waitFor(() => stdout.includes('[kebab-case-name]'), 'the run after the change');
      expect(stdout).toContain('app.py:3:17: warning [kebab-case-name]');
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(0);
  });
});

describe('text output as Ruff prints it', () => {
  it('a short headline, the code frame with a line of context each side, help on its own line, right plurals, paths relative to the working directory', () => {
    const dir = project({ 'svc/app.py': APP });
    const result = runBundle(['--no-cache', 'svc/app.py'], { cwd: dir });
    expect(result.stdout).toBe(
      [
        'svc/app.py:3:17: warning[kebab-case-name] App name "Bad_Name" is not kebab-case',
        ' 2 |',
        ' 3 | app = modal.App("Bad_Name")',
        '   |                 ^^^^^^^^^^',
        ' 4 |',
        'help: Modal accepts it, but the convention is `{domain}-{service}[-{variant}]` in lowercase with dashes (e.g. "bad-name").',
        '',
        'svc/app.py:6:15: error[removed-api][*] `keep_warm=` raises an error since Modal 1.4.0',
        ' 5 |',
        ' 6 | @app.function(keep_warm=1)',
        '   |               ^^^^^^^^^^^',
        ' 7 | def work():',
        'help: Rename it to `min_containers`.',
        '',
        'Found 2 problems (1 error, 1 warning) in 1 file.',
        '[*] 1 problem fixable with `--fix`.',
        '',
      ].join('\n'),
    );
    const fromInside = runBundle(['--no-cache', '-f', 'concise', 'app.py'], { cwd: path.join(dir, 'svc') });
    expect(fromInside.stdout.split('\n')[0]).toMatch(/^app\.py:3:17: /);
  });
});
