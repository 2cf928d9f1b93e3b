import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSarif } from './helpers/sarif-schema.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.resolve(import.meta.dirname, '../dist/cli/main.js');
const FIXTURES = path.join(ROOT, 'fixtures', 'cli');
const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// Repository-relative fixture paths, as the CLI prints them when run from the repository root.
const CLEAN = 'fixtures/cli/clean.py';
const WARNINGS_ONLY = 'fixtures/cli/warnings_only.py';
const MIXED = 'fixtures/cli/mixed.py';
const UNICODE = 'fixtures/cli/unicode_columns.py';
const BROKEN_PROJECT = 'fixtures/cli/broken_project';
const HEAVY_IMPORTS = 'fixtures/heavy-import-at-module-level/fail_common_forms.py';

const ANSI = /\u001b\[/;
const ANSI_ALL = /\u001b\[[0-9;]*m/g;

// Messages of the findings in fixtures/cli/, as the rules word them.
const MSG = {
  torch:
    '`torch` is imported at module level; `modal deploy` imports this file locally, where torch may not be installed. Import it inside the function or under `with image.imports():`.',
  mixedCase:
    'App name "Mixed_Case" is not kebab-case; Modal accepts it, but the convention is `{domain}-{service}[-{variant}]` in lowercase with dashes (e.g. "mixed-case").',
  noName: '`modal.App()` has no name; give the App a stable kebab-case name such as `modal.App("{domain}-{service}")`.',
  warmGpu: '`min_containers=1` keeps 1 GPU container(s) (A10G) running and billed even when idle.',
  warnOnly:
    'App name "Warn_Only" is not kebab-case; Modal accepts it, but the convention is `{domain}-{service}[-{variant}]` in lowercase with dashes (e.g. "warn-only").',
  badName:
    'App name "Bad_Name" is not kebab-case; Modal accepts it, but the convention is `{domain}-{service}[-{variant}]` in lowercase with dashes (e.g. "bad-name").',
  stdinApp:
    'App name "Stdin_App" is not kebab-case; Modal accepts it, but the convention is `{domain}-{service}[-{variant}]` in lowercase with dashes (e.g. "stdin-app").',
};

const MIXED_CONCISE = [
  `${MIXED}:3:8: error [heavy-import-at-module-level] ${MSG.torch}`,
  `${MIXED}:5:17: warning [kebab-case-name] ${MSG.mixedCase}`,
  `${MIXED}:6:11: warning [app-missing-name] ${MSG.noName}`,
  `${MIXED}:9:27: warning [min-containers-with-gpu] ${MSG.warmGpu}`,
];

interface JsonResult {
  file: string;
  ruleId: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface JsonReport {
  version: string;
  results: JsonResult[];
  failures: Array<{ file: string; message: string }>;
  notices: Array<{ file: string; message: string }>;
  summary: { files: number; errors: number; warnings: number; infos: number };
}

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifLogShape {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: Array<{ id: string; defaultConfiguration: { level: string } }> } };
    columnKind: string;
    results: Array<{
      ruleId: string;
      level: string;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: SarifRegion } }>;
    }>;
  }>;
}

/** The environment of a user without colour preferences, outside GitHub Actions. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  delete env.GITHUB_ACTIONS;
  return { ...env, ...extra };
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const cwd = options.cwd ?? ROOT;
  // The result cache lives next to the config (or in the cwd): keep it out of the repository.
  const cacheArgs = cwd === ROOT ? ['--no-cache'] : [];
  const result = spawnSync(process.execPath, [CLI, ...cacheArgs, ...args], {
    cwd,
    input: options.input ?? '',
    env: options.env ?? cleanEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  // A crash (uncaught exception, missing module) is never an expected outcome: fail with its trace.
  if (result.status === null || /internal error|\n\s+at .+:\d+:\d+\)?\n/.test(result.stderr)) {
    throw new Error(`modal-lint ${args.join(' ')} crashed (status ${result.status}, signal ${result.signal}):\n${result.stderr}`);
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

function json(result: RunResult): JsonReport {
  return JSON.parse(result.stdout) as JsonReport;
}

/** `file:line:column-endLine:endColumn rule severity` for every JSON result. */
function spans(report: JsonReport): string[] {
  return report.results.map((r) => `${r.file}:${r.line}:${r.column}-${r.endLine}:${r.endColumn} ${r.ruleId} ${r.severity}`);
}

const tempDirs: string[] = [];

function tempDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-cli-')));
  tempDirs.push(dir);
  return dir;
}

