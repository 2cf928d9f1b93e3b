import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonOutput } from '../src/reporters/index.js';
import { REPOSITORY_ROOT, runCli, temporaryFolders } from './helpers/run-cli.js';

/** The set-ups in docs/editors.md are checked as written there, against real CLI output. */
const EDITORS_DOC = fs.readFileSync(path.join(REPOSITORY_ROOT, 'docs', 'editors.md'), 'utf8');
const ODD_FILE = 'my app/naïve café.py';

function codeBlocks(language: string): string[] {
  return [...EDITORS_DOC.matchAll(new RegExp('^ *```' + language + '\\n([\\s\\S]*?)^ *```$', 'gm'))].map((match) => match[1]!);
}

interface ProblemPattern {
  regexp: string;
  file: number;
  line: number;
  column: number;
  severity: number;
  code: number;
  message: number;
}

function vscodePattern(): ProblemPattern {
  const tasksJson = codeBlocks('json').find((block) => block.includes('"problemMatcher"'));
  expect(tasksJson, 'docs/editors.md has a tasks.json block').toBeDefined();
  const tasks = JSON.parse(tasksJson!) as { tasks: Array<{ label: string; args: string[]; problemMatcher: { pattern: ProblemPattern } }> };
  const task = tasks.tasks.find((candidate) => candidate.label === 'modal-lint')!;
  expect(task.args).toContain('concise');
  return task.problemMatcher.pattern;
}

