#!/usr/bin/env node
// Benchmark: the language server's edit-to-diagnostics time against the CLI on the same text.
// Usage: npm run bench:server [-- --edits N] [--cli CHECKOUT]
// `npm run bench` runs the same measurement through measureServer().
// A ~1,500-line Modal file is built from the example apps under the system temp folder. The
// server gets N edits (didChange, each waiting for its publishDiagnostics); the CLI lints the
// same text N times through --stdin-filename; the two alternate, so load affects both alike.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_LINES = 1500;

/** Edits the middle of a ~1,500-line file `edits` times; returns the medians in milliseconds. */
export async function measureServer({ cli = path.join(ROOT, 'dist/bundle/main.js'), edits: EDITS = 15, log = console.log } = {}) {
const CLI = cli;
if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);

// ---- the file --------------------------------------------------------------------------------

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-bench-server-'));
try {
const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((name) => name.endsWith('.py')).sort();
const parts = [];
let lines = 0;
for (let copy = 0; lines < TARGET_LINES; copy++) {
  for (const name of examples) {
    if (lines >= TARGET_LINES) break;
    const text = fs.readFileSync(path.join(ROOT, 'examples', name), 'utf8');
    parts.push(`# ---- ${name}, copy ${copy}\n${text}`);
    lines += text.split('\n').length;
  }
}
const source = parts.join('\n');
const file = path.join(work, 'big_app.py');
fs.writeFileSync(file, source);
const uri = pathToFileURL(file).href;
const lineCount = source.split('\n').length;

// ---- a client ------------------------------------------------------------------------------------

function startServer() {
  const child = spawn(process.execPath, [CLI, 'server'], { cwd: work, stdio: ['pipe', 'pipe', 'inherit'] });
  let buffer = Buffer.alloc(0);
  const waiters = [];
  child.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())[1]);
      if (buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
      buffer = buffer.subarray(headerEnd + 4 + length);
      if (message.method && message.id !== undefined) send({ jsonrpc: '2.0', id: message.id, result: null });
      for (const waiter of waiters.splice(0)) if (!waiter(message)) waiters.push(waiter);
    }
  });
  const send = (message) => {
    const body = Buffer.from(JSON.stringify(message));
    child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  };
  const waitFor = (test) => new Promise((resolve) => waiters.push((message) => (test(message) ? (resolve(message), true) : false)));
  return { child, send, waitFor };
}

const diagnosticsOf = (server, version) => server.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && m.params.version === version);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// ---- run -----------------------------------------------------------------------------------------

const server = startServer();
const initialized = server.waitFor((m) => m.id === 1);
server.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: pathToFileURL(work).href, capabilities: {} } });
await initialized;
server.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
const opened = diagnosticsOf(server, 1);
let started = performance.now();
server.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'python', version: 1, text: source } } });
const first = await opened;
const openMs = performance.now() - started;

