import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from './helpers/lsp-client.js';
import { CLI, runCli, temporaryFolders, writeTree } from './helpers/run-cli.js';

/** The language server driven over standard input and output, as an editor drives it. */

const folders = temporaryFolders('modal-lint-server-');
let project: string;
const clients: LspClient[] = [];

const IMAGES = [
  'import modal',
  '',
  'base_image = modal.Image.debian_slim().uv_pip_install("pydantic").add_local_python_source("shared")',
  '',
].join('\n');
const SERVICE = [
  'import modal',
  '',
  'from images import base_image',
  '',
  'image = base_image.apt_install("ffmpeg")',
  'app = modal.App("service-app", image=image)',
  '',
].join('\n');
/** Never written to disk: the buffer is the only copy. */
const UNSAVED = [
  'import modal',
  '',
  'app = modal.App("unsaved-app")',
  '',
  '',
  '@app.function(keep_warm=1)',
  'def work():',
  '    pass',
  '',
].join('\n');

beforeAll(() => {
  project = folders.make();
  fs.writeFileSync(path.join(project, 'images.py'), IMAGES);
  fs.writeFileSync(path.join(project, 'service.py'), SERVICE);
});

afterEach(() => {
  for (const client of clients.splice(0)) client.kill();
});

afterAll(() => folders.cleanup());

const uriOf = (name: string): string => pathToFileURL(path.join(project, name)).href;

async function start(capabilities: object = {}, initializationOptions: object = {}): Promise<{ client: LspClient; initialize: any }> {
  const client = new LspClient(process.execPath, [CLI, 'server'], project);
  clients.push(client);
  const reply = await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(project).href, capabilities, initializationOptions });
  client.notify('initialized', {});
  return { client, initialize: reply.result };
}

async function open(client: LspClient, name: string, text: string, version = 1): Promise<any[]> {
  const since = client.mark();
  client.notify('textDocument/didOpen', { textDocument: { uri: uriOf(name), languageId: 'python', version, text } });
  return client.diagnostics(uriOf(name), { since, version });
}

async function change(client: LspClient, name: string, version: number, contentChanges: unknown[]): Promise<any[]> {
  const since = client.mark();
  client.notify('textDocument/didChange', { textDocument: { uri: uriOf(name), version }, contentChanges });
  return client.diagnostics(uriOf(name), { since, version });
}

/** Applies protocol text edits (UTF-16 positions) to a text, last first. */
function applyEdits(text: string, edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>): string {
  const lineStarts = [0];
  for (const match of text.matchAll(/\r\n|\r|\n/g)) lineStarts.push(match.index + match[0].length);
  const offset = (position: { line: number; character: number }): number => lineStarts[position.line]! + position.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const edit of sorted) text = text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
  return text;
}

