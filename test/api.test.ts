import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createConnection, createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { addIgnoreComments, applyFixes, createLinter, rules } from '../src/api/index.js';
import { RULES } from '../src/rules/index.js';
import { defineRule } from '../src/rules/types.js';
import { startServer } from '../src/server/server.js';
import { runCli, temporaryFolders, writeTree } from './helpers/run-cli.js';

const folders = temporaryFolders('modal-lint-api-');
afterAll(() => folders.cleanup());

const APP = ['import modal', '', 'app = modal.App("api-app")', '', '', '@app.function(keep_warm=1)', 'def work():', '    pass', ''].join('\n');

describe('the Node API', () => {
  it('lints a text with the project config, and fixes it', async () => {
    const dir = folders.make();
    const linter = createLinter({ cwd: dir });
    const result = await linter.lintText(APP, 'app.py');
    expect(result.relativePath).toBe('app.py');
    expect(result.diagnostics.map((d) => d.ruleId)).toContain('removed-api');
    const once = applyFixes(APP, result.diagnostics);
    expect(once.applied).toBe(1);
    expect(once.text).toContain('min_containers=1');
    const fixed = await linter.fixText(APP, 'app.py');
    expect(fixed.text).toBe(once.text);
    expect(fixed.diagnostics.map((d) => d.ruleId)).not.toContain('removed-api');
    expect(rules.some((rule) => rule.id === 'removed-api')).toBe(true);

    fs.writeFileSync(path.join(dir, '.modal-lint.toml'), 'ignore = ["removed-api"]\n');
    expect((await createLinter({ cwd: dir }).lintText(APP, 'app.py')).diagnostics.map((d) => d.ruleId)).not.toContain('removed-api');
  });

  it('lints files and folders as the command line does', async () => {
    const dir = folders.make();
    fs.writeFileSync(path.join(dir, 'app.py'), APP);
    const report = await createLinter({ cwd: dir }).lintFiles(['.']);
    const cli = JSON.parse(runCli(['--format', 'json', '--exit-zero', '--no-cache', '.'], { cwd: dir }).stdout) as { results: Array<{ ruleId: string; line: number }> };
    expect(report.files.flatMap((file) => file.diagnostics.map((d) => [d.ruleId, d.range.start.line]))).toEqual(cli.results.map((r) => [r.ruleId, r.line]));
  });

  it('lints each path with the config nearest above it, as the command line does', async () => {
    // A kebab-case-name warning on line 3 and a removed-api error (keep_warm) on line 6; each App named for its file.
    const app = (name: string): string => ['import modal', '', `app = modal.App("Bad_Name_${name}")`, '', '', '@app.function(keep_warm=1)', 'def work():', '    pass', ''].join('\n');
    const dir = writeTree(folders.make(), {
      'pyproject.toml': '[project]\nname = "x"\n\n[tool.modal-lint]\nignore = ["kebab-case-name"]\n',
      'app.py': app('root'),
      'services/api/.modal-lint.toml': 'ignore = ["removed-api"]\n',
      'services/api/deep/app.py': app('nested'),
    });
    const linter = createLinter({ cwd: dir });
    // `config` is still the one that applies in cwd.
    expect(linter.config.path).toBe(path.join(dir, 'pyproject.toml'));
    const rulesOf = (diagnostics: Array<{ ruleId: string }>): string[] => diagnostics.map((d) => d.ruleId).sort();
    expect(rulesOf((await linter.lintText(app('root'), 'app.py')).diagnostics)).toEqual(['removed-api']);
    expect(rulesOf((await linter.lintText(app('nested'), 'services/api/deep/app.py')).diagnostics)).toEqual(['kebab-case-name']);
    // A path that does not exist yet gets the config of the folders above it.
    expect(rulesOf((await linter.lintText(app('new'), 'services/api/new/app.py')).diagnostics)).toEqual(['kebab-case-name']);
    const fixed = await linter.fixText(app('nested'), 'services/api/deep/app.py');
    expect(fixed.fixCount).toBe(0);
    expect(rulesOf(fixed.diagnostics)).toEqual(['kebab-case-name']);

    const report = await linter.lintFiles(['.']);
    const byFile = Object.fromEntries(report.files.map((file) => [file.relativePath, rulesOf(file.diagnostics)]));
    expect(byFile).toEqual({ 'app.py': ['removed-api'], 'services/api/deep/app.py': ['kebab-case-name'] });
    const cli = JSON.parse(runCli(['--format', 'json', '--exit-zero', '--no-cache', '.'], { cwd: dir }).stdout) as { results: Array<{ ruleId: string; line: number }> };
    expect(report.files.flatMap((file) => file.diagnostics.map((d) => [d.ruleId, d.range.start.line]))).toEqual(cli.results.map((r) => [r.ruleId, r.line]));

    // An explicit config applies to every file, the nested one included.
    const explicit = createLinter({ cwd: dir, configPath: 'pyproject.toml' });
    expect(rulesOf((await explicit.lintText(app('nested'), 'services/api/deep/app.py')).diagnostics)).toEqual(['removed-api']);
  });

  it('writes suppression comments that silence the findings, idempotently, keeping CRLF line endings', async () => {
    const crlf = APP.replace(/\n/g, '\r\n');
    const linter = createLinter({ cwd: folders.make() });
    const added = await linter.addIgnores(crlf, 'app.py');
    expect(added.added).toBeGreaterThan(0);
    expect(added.text.split('\r\n')[5]).toBe('@app.function(keep_warm=1)  # modal-lint: ignore[removed-api]');
    expect(added.text.replace(/\r\n/g, '')).not.toContain('\n');
    const after = await linter.lintText(added.text, 'app.py');
    expect(after.diagnostics).toEqual([]);
    expect((await linter.addIgnores(added.text, 'app.py')).text).toBe(added.text);
  });

  it('adds a rule to a suppression comment already on the line, and writes above a line that ends inside a string', async () => {
    const text = 'x = f(1)  # modal-lint: ignore[app-missing-name]\ny = g("""\n"""); z = 1\n';
    const finding = (line: number, ruleId: string) => ({ ruleId, severity: 'error' as const, message: '', range: { start: { line, column: 1 }, end: { line, column: 2 } } });
    const result = await addIgnoreComments(text, [finding(1, 'removed-api'), finding(2, 'kebab-case-name')]);
    expect(result.text).toBe('x = f(1)  # modal-lint: ignore[app-missing-name, removed-api]\n# modal-lint: ignore[kebab-case-name]\ny = g("""\n"""); z = 1\n');
  });
});

