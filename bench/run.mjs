#!/usr/bin/env node
// Benchmark: what users run, each against its floor or baseline, measured in one run with the
// commands alternating, so that load on the machine affects both sides of a ratio alike.
//
// Usage: npm run bench [-- --reps N] [--modal-tree DIR] [--cli CHECKOUT] [--with-tests]
//   --modal-tree DIR  a folder of Modal apps to measure (for example a clone of modal-examples);
//                     copied to the system temp folder first. Default: copies of this
//                     repository's examples and fixtures.
//   --cli CHECKOUT    measure another built checkout of modal-lint (its dist/bundle/main.js),
//                     e.g. to record a "before" table; the floors stay this checkout's.
//   --with-tests      also time `npm ci && npm test` on a fresh clone of this repository's HEAD
//                     (minutes; it needs the network for npm ci).
//
// Rows (targets in brackets):
//   one file via --stdin-filename / the floor: bench/parse-only.mjs on the same file  [<= 1.25x]
//   Modal tree cold / the floor for the same files                                  [<= 1.5x]
//   Modal tree warm (cache on, nothing changed) / the same floor                    [<= 0.5x]
//   monorepo (Python stdlib + Modal apps) cold / ast-grep with three rules          [<= 0.5x]
//   language server: one keystroke, didChange -> publishDiagnostics                 [<= 25 ms, <= 0.1x a CLI run]
//   peak memory on the monorepo                                                     [<= 250 MB]
//   npm test on a fresh clone (--with-tests)                                        [<= 150 s, <= 1 GB]
// then each rule's share of a run on the Modal tree (`--timing`).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureServer } from './server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AST_GREP = path.join(ROOT, 'node_modules/.bin/ast-grep');
const SG_CONFIG = path.join(ROOT, 'bench/ast-grep/sgconfig.yml');
/** Three of the ast-grep rules: the comparison the targets were set against. */
const SG_RULES = '^(app-missing-name|kebab-case-name|min-containers-with-gpu)$';
const FLOOR = path.join(ROOT, 'bench/parse-only.mjs');

const args = process.argv.slice(2);
function option(name) {
  const index = args.indexOf(name);
  return index >= 0 ? args.splice(index, 2)[1] : undefined;
}
const REPS = Number(option('--reps') ?? 5);
const modalTreeArg = option('--modal-tree');
const cliCheckout = option('--cli');
const withTests = args.includes('--with-tests');
const CLI = path.join(cliCheckout ? path.resolve(cliCheckout) : ROOT, 'dist/bundle/main.js');
if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);

// ---- trees --------------------------------------------------------------------------------

function pythonFiles(dir) {
  const out = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop();
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', '.git', '.modal-lint-cache', '__pycache__'].includes(entry.name)) stack.push(full);
      } else if (entry.isFile() && entry.name.endsWith('.py')) out.push(full);
    }
  }
  return out;
}