describe('modal-lint server', () => {
  it('initializes with UTF-16 positions, incremental sync and its code action kinds', async () => {
    const { initialize } = await start();
    expect(initialize.serverInfo.name).toBe('modal-lint');
    expect(initialize.capabilities.positionEncoding).toBe('utf-16');
    expect(initialize.capabilities.textDocumentSync).toMatchObject({ openClose: true, change: 2 });
    expect(initialize.capabilities.codeActionProvider.codeActionKinds).toEqual(['quickfix', 'source.fixAll.modal-lint']);
  });

  it('reports an unsaved buffer as the CLI does, offers a quick fix, and the finding goes once it is applied', async () => {
    const { client } = await start();
    const diagnostics = await open(client, 'unsaved.py', UNSAVED);
    const fromCli = JSON.parse(runCli(['--stdin-filename', 'unsaved.py', '--format', 'json', '--exit-zero'], { cwd: project, input: UNSAVED }).stdout);
    const cliFindings = fromCli.results as Array<{ ruleId: string; message: string; line: number; column: number; endLine: number; endColumn: number }>;
    expect(cliFindings.length).toBeGreaterThan(0);
    expect(diagnostics.map((d) => [d.code, d.message, d.range.start.line + 1, d.range.start.character + 1, d.range.end.line + 1, d.range.end.character + 1])).toEqual(
      cliFindings.map((d) => [d.ruleId, d.message, d.line, d.column, d.endLine, d.endColumn]),
    );
    const removed = diagnostics.find((d) => d.code === 'removed-api')!;
    expect(removed).toMatchObject({ source: 'modal-lint', severity: 1, range: { start: { line: 5, character: 14 }, end: { line: 5, character: 25 } } });
    const docsPage = new URL(removed.codeDescription.href);
    expect(fs.readFileSync(docsPage, 'utf8')).toContain('removed-api');

    const reply = await client.request('textDocument/codeAction', { textDocument: { uri: uriOf('unsaved.py') }, range: { start: { line: 5, character: 16 }, end: { line: 5, character: 16 } }, context: { diagnostics: [removed] } });
    const actions = reply.result as any[];
    const fix = actions.find((action) => action.title === 'Rename `keep_warm` to `min_containers`');
    expect(fix).toMatchObject({ kind: 'quickfix', isPreferred: true });
    expect(fix.diagnostics[0].code).toBe('removed-api');
    expect(actions.some((action) => action.title === 'Ignore `removed-api` on this line')).toBe(true);

    const fixed = applyEdits(UNSAVED, fix.edit.changes[uriOf('unsaved.py')]);
    expect(fixed).toContain('@app.function(min_containers=1)');
    const after = await change(client, 'unsaved.py', 2, [{ text: fixed }]);
    expect(after.map((d) => d.code)).not.toContain('removed-api');

    const since = client.mark();
    client.notify('textDocument/didClose', { textDocument: { uri: uriOf('unsaved.py') } });
    expect(await client.diagnostics(uriOf('unsaved.py'), { since })).toEqual([]);
  });

  it('writes the suppression comment for "ignore on this line", and offers fix-all as a source action', async () => {
    const { client } = await start();
    const diagnostics = await open(client, 'unsaved.py', UNSAVED);
    const removed = diagnostics.find((d) => d.code === 'removed-api')!;
    const range = { start: { line: 5, character: 16 }, end: { line: 5, character: 16 } };
    const actions = (await client.request('textDocument/codeAction', { textDocument: { uri: uriOf('unsaved.py') }, range, context: { diagnostics: [removed] } })).result as any[];
    const ignore = actions.find((action) => action.title === 'Ignore `removed-api` on this line');
    const ignored = applyEdits(UNSAVED, ignore.edit.changes[uriOf('unsaved.py')]);
    expect(ignored.split('\n')[5]).toBe('@app.function(keep_warm=1)  # modal-lint: ignore[removed-api]');
    expect((await change(client, 'unsaved.py', 2, [{ text: ignored }])).map((d) => d.code)).not.toContain('removed-api');

    const fixAll = (await client.request('textDocument/codeAction', {
      textDocument: { uri: uriOf('unsaved.py') },
      range,
      context: { diagnostics: [], only: ['source.fixAll.modal-lint'] },
    })).result as any[];
    expect(fixAll).toEqual([]); // Nothing left to fix: the only fixable finding is suppressed.
    await change(client, 'unsaved.py', 3, [{ text: UNSAVED }]);
    const again = (await client.request('textDocument/codeAction', { textDocument: { uri: uriOf('unsaved.py') }, range, context: { diagnostics: [], only: ['source.fixAll'] } })).result as any[];
    expect(again.map((action) => action.kind)).toEqual(['source.fixAll.modal-lint']);
    expect(applyEdits(UNSAVED, again[0].edit.changes[uriOf('unsaved.py')])).toBe(UNSAVED.replace('keep_warm', 'min_containers'));
  });

  it('marks unsafe fixes and does not prefer them', async () => {
    const { client } = await start();
    const text = 'import modal\n\nf = modal.Function.lookup("other-app", "f")\n';
    const diagnostics = await open(client, 'lookup.py', text);
    const finding = diagnostics.find((d) => d.code === 'removed-api' || d.code === 'deprecated-api')!;
    expect(finding, JSON.stringify(diagnostics)).toBeDefined();
    const actions = (await client.request('textDocument/codeAction', { textDocument: { uri: uriOf('lookup.py') }, range: finding.range, context: { diagnostics: [finding] } })).result as any[];
    const unsafe = actions.find((action) => action.title.startsWith('Use the lazy'));
    expect(unsafe.title).toMatch(/\(unsafe fix: check the change\)$/);
    expect(unsafe.isPreferred).toBe(false);
  });

  it('re-analyses an open file when an open module it imports changes, unsaved buffers winning over disk', async () => {
    const { client } = await start();
    const service = await open(client, 'service.py', SERVICE);
    expect(service.map((d) => d.code)).toContain('add-local-not-last');
    await open(client, 'images.py', IMAGES);
    // Unsaved: the image no longer ends with add_local_python_source, so extending it is fine.
    const since = client.mark();
    const edited = IMAGES.replace('.add_local_python_source("shared")', '');
    client.notify('textDocument/didChange', { textDocument: { uri: uriOf('images.py'), version: 2 }, contentChanges: [{ text: edited }] });
    // Opening images.py may itself republish service.py (unchanged): wait for the analysis of the edit.
    const dependent = await client.diagnostics(uriOf('service.py'), { since, where: (list) => !list.some((d) => d.code === 'add-local-not-last') });
    expect(dependent.map((d) => d.code)).not.toContain('add-local-not-last');
    // Closing the buffer brings back the file on disk, and the finding with it.
    const closed = client.mark();
    client.notify('textDocument/didClose', { textDocument: { uri: uriOf('images.py') } });
    expect((await client.diagnostics(uriOf('service.py'), { since: closed, where: (list) => list.some((d) => d.code === 'add-local-not-last') })).map((d) => d.code)).toContain('add-local-not-last');
  });

  it('picks up a module and a config file changed on disk', async () => {
    const dir = folders.make();
    fs.writeFileSync(path.join(dir, 'images.py'), IMAGES);
    const client = new LspClient(process.execPath, [CLI, 'server'], dir);
    clients.push(client);
    await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } } });
    client.notify('initialized', {});
    await client.waitFor((message) => message.method === 'client/registerCapability', 30_000, 'file watcher registration');
    const uri = pathToFileURL(path.join(dir, 'service.py')).href;
    let since = client.mark();
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: SERVICE } });
    expect((await client.diagnostics(uri, { since })).map((d) => d.code)).toContain('add-local-not-last');

    fs.writeFileSync(path.join(dir, 'images.py'), IMAGES.replace('.add_local_python_source("shared")', ''));
    since = client.mark();
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'images.py')).href, type: 2 }] });
    expect((await client.diagnostics(uri, { since })).map((d) => d.code)).not.toContain('add-local-not-last');

    fs.writeFileSync(path.join(dir, 'images.py'), IMAGES);
    fs.writeFileSync(path.join(dir, '.modal-lint.toml'), 'ignore = ["add-local-not-last"]\n');
    since = client.mark();
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, '.modal-lint.toml')).href, type: 1 }] });
    expect((await client.diagnostics(uri, { since })).map((d) => d.code)).not.toContain('add-local-not-last');

    fs.writeFileSync(path.join(dir, '.modal-lint.toml'), 'ignore = [\n');
    since = client.mark();
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, '.modal-lint.toml')).href, type: 2 }] });
    const message = await client.waitFor((m) => m.method === 'window/showMessage', 30_000, 'config error', since);
    expect(message.params.type).toBe(1);
    expect(message.params.message).toMatch(/config error: [\s\S]*keeping the previous settings/);
  });

  it('analyses each file with the config nearest above it, and reloads a nested config that changes', async () => {
    // A kebab-case-name warning on line 3 and a removed-api error (keep_warm) on line 6; each App named for its file.
    const app = (name: string): string => ['import modal', '', `app = modal.App("Bad_Name_${name}")`, '', '', '@app.function(keep_warm=1)', 'def work():', '    pass', ''].join('\n');
    const dir = writeTree(folders.make(), {
      'pyproject.toml': '[project]\nname = "x"\n\n[tool.modal-lint]\nignore = ["kebab-case-name"]\n',
      'services/api/.modal-lint.toml': 'ignore = ["removed-api"]\n',
      'app.py': app('root'),
      'services/api/deep/app.py': app('nested'),
    });
    const client = new LspClient(process.execPath, [CLI, 'server'], dir);
    clients.push(client);
    await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } } });
    client.notify('initialized', {});
    await client.waitFor((message) => message.method === 'client/registerCapability', 30_000, 'file watcher registration');
    const rootUri = pathToFileURL(path.join(dir, 'app.py')).href;
    const nestedUri = pathToFileURL(path.join(dir, 'services/api/deep/app.py')).href;
    const codes = (list: any[]): string[] => list.map((d) => d.code).sort();
    let since = client.mark();
    client.notify('textDocument/didOpen', { textDocument: { uri: rootUri, languageId: 'python', version: 1, text: app('root') } });
    client.notify('textDocument/didOpen', { textDocument: { uri: nestedUri, languageId: 'python', version: 1, text: app('nested') } });
    // The root file follows pyproject.toml; the nested one its folder's .modal-lint.toml, which replaces it.
    expect(codes(await client.diagnostics(rootUri, { since }))).toEqual(['removed-api']);
    expect(codes(await client.diagnostics(nestedUri, { since }))).toEqual(['kebab-case-name']);
    // The command line agrees, file by file.
    const cli = runCli(['--no-cache', '-f', 'concise', '.'], { cwd: dir }).stdout;
    expect(cli).toMatch(/^app\.py:6:\d+: \w+ \[removed-api\]/m);
    expect(cli).toMatch(/^services\/api\/deep\/app\.py:3:\d+: \w+ \[kebab-case-name\]/m);
    expect(cli).not.toMatch(/^app\.py:\d+:\d+: \w+ \[kebab-case-name\]/m);

    // The nested config changes: the file it governs gets the new settings.
    const nestedConfig = path.join(dir, 'services/api/.modal-lint.toml');
    fs.writeFileSync(nestedConfig, 'ignore = ["removed-api", "kebab-case-name"]\n');
    since = client.mark();
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(nestedConfig).href, type: 2 }] });
    expect(await client.diagnostics(nestedUri, { since })).toEqual([]);
    // A broken nested config is reported for the file it governs, which keeps its settings.
    fs.writeFileSync(nestedConfig, 'ignore = [\n');
    since = client.mark();
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(nestedConfig).href, type: 2 }] });
    const message = await client.waitFor((m) => m.method === 'window/showMessage', 30_000, 'config error', since);
    expect(message.params.type).toBe(1);
    expect(message.params.message).toMatch(/config error: services\/api\/\.modal-lint\.toml:[\s\S]*keeping the previous settings for services\/api\/deep\/app\.py$/);
    // Neither file's settings moved: no new diagnostics were published for either.
    since = client.mark();
    client.notify('textDocument/didChange', { textDocument: { uri: rootUri, version: 2 }, contentChanges: [{ text: `${app('root')}\n` }] });
    expect(codes(await client.diagnostics(rootUri, { since, version: 2 }))).toEqual(['removed-api']);
    client.notify('textDocument/didChange', { textDocument: { uri: nestedUri, version: 2 }, contentChanges: [{ text: `${app('nested')}\n` }] });
    expect(await client.diagnostics(nestedUri, { since, version: 2 })).toEqual([]);
  });

  it('uses an explicit configPath for every file, nested configs notwithstanding', async () => {
    const app = (name: string): string => ['import modal', '', `app = modal.App("Bad_Name_${name}")`, '', '', '@app.function(keep_warm=1)', 'def work():', '    pass', ''].join('\n');
    const dir = writeTree(folders.make(), {
      'team.toml': 'ignore = ["kebab-case-name"]\n',
      'services/api/.modal-lint.toml': 'ignore = ["removed-api"]\n',
    });
    const client = new LspClient(process.execPath, [CLI, 'server'], dir);
    clients.push(client);
    await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, initializationOptions: { configPath: path.join(dir, 'team.toml') } });
    client.notify('initialized', {});
    const nestedUri = pathToFileURL(path.join(dir, 'services/api/app.py')).href;
    const since = client.mark();
    client.notify('textDocument/didOpen', { textDocument: { uri: nestedUri, languageId: 'python', version: 1, text: app('nested') } });
    expect((await client.diagnostics(nestedUri, { since })).map((d) => d.code)).toEqual(['removed-api']);
  });

  it('counts positions in UTF-8 when the client offers it, for diagnostics and for incremental edits', async () => {
    const { client, initialize } = await start({ general: { positionEncodings: ['utf-8', 'utf-16'] } });
    expect(initialize.capabilities.positionEncoding).toBe('utf-8');
    const text = 'import modal\n\nlabel = "é😀"; app = modal.App("Bad_Name")\n';
    const diagnostics = await open(client, 'utf8.py', text);
    const kebab = diagnostics.find((d) => d.code === 'kebab-case-name')!;
    const column16 = text.split('\n')[2]!.indexOf('"Bad_Name"');
    // "é" is 2 bytes and 1 unit, "😀" is 4 bytes and 2 units: 3 more bytes than UTF-16 units.
    expect(kebab.range.start).toEqual({ line: 2, character: column16 + 3 });
    // An edit after the emoji, in UTF-8 bytes: rename the App to a kebab-case name.
    const nameStart = { line: 2, character: column16 + 3 + 1 };
    const after = await change(client, 'utf8.py', 2, [{ range: { start: nameStart, end: { line: 2, character: nameStart.character + 8 } }, text: 'good-name' }]);
    expect(after.map((d) => d.code)).not.toContain('kebab-case-name');
  });

  it('survives malformed input and bad requests, and exits 0 after shutdown and exit', async () => {
    const { client } = await start();
    client.writeRaw('Content-Length: 9\r\n\r\n{"broken"');
    const unknown = await client.request('modal-lint/noSuchMethod', {});
    expect(unknown.error?.code).toBe(-32601);
    const bad = await client.request('textDocument/codeAction', { textDocument: {} });
    expect(bad.error ?? bad.result).toBeDefined();
    expect((await open(client, 'unsaved.py', UNSAVED)).length).toBeGreaterThan(0);
    const shutdown = await client.request('shutdown', null);
    expect(shutdown.error).toBeUndefined();
    client.notify('exit', null);
    expect(await client.exited).toEqual({ code: 0, signal: null });
  });

  it('ends when its client goes away (standard input closed)', async () => {
    const { client } = await start();
    client.process.stdin.end();
    expect((await client.exited).code).not.toBeNull();
  });

  it('ends when the process that started it is gone', async () => {
    const client = new LspClient(process.execPath, [CLI, 'server'], project);
    clients.push(client);
    // A process id that is not running (the library checks the parent every few seconds).
    const gone = spawnedAndExitedPid();
    await client.request('initialize', { processId: gone, rootUri: pathToFileURL(project).href, capabilities: {} });
    expect((await client.exited).code).not.toBeNull();
  }, 20_000);

  it('runs from the bundle the package ships as its command', async () => {
    const bundled = path.join(path.dirname(CLI), '..', 'bundle', 'main.js');
    const client = new LspClient(process.execPath, [bundled, 'server'], project);
    clients.push(client);
    await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(project).href, capabilities: {} });
    client.notify('initialized', {});
    expect((await open(client, 'unsaved.py', UNSAVED)).map((d) => d.code)).toContain('removed-api');
    await client.request('shutdown', null);
    client.notify('exit', null);
    expect((await client.exited).code).toBe(0);
  });
});

function spawnedAndExitedPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}