/** A temporary folder holding the given files (text or bytes), paths relative to it. */
function project(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** Rule ids registered in src/rules/index.ts, read from the source of each rule module. */
function ruleIdsFromIndex(): string[] {
  const rulesDir = path.join(ROOT, 'src', 'rules');
  const index = fs.readFileSync(path.join(rulesDir, 'index.ts'), 'utf8');
  const moduleOf = new Map<string, string>();
  for (const match of index.matchAll(/^import\s+(\w+)\s+from\s+'\.\/([\w-]+)\.js';/gm)) moduleOf.set(match[1]!, match[2]!);
  const list = /export const RULES[^=]*=\s*\[([^\]]*)\]/.exec(index);
  if (!list) throw new Error('RULES array not found in src/rules/index.ts');
  const names = list[1]!.split(',').map((name) => name.trim()).filter((name) => name !== '');
  return names.map((name) => {
    const module = moduleOf.get(name);
    if (!module) throw new Error(`no import for ${name} in src/rules/index.ts`);
    const source = fs.readFileSync(path.join(rulesDir, `${module}.ts`), 'utf8');
    // The rule's own id: the first `id:` inside its `defineRule({ ... })` call.
    const start = source.indexOf('defineRule({');
    const id = start < 0 ? null : /\bid:\s*'([^']+)'/.exec(source.slice(start));
    if (!id) throw new Error(`no rule id in src/rules/${module}.ts`);
    return id[1]!;
  });
}