function copyTree(from, to) {
  fs.cpSync(from, to, { recursive: true, filter: (source) => !/[\\/](__pycache__|\.git|\.modal-lint-cache)$/.test(source) });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

/** The project's example apps and fixtures: the Modal part of the monorepo. */
function modalSeed(into) {
  copyTree(path.join(ROOT, 'examples'), path.join(into, 'examples'));
  copyTree(path.join(ROOT, 'fixtures'), path.join(into, 'fixtures'));
}

function buildModalTree() {
  const dir = path.join(work, 'modal-tree');
  if (modalTreeArg) copyTree(path.resolve(modalTreeArg), dir);
  else {
    let copies = 0;
    do modalSeed(path.join(dir, `copy${copies++}`));
    while (pythonFiles(dir).length < 180);
  }
  return dir;
}

function buildMonorepo() {
  const stdlib = execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();
  const dir = path.join(work, 'monorepo');
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(stdlib, path.join(dir, 'stdlib'), {
    recursive: true,
    filter: (source) => !/[\\/](site-packages|__pycache__|test|tests|idlelib|turtledemo)([\\/]|$)/.test(source.slice(stdlib.length)),
  });
  modalSeed(path.join(dir, 'modal'));
  return dir;
}

/** A ~1,000-line Modal file made of the example apps, as an editor would send it. */
function buildOneFile() {
  const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((name) => name.endsWith('.py')).sort();
  const parts = [];
  let lines = 0;
  for (let copy = 0; lines < 1000; copy++) {
    for (const name of examples) {
      if (lines >= 1000) break;
      const text = fs.readFileSync(path.join(ROOT, 'examples', name), 'utf8');
      parts.push(`# ---- ${name}, copy ${copy}\n${text}`);
      lines += text.split('\n').length + 1;
    }
  }
  const file = path.join(work, 'one_file.py');
  fs.writeFileSync(file, parts.join('\n'));
  return file;
}

const modalTree = buildModalTree();
const monorepo = buildMonorepo();
const oneFile = buildOneFile();
const oneFileText = fs.readFileSync(oneFile);

// ---- measuring -----------------------------------------------------------------------------

function timeCommand(command, commandArgs, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { stdio: ['pipe', 'ignore', 'pipe'], ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return seconds;
}

function peakMemoryMb(command, commandArgs, options = {}) {
  if (!fs.existsSync('/usr/bin/time')) return NaN;
  const result = spawnSync('/usr/bin/time', ['-v', command, ...commandArgs], { stdio: ['pipe', 'ignore', 'pipe'], encoding: 'utf8', ...options });
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr ?? '');
  return match ? Number(match[1]) / 1024 : NaN;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const lintArgs = (...extra) => [CLI, '--format', 'concise', '--exit-zero', ...extra];
/** Each command runs once per repetition, in turn, so that both sides of a ratio share the load. */
function alternate(commands) {
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let rep = 0; rep < REPS; rep++) for (const [name, run] of Object.entries(commands)) samples[name].push(run());
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, { median: median(values), min: Math.min(...values), max: Math.max(...values) }]));
}

console.log(
  `modal-lint benchmark: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${REPS} repetitions; ` +
    `CLI ${path.relative(process.cwd(), CLI) || CLI}; Modal tree ${modalTreeArg ?? 'examples + fixtures'} (${pythonFiles(modalTree).length} files); ` +
    `monorepo ${pythonFiles(monorepo).length} files; one file ${oneFileText.toString().split('\n').length} lines`,
);

const oneFileRun = alternate({
  'node -e 0': () => timeCommand(process.execPath, ['-e', '0']),
  'modal-lint --stdin-filename': () => timeCommand(process.execPath, lintArgs('--stdin-filename', oneFile), { cwd: work, input: oneFileText }),
  floor: () => timeCommand(process.execPath, [FLOOR, oneFile]),
});
// Fill the cache once so that the warm runs measure a warm cache.
timeCommand(process.execPath, lintArgs('.'), { cwd: modalTree });
const modalRun = alternate({
  cold: () => timeCommand(process.execPath, lintArgs('--no-cache', '.'), { cwd: modalTree }),
  warm: () => timeCommand(process.execPath, lintArgs('.'), { cwd: modalTree }),
  floor: () => timeCommand(process.execPath, [FLOOR, modalTree]),
});
const monorepoRun = alternate({
  cold: () => timeCommand(process.execPath, lintArgs('--no-cache', '.'), { cwd: monorepo }),
  'ast-grep': () => timeCommand(AST_GREP, ['scan', '-c', SG_CONFIG, '--filter', SG_RULES, monorepo]),
});
const peakMb = peakMemoryMb(process.execPath, lintArgs('--no-cache', '.'), { cwd: monorepo });
const server = await measureServer({ cli: CLI, edits: Math.max(REPS * 3, 10), log: () => {} });

let tests;
if (withTests) {
  const clone = path.join(work, 'clone');
  execFileSync('git', ['clone', '--quiet', ROOT, clone]);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: clone, stdio: 'ignore' });
  const start = process.hrtime.bigint();
  const mb = peakMemoryMb('npm', ['test'], { cwd: clone });
  tests = { seconds: Number(process.hrtime.bigint() - start) / 1e9, mb };
}