describe('--add-ignore', () => {
  it('writes a comment for every finding, then the run is clean; a second run changes nothing', () => {
    const dir = folders.make();
    fs.writeFileSync(path.join(dir, 'app.py'), APP);
    const first = runCli(['--add-ignore', '--no-cache', '.'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/added \d+ suppressions? in 1 file/);
    const written = fs.readFileSync(path.join(dir, 'app.py'), 'utf8');
    expect(written).toContain('# modal-lint: ignore[removed-api]');
    expect(runCli(['--no-cache', '.'], { cwd: dir }).code).toBe(0);
    const second = runCli(['--add-ignore', '--no-cache', '.'], { cwd: dir });
    expect(second.stderr).toMatch(/added 0 suppressions in 0 files/);
    expect(fs.readFileSync(path.join(dir, 'app.py'), 'utf8')).toBe(written);
  });

  it('prints the new text for standard input, and refuses --fix alongside', () => {
    const dir = folders.make();
    const result = runCli(['--add-ignore', '--stdin-filename', 'app.py'], { cwd: dir, input: APP });
    expect(result.stdout).toContain('@app.function(keep_warm=1)  # modal-lint: ignore[removed-api]');
    expect(runCli(['--add-ignore', '--fix', '.'], { cwd: dir }).code).toBe(2);
  });
});

describe('the language server in process', () => {
  it('turns a rule that throws into a notice and keeps reporting the other rules', async () => {
    const dir = folders.make();
    const broken = defineRule({
      ...RULES.find((rule) => rule.id === 'app-missing-name')!,
      id: 'app-missing-name',
      messages: { boom: 'never' },
      check() {
        throw new Error('this rule is broken');
      },
    });
    const rulesWithBroken = RULES.map((rule) => (rule.id === broken.id ? broken : rule));
    const toServer = new PassThrough();
    const fromServer = new PassThrough();
    const connection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(fromServer));
    startServer(connection, { cwd: dir, rules: rulesWithBroken });
    const client = createProtocolConnection(new StreamMessageReader(fromServer), new StreamMessageWriter(toServer));
    const messages: Array<{ type: number; message: string }> = [];
    const published: Array<{ uri: string; diagnostics: Array<{ code: string }> }> = [];
    client.onNotification('window/showMessage', (params: { type: number; message: string }) => void messages.push(params));
    client.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: Array<{ code: string }> }) => void published.push(params));
    client.listen();
    await client.sendRequest('initialize', { processId: null, rootUri: pathToFileURL(dir).href, capabilities: {} });
    await client.sendNotification('initialized', {});
    const uri = pathToFileURL(path.join(dir, 'app.py')).href;
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: APP } });
    for (let wait = 0; wait < 200 && published.length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(published[0]?.diagnostics.map((d) => d.code)).toContain('removed-api');
    expect(messages.some((m) => m.type === 2 && m.message.includes('internal error in rule app-missing-name: this rule is broken'))).toBe(true);
    client.dispose();
    connection.dispose();
  });
});