const serverMs = [];
const cliMs = [];
// A keystroke in the middle of the file: one character typed at the end of a comment line (the
// server carries the findings over without analysing the file again).
const textLines = source.split('\n');
const commentLines = textLines.map((line, index) => (line.startsWith('# ---- ') ? index : -1)).filter((index) => index >= 0);
const editLine = commentLines[commentLines.length >> 1];
let text = source;
for (let edit = 0; edit < EDITS; edit++) {
  const version = edit + 2;
  const character = textLines[editLine].length;
  textLines[editLine] += 'x';
  text = textLines.join('\n');
  const published = diagnosticsOf(server, version);
  started = performance.now();
  server.send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges: [{ range: { start: { line: editLine, character }, end: { line: editLine, character } }, text: 'x' }] } });
  const diagnostics = (await published).params.diagnostics;
  serverMs.push(performance.now() - started);
  if (diagnostics.length !== first.params.diagnostics.length) throw new Error('a comment edit changed the findings');

  started = performance.now();
  const cli = spawnSync(process.execPath, [CLI, '--stdin-filename', file, '--format', 'json', '--exit-zero'], { cwd: work, input: text, encoding: 'utf8' });
  cliMs.push(performance.now() - started);
  if (cli.status !== 0) throw new Error(`CLI failed: ${cli.stderr}`);
  if (edit === 0) {
    const cliFindings = JSON.parse(cli.stdout).results.length;
    log(`findings: server ${first.params.diagnostics.length}, CLI ${cliFindings}`);
    if (cliFindings !== diagnostics.length) throw new Error('the server and the CLI disagree on the findings');
  }
}
// A keystroke in code: a space typed at the end of a decorator line. The findings stay the same,
// but the file is analysed again (only an edit inside a comment can skip that).
const codeMs = [];
const decoratorLine = textLines.findIndex((line, index) => index > editLine && line.startsWith('@app.function'));
for (let edit = 0; edit < EDITS && decoratorLine >= 0; edit++) {
  const version = EDITS + edit + 2;
  const character = textLines[decoratorLine].length;
  textLines[decoratorLine] += ' ';
  const published = diagnosticsOf(server, version);
  started = performance.now();
  server.send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges: [{ range: { start: { line: decoratorLine, character }, end: { line: decoratorLine, character } }, text: ' ' }] } });
  const diagnostics = (await published).params.diagnostics;
  codeMs.push(performance.now() - started);
  if (diagnostics.length !== first.params.diagnostics.length) throw new Error('a trailing space changed the findings');
}
const shutdown = server.waitFor((m) => m.id === 2);
server.send({ jsonrpc: '2.0', id: 2, method: 'shutdown' });
await shutdown;
server.send({ jsonrpc: '2.0', method: 'exit' });
await new Promise((resolve) => (server.child.exitCode === null ? server.child.once('exit', resolve) : resolve()));

return { lineCount, edits: EDITS, openMs, codeMs: codeMs.length > 0 ? median(codeMs) : NaN, serverMs: median(serverMs), serverMinMs: Math.min(...serverMs), serverMaxMs: Math.max(...serverMs), cliMs: median(cliMs), cliMinMs: Math.min(...cliMs), cliMaxMs: Math.max(...cliMs) };
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const editsIndex = args.indexOf('--edits');
  const cliIndex = args.indexOf('--cli');
  const result = await measureServer({
    edits: editsIndex >= 0 ? Number(args[editsIndex + 1]) : 15,
    ...(cliIndex >= 0 ? { cli: path.join(path.resolve(args[cliIndex + 1]), 'dist/bundle/main.js') } : {}),
  });
  const ratio = result.serverMs / result.cliMs;
  console.log(`modal-lint server benchmark: ${os.cpus().length} cores, node ${process.version}, ${result.lineCount}-line file, ${result.edits} edits`);
  console.log(`first analysis after didOpen: ${result.openMs.toFixed(1)} ms`);
  console.log('\n| measure | median | min | max |');
  console.log('|---|---|---|---|');
  console.log(`| server: didChange -> publishDiagnostics | ${result.serverMs.toFixed(1)} ms | ${result.serverMinMs.toFixed(1)} ms | ${result.serverMaxMs.toFixed(1)} ms |`);
  console.log(`| server: a keystroke in code, didChange -> publishDiagnostics | ${result.codeMs.toFixed(1)} ms | | |`);
  console.log(`| CLI: --stdin-filename, same text | ${result.cliMs.toFixed(1)} ms | ${result.cliMinMs.toFixed(1)} ms | ${result.cliMaxMs.toFixed(1)} ms |`);
  console.log(`\nserver / CLI: ${ratio.toFixed(3)} (target <= 0.1: ${ratio <= 0.1 ? 'met' : 'MISSED'}); server <= 25 ms: ${result.serverMs <= 25 ? 'met' : 'MISSED'}`);
}