/** The errorformat lines of the nvim-lint definition, checked equal to efm-langserver's. */
function errorformats(): string[] {
  const lua = codeBlocks('lua').join('\n');
  const luaList = lua.match(/from_errorformat\(table\.concat\(\{([\s\S]*?)\}, ","\)/)?.[1];
  expect(luaList, 'docs/editors.md has an nvim-lint errorformat').toBeDefined();
  const fromLua = [...luaList!.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
  const yaml = codeBlocks('yaml').join('\n');
  const fromYaml = [...(yaml.match(/lint-formats:\n((?: +- .*\n)+)/)?.[1] ?? '').matchAll(/- "([^"]+)"/g)].map((match) => match[1]!);
  expect(fromYaml).toEqual(fromLua);
  return fromLua;
}

/**
 * A JavaScript equivalent of the errorformat items used here: %f (file, up to the next literal),
 * %l and %c (numbers), %t (one character: the error type), %m (the rest of the line).
 */
function errorformatToRegExp(format: string): RegExp {
  const conversions: Record<string, string> = { f: '(.+?)', l: '(\\d+)', c: '(\\d+)', t: '(.)', m: '(.*)' };
  let source = '';
  for (let i = 0; i < format.length; i++) {
    const char = format[i]!;
    if (char === '%') {
      const conversion = conversions[format[++i]!];
      if (conversion === undefined) throw new Error(`unsupported errorformat item %${format[i]} in ${format}`);
      source += conversion;
    } else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

interface Expected {
  file: string;
  line: number;
  column: number;
  severity: string;
  ruleId: string;
  message: string;
}

const folders = temporaryFolders('modal-lint-editors-');
let project: string;
let concise: string[];
let expected: Expected[];

beforeAll(() => {
  project = folders.make();
  fs.mkdirSync(path.join(project, 'my app'));
  // One finding of each severity: an error, a warning, and a warning made info by the config.
  fs.writeFileSync(path.join(project, 'modal-lint.toml'), '[rules]\napp-missing-name = "info"\n');
  fs.writeFileSync(
    path.join(project, ODD_FILE),
    ['import torch', '', 'import modal', '', 'label = "é"; app = modal.App("Bad_Name")', 'other = modal.App()', ''].join('\n'),
  );
  const run = runCli(['--format', 'concise', '--exit-zero', '.'], { cwd: project });
  expect(run).toMatchObject({ code: 0, stderr: '' });
  concise = run.stdout.trimEnd().split('\n');
  const json = JSON.parse(runCli(['--format', 'json', '--exit-zero', '.'], { cwd: project }).stdout) as JsonOutput;
  expected = json.results.map((result) => ({
    file: result.file,
    line: result.line,
    column: result.column,
    severity: result.severity,
    ruleId: result.ruleId,
    message: result.message,
  }));
}, 120_000);

afterAll(() => folders.cleanup());

describe('the editor set-ups in docs/editors.md', () => {
  it('lint a project with an error, a warning and an info finding in a path with a space', () => {
    expect(expected.map((finding) => [finding.file, finding.severity, finding.ruleId])).toEqual([
      [ODD_FILE, 'warning', 'snake-case-file-name'],
      [ODD_FILE, 'error', 'heavy-import-at-module-level'],
      [ODD_FILE, 'warning', 'kebab-case-name'],
      [ODD_FILE, 'info', 'app-missing-name'],
    ]);
    expect(concise).toHaveLength(expected.length);
  });

  it("VS Code: the problem matcher's regexp reads every concise line of the CLI", () => {
    const pattern = vscodePattern();
    const regexp = new RegExp(pattern.regexp);
    const parsed = concise.map((line) => {
      const match = regexp.exec(line);
      expect(match, line).not.toBeNull();
      return {
        file: match![pattern.file]!,
        line: Number(match![pattern.line]),
        column: Number(match![pattern.column]),
        severity: match![pattern.severity]!,
        ruleId: match![pattern.code]!,
        message: match![pattern.message]!,
      };
    });
    expect(parsed).toEqual(expected);
    // `fileLocation: relative` resolves the path against the workspace folder.
    for (const finding of parsed) expect(fs.existsSync(path.join(project, finding.file))).toBe(true);
  });

  it('VS Code: the regexp also reads the output for the current file, as the task passes it', () => {
    const pattern = vscodePattern();
    const run = runCli(['--format', 'concise', '--exit-zero', path.join(project, ODD_FILE)], { cwd: project });
    const files = run.stdout.trimEnd().split('\n').map((line) => new RegExp(pattern.regexp).exec(line)?.[pattern.file]);
    expect(files).toEqual(expected.map(() => ODD_FILE));
  }, 120_000);

  it('Neovim: the errorformat (as a JavaScript regex) reads stdin output of an unsaved buffer', () => {
    const formats = errorformats().map(errorformatToRegExp);
    const source = fs.readFileSync(path.join(project, ODD_FILE), 'utf8');
    // nvim-lint passes the buffer's absolute name.
    const run = runCli(['--format', 'concise', '--exit-zero', '--stdin-filename', path.join(project, ODD_FILE)], { cwd: project, input: source });
    expect(run.stdout.trimEnd().split('\n')).toEqual(concise);
    const types: Record<string, string> = { e: 'error', w: 'warning', i: 'info' };
    const parsed = concise.map((line) => {
      const match = formats.map((format) => format.exec(line)).find((candidate) => candidate !== null);
      expect(match, line).toBeDefined();
      const [, file, lineNumber, column, type, text] = match!;
      return { file, line: Number(lineNumber), column: Number(column), severity: types[type!], text };
    });
    expect(parsed).toEqual(
      expected.map((finding) => ({
        file: finding.file,
        line: finding.line,
        column: finding.column,
        severity: finding.severity,
        text: `[${finding.ruleId}] ${finding.message}`,
      })),
    );
  }, 120_000);

  const vim = spawnSync('vim', ['--version'], { encoding: 'utf8' });
  const vimUsable = vim.status === 0 && /\+quickfix/.test(vim.stdout) && /\+eval/.test(vim.stdout);
  if (!vimUsable) console.warn('errorformat check with Vim skipped: no vim with +quickfix and +eval on PATH');

  it.skipIf(!vimUsable)("Neovim: Vim's own errorformat parser reads the concise output", () => {
    const work = folders.make();
    const outputFile = path.join(work, 'concise.txt');
    const resultFile = path.join(work, 'quickfix.json');
    fs.writeFileSync(outputFile, `${concise.join('\n')}\n`);
    const script = [
      `let &errorformat = ${JSON.stringify(errorformats().join(','))}`,
      `cgetfile ${outputFile.replace(/ /g, '\\ ')}`,
      `call writefile([json_encode(map(getqflist(), {_, item -> extend(item, {'name': bufname(item.bufnr)})}))], ${JSON.stringify(resultFile)})`,
      'qall!',
    ];
    fs.writeFileSync(path.join(work, 'check.vim'), `${script.join('\n')}\n`);
    const result = spawnSync('vim', ['-N', '-u', 'NONE', '-i', 'NONE', '-Es', '-S', path.join(work, 'check.vim')], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const items = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as Array<{ valid: number; name: string; lnum: number; col: number; type: string; text: string }>;
    const types: Record<string, string> = { e: 'error', w: 'warning', i: 'info' };
    expect(items.map((item) => ({ valid: item.valid, file: item.name, line: item.lnum, column: item.col, severity: types[item.type], text: item.text }))).toEqual(
      expected.map((finding) => ({
        valid: 1,
        file: finding.file,
        line: finding.line,
        column: finding.column,
        severity: finding.severity,
        text: `[${finding.ruleId}] ${finding.message}`,
      })),
    );
  });
});