beforeAll(() => {
  if (fs.existsSync(CLI)) return;
  const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0 || !fs.existsSync(CLI)) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
});

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('exit codes', () => {
  it('exits 0 on a clean file and says so', () => {
    const result = run([CLEAN]);
    expect(result).toEqual({ code: 0, stdout: 'All checks passed (1 file linted).\n', stderr: '' });
  });

  it('exits 1 when an error-severity finding exists', () => {
    const result = run(['--format', 'concise', '--select', 'heavy-import-at-module-level', HEAVY_IMPORTS]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const found = lines(result.stdout);
    expect(found).toHaveLength(10);
    for (const line of found) expect(line).toMatch(/^fixtures\/heavy-import-at-module-level\/fail_common_forms\.py:\d+:\d+: error \[heavy-import-at-module-level\] /);
  });

  it('exits 0 when only warnings exist', () => {
    const result = run(['--format', 'concise', WARNINGS_ONLY]);
    expect(result).toEqual({ code: 0, stdout: `${WARNINGS_ONLY}:4:17: warning [kebab-case-name] ${MSG.warnOnly}\n`, stderr: '' });
  });

  it('exits 1 with --max-warnings 0 and a warning, 0 with --max-warnings 1', () => {
    expect(run(['--max-warnings', '0', WARNINGS_ONLY]).code).toBe(1);
    expect(run(['--max-warnings', '1', WARNINGS_ONLY]).code).toBe(0);
  });

  it('exits 2 on a --max-warnings value that is not a whole number >= 0', () => {
    for (const value of ['abc', '1.5', '-1']) {
      const result = run([`--max-warnings=${value}`, WARNINGS_ONLY]);
      expect(result.code, value).toBe(2);
      expect(result.stdout, value).toBe('');
      expect(result.stderr, value).toContain(`--max-warnings needs a whole number >= 0, got "${value}"`);
    }
  });

  // Bug: an empty --max-warnings value is taken as 0 (Number('') === 0) instead of being rejected.
  it('exits 2 on an empty --max-warnings value', () => {
    const result = run(['--max-warnings=', WARNINGS_ONLY]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--max-warnings needs a whole number >= 0, got ""');
  });

  it('exits 0 with --exit-zero despite errors, and still reports them', () => {
    const result = run(['--exit-zero', '--format', 'concise', MIXED]);
    expect(result).toEqual({ code: 0, stdout: `${MIXED_CONCISE.join('\n')}\n`, stderr: '' });
  });

  it('exits 2 on an unknown flag', () => {
    const result = run(['--no-such-flag', CLEAN]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('unknown option --no-such-flag');
    expect(result.stderr).toContain('Run `modal-lint --help` for usage.');
  });

  it('exits 2 on an unknown --format', () => {
    const result = run(['--format', 'xml', CLEAN]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^modal-lint: unknown format "xml"; choose one of text, concise, json, sarif, github\b/);
    expect(result.stderr.endsWith('\nRun `modal-lint --help` for usage.\n')).toBe(true);
  });

  it('exits 2 on an unknown rule in --select and --ignore', () => {
    const select = run(['--select', 'kebab-case-name,no-such-rule', CLEAN]);
    expect(select).toEqual({
      code: 2,
      stdout: '',
      stderr: 'modal-lint: --select: unknown rule "no-such-rule" (see --list-rules)\nRun `modal-lint --help` for usage.\n',
    });
    const ignore = run(['--ignore', 'no-such-rule', CLEAN]);
    expect(ignore.code).toBe(2);
    expect(ignore.stderr).toContain('--ignore: unknown rule "no-such-rule"');
  });

  it('exits 2 on a missing explicit path, naming it, and still lints the other files', () => {
    const result = run(['--format', 'concise', 'fixtures/cli/does_not_exist.py', WARNINGS_ONLY]);
    expect(result).toEqual({
      code: 2,
      stdout: `${WARNINGS_ONLY}:4:17: warning [kebab-case-name] ${MSG.warnOnly}\n`,
      stderr: 'modal-lint: fixtures/cli/does_not_exist.py: no such file or directory\n',
    });
  });

  describe('invalid config: exit 2, stderr names the file and the key', () => {
    const lintWith = (config: string) => run(['--format', 'concise', 'app.py'], { cwd: project({ 'pyproject.toml': config, 'app.py': fixture('mixed.py') }) });

    it('TOML syntax error', () => {
      const result = lintWith('[tool.modal-lint]\nmax-warnings = \n');
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^modal-lint: config error: pyproject\.toml:2:16: invalid TOML: /);
      expect(result.stderr).toContain('max-warnings');
    });

    it('unknown key', () => {
      const result = lintWith('[tool.modal-lint]\nmax-warning = 3\n');
      expect(result).toEqual({
        code: 2,
        stdout: '',
        stderr: 'modal-lint: config error: pyproject.toml: unknown key "tool.modal-lint.max-warning" (did you mean "max-warnings"?)\n',
      });
    });

    it('unknown rule id in [tool.modal-lint.rules]', () => {
      const result = lintWith('[tool.modal-lint.rules]\nkebab-case = "off"\n');
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('pyproject.toml');
      expect(result.stderr).toContain('"kebab-case"');
      expect(result.stderr).toContain('tool.modal-lint.rules');
    });

    it('unknown option of a rule, in modal-lint.toml', () => {
      const dir = project({ 'modal-lint.toml': '[rules]\nheavy-import-at-module-level = { extend-package = ["mylib"] }\n', 'app.py': fixture('mixed.py') });
      const result = run(['app.py'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('modal-lint.toml: unknown key "rules.heavy-import-at-module-level.extend-package"');
    });
  });
});

describe('output formats on the same input', () => {
  it('concise: one `path:line:col: severity [rule-id] message` line per finding', () => {
    const result = run(['--format', 'concise', MIXED]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(lines(result.stdout)).toEqual(MIXED_CONCISE);
    for (const line of lines(result.stdout)) expect(line).toMatch(/^[^:]+:\d+:\d+: (error|warning|info) \[[a-z-]+\] \S.*$/);
  });

  it('json: parses, with file, line, column, endLine and endColumn per result', () => {
    const result = run(['--format', 'json', MIXED]);
    expect(result.code).toBe(1);
    const report = json(result);
    expect(report.version).toBe(PACKAGE_VERSION);
    const picked = report.results.map(({ file, ruleId, severity, message, line, column, endLine, endColumn }) => ({ file, ruleId, severity, message, line, column, endLine, endColumn }));
    expect(picked).toEqual([
      { file: MIXED, ruleId: 'heavy-import-at-module-level', severity: 'error', message: MSG.torch, line: 3, column: 8, endLine: 3, endColumn: 13 },
      { file: MIXED, ruleId: 'kebab-case-name', severity: 'warning', message: MSG.mixedCase, line: 5, column: 17, endLine: 5, endColumn: 29 },
      { file: MIXED, ruleId: 'app-missing-name', severity: 'warning', message: MSG.noName, line: 6, column: 11, endLine: 6, endColumn: 22 },
      { file: MIXED, ruleId: 'min-containers-with-gpu', severity: 'warning', message: MSG.warmGpu, line: 9, column: 27, endLine: 9, endColumn: 43 },
    ]);
    expect(report.summary).toEqual({ files: 1, errors: 1, warnings: 3, infos: 0 });
    expect(report.failures).toEqual([]);
    expect(report.notices).toEqual([]);
  });

  it('sarif: parses, is version 2.1.0 and valid against the SARIF schema', () => {
    const result = run(['--format', 'sarif', MIXED]);
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout) as SarifLogShape;
    expect(log.version).toBe('2.1.0');
    expect(validateSarif(log)).toEqual([]);
    const [sarifRun] = log.runs;
    expect(sarifRun!.tool.driver.name).toBe('modal-lint');
    expect(sarifRun!.tool.driver.version).toBe(PACKAGE_VERSION);
    expect(
      sarifRun!.results.map((r) => {
        const { artifactLocation, region } = r.locations[0]!.physicalLocation;
        return `${artifactLocation.uriBaseId} ${artifactLocation.uri}:${region.startLine}:${region.startColumn}-${region.endLine}:${region.endColumn} ${r.ruleId} ${r.level}`;
      }),
    ).toEqual([
      `%SRCROOT% ${MIXED}:3:8-3:13 heavy-import-at-module-level error`,
      `%SRCROOT% ${MIXED}:5:17-5:29 kebab-case-name warning`,
      `%SRCROOT% ${MIXED}:6:11-6:22 app-missing-name warning`,
      `%SRCROOT% ${MIXED}:9:27-9:43 min-containers-with-gpu warning`,
    ]);
  });

  it('github: `::error file=` / `::warning file=` workflow commands', () => {
    const result = run(['--format', 'github', MIXED]);
    expect(result.code).toBe(1);
    const found = lines(result.stdout);
    expect(found).toHaveLength(4);
    for (const line of found) expect(line).toMatch(/^::(error|warning) file=/);
    expect(found[0]).toBe(
      `::error file=${MIXED},line=3,col=8,endLine=3,endColumn=13,title=modal-lint (heavy-import-at-module-level)::${MSG.torch}`,
    );
    expect(found.slice(1).map((line) => line.slice(0, line.indexOf(',title=')))).toEqual([
      `::warning file=${MIXED},line=5,col=17,endLine=5,endColumn=29`,
      `::warning file=${MIXED},line=6,col=11,endLine=6,endColumn=22`,
      `::warning file=${MIXED},line=9,col=27,endLine=9,endColumn=43`,
    ]);
  });

  it('GITHUB_ACTIONS=true without --format gives the github format', () => {
    const github = run(['--format', 'github', MIXED]);
    const result = run([MIXED], { env: cleanEnv({ GITHUB_ACTIONS: 'true' }) });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(github.stdout);
    expect(result.stdout.startsWith('::error file=')).toBe(true);
  });

  it('an explicit --format wins over GITHUB_ACTIONS=true', () => {
    const result = run(['--format', 'concise', MIXED], { env: cleanEnv({ GITHUB_ACTIONS: 'true' }) });
    expect(lines(result.stdout)).toEqual(MIXED_CONCISE);
  });

  it('-o FILE writes the report to FILE and prints nothing on stdout', () => {
    const dir = tempDir();
    const out = path.join(dir, 'reports', 'modal-lint.json');
    const result = run(['--format', 'json', '-o', out, MIXED]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(fs.readFileSync(out, 'utf8')).toBe(run(['--format', 'json', MIXED]).stdout);
  });

  it('-o FILE never writes colours, even with FORCE_COLOR=1', () => {
    const dir = tempDir();
    const out = path.join(dir, 'report.txt');
    const result = run(['--output', out, MIXED], { env: cleanEnv({ FORCE_COLOR: '1' }) });
    expect(result.stdout).toBe('');
    const text = fs.readFileSync(out, 'utf8');
    expect(text).not.toMatch(ANSI);
    expect(text).toBe(run([MIXED]).stdout);
  });
});

describe('standard input', () => {
  const SOURCE = ['import modal', 'import torch', '', 'app = modal.App("Stdin_App")', ''].join('\n');

  it('--stdin-filename reports findings under that name with the right lines', () => {
    const result = run(['--stdin-filename', 'app.py', '--format', 'concise'], { cwd: tempDir(), input: SOURCE });
    expect(result).toEqual({
      code: 1,
      stdout: `app.py:2:8: error [heavy-import-at-module-level] ${MSG.torch}\napp.py:4:17: warning [kebab-case-name] ${MSG.stdinApp}\n`,
      stderr: '',
    });
  });

  it('a suppression comment in the stdin source works', () => {
    const source = SOURCE.replace('import torch', 'import torch  # modal-lint: ignore[heavy-import-at-module-level]');
    const result = run(['--stdin-filename', 'app.py', '--format', 'json'], { cwd: tempDir(), input: source });
    expect(result.code).toBe(0);
    expect(spans(json(result))).toEqual(['app.py:4:17-4:28 kebab-case-name warning']);
  });

  it('per-file-ignores of a config in the cwd apply to the stdin filename', () => {
    const dir = project({ 'pyproject.toml': '[tool.modal-lint.per-file-ignores]\n"app.py" = ["heavy-import-at-module-level"]\n' });
    const ignored = run(['--stdin-filename', 'app.py', '--format', 'json'], { cwd: dir, input: SOURCE });
    expect(ignored.code).toBe(0);
    expect(spans(json(ignored))).toEqual(['app.py:4:17-4:28 kebab-case-name warning']);
    // Another name does not match the pattern: both findings remain.
    const other = run(['--stdin-filename', 'other.py', '--format', 'json'], { cwd: dir, input: SOURCE });
    expect(other.code).toBe(1);
    expect(spans(json(other))).toEqual([
      'other.py:2:8-2:13 heavy-import-at-module-level error',
      'other.py:4:17-4:28 kebab-case-name warning',
    ]);
  });

  it('an exclude matching the stdin filename gives no output and exit 0', () => {
    const dir = project({ 'pyproject.toml': '[tool.modal-lint]\nexclude = ["app.py"]\n' });
    const result = run(['--stdin-filename', 'app.py', '--format', 'concise'], { cwd: dir, input: SOURCE });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    const report = json(run(['--stdin-filename', 'app.py', '--format', 'json'], { cwd: dir, input: SOURCE }));
    expect(report.results).toEqual([]);
    expect(report.summary.files).toBe(0);
  });
});

describe('UTF-16 columns', () => {
  // Line 4 is `NAME = "é🚀"; app = modal.App("Bad_Name")  ...`: é is 1 UTF-16 unit, 🚀 is 2,
  // so `"Bad_Name"` starts at offset 30 (column 31) and ends before column 41.
  it('counts UTF-16 code units in json', () => {
    const result = run(['--format', 'json', UNICODE]);
    expect(result.code).toBe(0);
    const report = json(result);
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ file: UNICODE, ruleId: 'kebab-case-name', line: 4, column: 31, endLine: 4, endColumn: 41 });
  });

  it('counts UTF-16 code units in sarif', () => {
    const log = JSON.parse(run(['--format', 'sarif', UNICODE]).stdout) as SarifLogShape;
    expect(validateSarif(log)).toEqual([]);
    expect(log.runs[0]!.columnKind).toBe('utf16CodeUnits');
    const regions = log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.region);
    expect(regions).toEqual([{ startLine: 4, startColumn: 31, endLine: 4, endColumn: 41 }]);
  });

  it('counts UTF-16 code units in concise and github', () => {
    expect(run(['--format', 'concise', UNICODE]).stdout).toBe(`${UNICODE}:4:31: warning [kebab-case-name] ${MSG.badName}\n`);
    expect(run(['--format', 'github', UNICODE]).stdout).toMatch(/^::warning file=fixtures\/cli\/unicode_columns\.py,line=4,col=31,endLine=4,endColumn=41,/);
  });

  it('gives the same columns for the same source on stdin', () => {
    const result = run(['--stdin-filename', 'unicode.py', '--format', 'json'], { cwd: tempDir(), input: fixture('unicode_columns.py') });
    expect(spans(json(result))).toEqual(['unicode.py:4:31-4:41 kebab-case-name warning']);
  });

  it('places the text marker under the flagged span in terminal cells (the emoji is 2 cells wide)', () => {
    const [header, , source, marker, help] = lines(run([UNICODE]).stdout);
    // The headline, the line above, the flagged line, the marker; the advice on a `help:` line.
    const [headline, advice] = MSG.badName.split('; ');
    expect(header).toBe(`${UNICODE}:4:31: warning[kebab-case-name] ${headline}`);
    expect(help).toBe(`help: ${advice![0]!.toUpperCase()}${advice!.slice(1)}`);
    expect(source).toBe(' 4 | NAME = "é🚀"; app = modal.App("Bad_Name")  # error: [kebab-case-name]');
    // 5 cells of gutter (` 4 | `) + 30 cells before the string: 8 + é(1) + 🚀(2) + 19.
    expect(marker).toBe(`   | ${' '.repeat(30)}${'^'.repeat(10)}`);
  });
});

describe('colour', () => {
  it('no ANSI escapes when stdout is not a terminal', () => {
    const result = run([MIXED]);
    expect(result.stdout).toContain('[kebab-case-name]');
    expect(result.stdout).not.toMatch(ANSI);
  });

  it('no ANSI escapes with NO_COLOR=1', () => {
    const result = run([MIXED], { env: cleanEnv({ NO_COLOR: '1' }) });
    expect(result.stdout).toContain('[kebab-case-name]');
    expect(result.stdout).not.toMatch(ANSI);
  });

  it('FORCE_COLOR=1 gives ANSI escapes in the text format, around the same text', () => {
    const plain = run([MIXED]).stdout;
    const coloured = run([MIXED], { env: cleanEnv({ FORCE_COLOR: '1' }) }).stdout;
    expect(coloured).toMatch(ANSI);
    expect(coloured).toContain('\u001b[33mwarning\u001b[39m');
    expect(coloured).toContain('\u001b[31merror\u001b[39m');
    expect(coloured.replace(ANSI_ALL, '')).toBe(plain);
  });

  it('FORCE_COLOR=1 adds no colour to machine formats', () => {
    for (const format of ['concise', 'json', 'sarif', 'github']) {
      expect(run(['--format', format, MIXED], { env: cleanEnv({ FORCE_COLOR: '1' }) }).stdout, format).not.toMatch(ANSI);
    }
  });

  it('--no-color wins over FORCE_COLOR=1', () => {
    const result = run(['--no-color', MIXED], { env: cleanEnv({ FORCE_COLOR: '1' }) });
    expect(result.stdout).not.toMatch(ANSI);
    expect(result.stdout).toBe(run([MIXED]).stdout);
  });
});

describe('rule selection and information commands', () => {
  it('--select keeps only the listed rules (comma-separated)', () => {
    const result = run(['--format', 'concise', '--select', 'kebab-case-name,app-missing-name', MIXED]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([MIXED_CONCISE[1], MIXED_CONCISE[2]]);
  });

  it('--ignore drops the listed rules (comma-separated, spaces allowed)', () => {
    const result = run(['--format', 'concise', '--ignore', 'heavy-import-at-module-level, app-missing-name', MIXED]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([MIXED_CONCISE[1], MIXED_CONCISE[3]]);
  });

  it('--select and --ignore together', () => {
    const result = run(['--format', 'concise', '--select', 'heavy-import-at-module-level,kebab-case-name', '--ignore', 'heavy-import-at-module-level', MIXED]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([MIXED_CONCISE[1]]);
  });

  // Bug: `--select ALL` passes validation but then selects no rule at all, so every finding
  // disappears and the run passes; `select = ["ALL"]` in a config file selects every rule.
  it('--select ALL runs every rule', () => {
    const result = run(['--format', 'concise', '--select', 'ALL', MIXED]);
    expect(lines(result.stdout)).toEqual(MIXED_CONCISE);
    expect(result.code).toBe(1);
  });

  // Bug: `--ignore ALL` passes validation but ignores nothing; `ignore = ["ALL"]` in a config
  // file turns every rule off.
  it('--ignore ALL turns every rule off', () => {
    const result = run(['--format', 'concise', '--ignore', 'ALL', MIXED]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('select = ["ALL"] and ignore = ["ALL"] in a config file', () => {
    const dir = project({ 'app.py': fixture('mixed.py'), 'modal-lint.toml': 'select = ["ALL"]\n' });
    expect(spans(json(run(['--format', 'json', 'app.py'], { cwd: dir })))).toEqual([
      'app.py:3:8-3:13 heavy-import-at-module-level error',
      'app.py:5:17-5:29 kebab-case-name warning',
      'app.py:6:11-6:22 app-missing-name warning',
      'app.py:9:27-9:43 min-containers-with-gpu warning',
    ]);
    fs.writeFileSync(path.join(dir, 'modal-lint.toml'), 'ignore = ["ALL"]\n');
    expect(run(['--format', 'concise', 'app.py'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--quiet prints errors only and keeps the exit code', () => {
    const result = run(['--quiet', '--format', 'concise', MIXED]);
    expect(result).toEqual({ code: 1, stdout: `${MIXED_CONCISE[0]}\n`, stderr: '' });
    const text = run(['-q', MIXED]).stdout;
    expect(text).not.toMatch(/: warning\[/);
    expect(text).toContain(': error[heavy-import-at-module-level]');
    expect(text).toContain('Found 1 problem (1 error) in 1 file.');
  });

  it('--list-rules lists every rule of src/rules/index.ts plus unused-suppression', () => {
    const expected = [...ruleIdsFromIndex(), 'unused-suppression'];
    expect(expected.length).toBeGreaterThan(1);
    const result = run(['--list-rules']);
    expect(result.code).toBe(0);
    // A header line, one line per rule, then a legend after a blank line.
    const listed = lines(result.stdout).slice(1).filter((line) => line !== '' && !line.startsWith('fix: '));
    for (const line of listed) expect(line).toMatch(/^[a-z][a-z0-9-]* +(error|warning|info) +(fix\?? +)?\S/);
    expect(listed.map((line) => line.split(/\s+/)[0]).sort()).toEqual([...expected].sort());
  });

  it('explain prints the documentation sections of a rule', () => {
    const result = run(['explain', 'min-containers-with-gpu']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.startsWith('# min-containers-with-gpu\n')).toBe(true);
    const headings = lines(result.stdout).filter((line) => line.startsWith('## '));
    expect(headings.slice(0, 4)).toEqual(['## What it does', '## Why is this bad?', '## Example', '## Use instead']);
    expect(result.stdout).toContain('min_containers=1');
  });

  it('explain of an unknown rule exits 2', () => {
    const result = run(['explain', 'nope']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'modal-lint: unknown rule "nope" (see --list-rules)\n' });
  });

  it('--version prints the version of package.json', () => {
    expect(run(['--version'])).toEqual({ code: 0, stdout: `modal-lint ${PACKAGE_VERSION}\n`, stderr: '' });
    expect(run(['-V']).stdout).toBe(`modal-lint ${PACKAGE_VERSION}\n`);
  });
});

describe('configuration', () => {
  it('a rule set to "off" in [tool.modal-lint.rules] of pyproject.toml loses its findings', () => {
    const dir = project({ 'app.py': fixture('mixed.py') });
    expect(spans(json(run(['--format', 'json', 'app.py'], { cwd: dir })))).toContain('app.py:5:17-5:29 kebab-case-name warning');
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "demo"\n\n[tool.modal-lint.rules]\nkebab-case-name = "off"\n');
    const result = run(['--format', 'json', 'app.py'], { cwd: dir });
    expect(spans(json(result))).toEqual([
      'app.py:3:8-3:13 heavy-import-at-module-level error',
      'app.py:6:11-6:22 app-missing-name warning',
      'app.py:9:27-9:43 min-containers-with-gpu warning',
    ]);
  });

  it('a warning raised to "error" fails the run', () => {
    const dir = project({ 'app.py': fixture('warnings_only.py') });
    expect(run(['app.py'], { cwd: dir }).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.modal-lint.rules]\nkebab-case-name = "error"\n');
    const result = run(['--format', 'concise', 'app.py'], { cwd: dir });
    expect(result).toEqual({ code: 1, stdout: `app.py:4:17: error [kebab-case-name] ${MSG.warnOnly}\n`, stderr: '' });
    const log = JSON.parse(run(['--format', 'sarif', 'app.py'], { cwd: dir }).stdout) as SarifLogShape;
    expect(log.runs[0]!.tool.driver.rules.find((rule) => rule.id === 'kebab-case-name')!.defaultConfiguration.level).toBe('error');
    expect(log.runs[0]!.results.map((r) => r.level)).toEqual(['error']);
  });

  it('modal-lint.toml beats pyproject.toml in the same folder', () => {
    const dir = project({
      'app.py': fixture('warnings_only.py'),
      'pyproject.toml': '[tool.modal-lint.rules]\nkebab-case-name = "off"\n',
      'modal-lint.toml': '[rules]\nkebab-case-name = "error"\n',
    });
    const result = run(['--format', 'concise', 'app.py'], { cwd: dir });
    expect(result).toEqual({ code: 1, stdout: `app.py:4:17: error [kebab-case-name] ${MSG.warnOnly}\n`, stderr: '' });
  });

  it('a config closer to the working directory wins over one in a parent folder', () => {
    const dir = project({
      'pyproject.toml': '[tool.modal-lint.rules]\nkebab-case-name = "off"\n',
      'service/app.py': fixture('warnings_only.py'),
      'service/modal-lint.toml': '[rules]\nkebab-case-name = "error"\n',
    });
    const cwd = path.join(dir, 'service');
    const result = run(['--format', 'concise', 'app.py'], { cwd });
    expect(result).toEqual({ code: 1, stdout: `app.py:4:17: error [kebab-case-name] ${MSG.warnOnly}\n`, stderr: '' });
    // Without the closer file, the parent's config applies.
    fs.rmSync(path.join(cwd, 'modal-lint.toml'));
    expect(run(['--format', 'concise', 'app.py'], { cwd })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a pyproject.toml without [tool.modal-lint] does not hide the parent config', () => {
    const dir = project({
      'pyproject.toml': '[tool.modal-lint.rules]\nkebab-case-name = "error"\n',
      'service/pyproject.toml': '[project]\nname = "service"\n',
      'service/app.py': fixture('warnings_only.py'),
    });
    const result = run(['--format', 'concise', 'app.py'], { cwd: path.join(dir, 'service') });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`app.py:4:17: error [kebab-case-name] ${MSG.warnOnly}\n`);
  });

  it('rule options: extend-packages makes a module-level `import mylib` a finding', () => {
    const source = ['import modal', 'import mylib', '', 'app = modal.App("my-app", image=modal.Image.debian_slim().pip_install("mylib"))', '', '', '@app.function()', 'def f():', '    return mylib.VERSION', ''].join('\n');
    const dir = project({ 'app.py': source });
    expect(run(['--format', 'concise', 'app.py'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.modal-lint.rules]\nheavy-import-at-module-level = { extend-packages = ["mylib"] }\n');
    const result = run(['--format', 'json', 'app.py'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = json(result);
    expect(spans(report)).toEqual(['app.py:2:8-2:13 heavy-import-at-module-level error']);
    expect(report.results[0]!.message).toContain('`mylib` is imported at module level');
  });

  it('max-warnings from the config applies, and the command line overrides it', () => {
    const dir = project({ 'app.py': fixture('warnings_only.py'), 'modal-lint.toml': 'max-warnings = 0\n' });
    expect(run(['app.py'], { cwd: dir }).code).toBe(1);
    expect(run(['--max-warnings', '5', 'app.py'], { cwd: dir }).code).toBe(0);
  });

  it('--config FILE uses that file instead of searching', () => {
    const dir = project({
      'app.py': fixture('warnings_only.py'),
      'pyproject.toml': '[tool.modal-lint.rules]\nkebab-case-name = "off"\n',
      'configs/strict.toml': '[rules]\nkebab-case-name = "error"\n',
    });
    expect(run(['app.py'], { cwd: dir })).toMatchObject({ code: 0, stdout: 'All checks passed (1 file linted).\n' });
    expect(run(['--config', 'configs/strict.toml', 'app.py'], { cwd: dir }).code).toBe(1);
  });
});

describe('robustness', () => {
  it('a syntax error in one file does not stop the others from being linted', () => {
    const result = run(['--format', 'concise', BROKEN_PROJECT]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(lines(result.stdout)).toEqual([
      `${BROKEN_PROJECT}/broken.py:7:1: error [syntax-error] Syntax error: cannot parse \`@app.function(gpu="A10G"  # er…\`; findings after this point may be incomplete.`,
      `${BROKEN_PROJECT}/valid.py:3:8: error [heavy-import-at-module-level] \`transformers\` is imported at module level; \`modal deploy\` imports this file locally, where transformers may not be installed. Import it inside the function or under \`with image.imports():\`.`,
    ]);
  });

  it('a binary file named x.py does not crash the run (exit 0 when alone)', () => {
    const dir = project({ 'x.py': Buffer.from([0x69, 0x6d, 0x70, 0x6f, 0x72, 0x74, 0x20, 0x6d, 0x6f, 0x64, 0x61, 0x6c, 0x0a, 0x00, 0xff, 0x00, 0x01, 0x89, 0x50, 0x4e, 0x47]) });
    const text = run(['.'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    const result = run(['--format', 'json', 'x.py'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const report = json(result);
    expect(report.results).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(report.notices).toEqual([{ file: 'x.py', message: 'file contains NUL bytes (binary data); skipped' }]);
  });

  it('a binary file next to a Python file: the Python file is still linted', () => {
    const dir = project({ 'x.py': Buffer.from([0x00, 0x01, 0x02, 0x03]), 'app.py': fixture('warnings_only.py') });
    const result = run(['--format', 'json', '.'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(spans(json(result))).toEqual(['app.py:4:17-4:28 kebab-case-name warning']);
  });

  it('a file with invalid UTF-8 gets a notice but is still linted', () => {
    const source = Buffer.concat([
      Buffer.from('# caf'),
      Buffer.from([0xe9]), // Latin-1 é: not valid UTF-8
      Buffer.from(' au lait\nimport modal\n\napp = modal.App("Latin_One")\n'),
    ]);
    const dir = project({ 'latin.py': source });
    const result = run(['--format', 'concise', 'latin.py'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      'latin.py: warning: file is not valid UTF-8; invalid bytes were replaced with U+FFFD before linting',
      'latin.py:4:17: warning [kebab-case-name] App name "Latin_One" is not kebab-case; Modal accepts it, but the convention is `{domain}-{service}[-{variant}]` in lowercase with dashes (e.g. "latin-one").',
    ]);
    const report = json(run(['--format', 'json', 'latin.py'], { cwd: dir }));
    expect(report.notices).toEqual([{ file: 'latin.py', message: 'file is not valid UTF-8; invalid bytes were replaced with U+FFFD before linting' }]);
    expect(spans(report)).toEqual(['latin.py:4:17-4:28 kebab-case-name warning']);
  });
});