// ---- report --------------------------------------------------------------------------------

const s = (sample) => `${sample.median.toFixed(3)} s`;
const rows = [
  ['one 1,000-line file via `--stdin-filename` / floor (that file parsed, every node visited)', `${s(oneFileRun['modal-lint --stdin-filename'])} / ${s(oneFileRun.floor)}`, oneFileRun['modal-lint --stdin-filename'].median / oneFileRun.floor.median, 1.25, 'x'],
  ['Modal tree cold / floor (same files)', `${s(modalRun.cold)} / ${s(modalRun.floor)}`, modalRun.cold.median / modalRun.floor.median, 1.5, 'x'],
  ['Modal tree warm (cache on, nothing changed) / floor', `${s(modalRun.warm)} / ${s(modalRun.floor)}`, modalRun.warm.median / modalRun.floor.median, 0.5, 'x'],
  ['monorepo cold / ast-grep (three rules)', `${s(monorepoRun.cold)} / ${s(monorepoRun['ast-grep'])}`, monorepoRun.cold.median / monorepoRun['ast-grep'].median, 0.5, 'x'],
  [`server: one keystroke in a comment of a ${server.lineCount}-line file, didChange -> publishDiagnostics`, `${server.serverMs.toFixed(1)} ms`, server.serverMs, 25, ' ms'],
  [`server: a keystroke in code (the file analysed again), didChange -> publishDiagnostics`, `${server.codeMs.toFixed(1)} ms`, server.codeMs, 25, ' ms'],
  ['server keystroke (comment) / a CLI run of the same text', `${server.serverMs.toFixed(1)} ms / ${server.cliMs.toFixed(1)} ms`, server.serverMs / server.cliMs, 0.1, 'x'],
  ['peak memory, monorepo cold', `${peakMb.toFixed(0)} MB`, peakMb, 250, ' MB'],
  ...(tests
    ? [
        ['`npm test` on a fresh clone: time', `${tests.seconds.toFixed(0)} s`, tests.seconds, 150, ' s'],
        ['`npm test` on a fresh clone: peak memory', `${tests.mb.toFixed(0)} MB`, tests.mb, 1024, ' MB'],
      ]
    : []),
];
console.log('\n| what users run | measured | value | target | |');
console.log('|---|---|---|---|---|');
for (const [name, measured, value, target, unit] of rows) {
  const digits = unit === 'x' ? 2 : 1;
  console.log(`| ${name} | ${measured} | ${value.toFixed(digits)}${unit} | <= ${target}${unit} | ${value <= target ? 'met' : 'MISSED'} |`);
}
console.log(`\nnode -e 0: ${s(oneFileRun['node -e 0'])}; one-file floor / node -e 0: ${(oneFileRun.floor.median / oneFileRun['node -e 0'].median).toFixed(2)}x; server first analysis after didOpen: ${server.openMs.toFixed(0)} ms`);
console.log(`spread (min-max): one file ${oneFileRun['modal-lint --stdin-filename'].min.toFixed(3)}-${oneFileRun['modal-lint --stdin-filename'].max.toFixed(3)} s, Modal cold ${modalRun.cold.min.toFixed(3)}-${modalRun.cold.max.toFixed(3)} s, monorepo cold ${monorepoRun.cold.min.toFixed(3)}-${monorepoRun.cold.max.toFixed(3)} s`);

// Each rule's share of a run on the Modal tree, from the CLI's own timing (one thread).
const timing = spawnSync(process.execPath, lintArgs('--no-cache', '--timing', '.'), { cwd: modalTree, encoding: 'utf8', env: { ...process.env, MODAL_LINT_THREADS: '1' } });
if (timing.status === 0 && timing.stderr.includes('|')) console.log(`\nPer-rule timing on the Modal tree (--timing, one thread):\n${timing.stderr.trimEnd()}`);
else console.log('\nPer-rule timing: this CLI has no --timing flag.');
