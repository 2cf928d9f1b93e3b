#!/usr/bin/env node
// Benchmark: modal-lint against its baselines, measured in one run, alternating commands.
// Usage: npm run bench [-- --reps N] [--baseline CHECKOUT] [extra-dir ...]
// --baseline names another built checkout of modal-lint (its dist/bundle/main.js): its cold runs are
// measured in the same run, alternating with this one, and printed as a ratio.
// Trees are built at run time under the system temp folder; nothing is written to the repository.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/bundle/main.js');
const AST_GREP = path.join(ROOT, 'node_modules/.bin/ast-grep');
const SG_CONFIG = path.join(ROOT, 'bench/ast-grep/sgconfig.yml');
const PARSE_ONLY = path.join(ROOT, 'bench/parse-only.mjs');

const args = process.argv.slice(2);
const repsIndex = args.indexOf('--reps');
const REPS = repsIndex >= 0 ? Number(args.splice(repsIndex, 2)[1]) : 5;
const baselineIndex = args.indexOf('--baseline');
const BASELINE_CLI = baselineIndex >= 0 ? path.join(path.resolve(args.splice(baselineIndex, 2)[1]), 'dist/bundle/main.js') : null;
if (BASELINE_CLI && !fs.existsSync(BASELINE_CLI)) throw new Error(`${BASELINE_CLI} is missing: build the baseline checkout first`);
const extraDirs = args.map((dir) => path.resolve(dir));

if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first');

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
  fs.cpSync(from, to, { recursive: true, filter: (source) => !source.includes(`${path.sep}__pycache__`) });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

/** The project's example apps and fixtures: the Modal part of every tree. */
function modalSeed(into) {
  copyTree(path.join(ROOT, 'examples'), path.join(into, 'examples'));
  copyTree(path.join(ROOT, 'fixtures'), path.join(into, 'fixtures'));
}

function buildModalTree(name, minimumFiles) {
  const dir = path.join(work, name);
  let copies = 0;
  do modalSeed(path.join(dir, `copy${copies++}`));
  while (pythonFiles(dir).length < minimumFiles);
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

const modalOnly = buildModalTree('modal-only', 300);
const modalFileCount = pythonFiles(modalOnly).length;
const monorepo = buildMonorepo();
const trees = [
  { name: 'monorepo', dir: monorepo },
  { name: 'modal-only', dir: modalOnly },
  ...extraDirs.map((dir) => ({ name: path.basename(dir), dir })),
];
const scaled = [1, 4, 16].map((factor) => {
  const dir = path.join(work, `scale-${factor}`);
  for (let i = 0; i < factor; i++) copyTree(modalOnly, path.join(dir, `x${i}`));
  return { factor, dir };
});

// ---- measuring -----------------------------------------------------------------------------

function timeCommand(command, commandArgs, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { stdio: ['pipe', 'ignore', 'pipe'], ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error) throw result.error;
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

const stdinSource = fs.readFileSync(path.join(ROOT, 'examples/finetune_job.py'));

function commandsFor(tree) {
  return {
    'modal-lint cold': () => timeCommand(process.execPath, [CLI, '--no-cache', '--format', 'concise', '--exit-zero', '.'], { cwd: tree.dir }),
    'modal-lint warm': () => timeCommand(process.execPath, [CLI, '--format', 'concise', '--exit-zero', '.'], { cwd: tree.dir }),
    'parse-only (1 thread)': () => timeCommand(process.execPath, [PARSE_ONLY, tree.dir]),
    'ast-grep scan': () => timeCommand(AST_GREP, ['scan', '-c', SG_CONFIG, tree.dir]),
    ...(BASELINE_CLI ? { 'baseline cold': () => timeCommand(process.execPath, [BASELINE_CLI, '--no-cache', '--format', 'concise', '--exit-zero', '.'], { cwd: tree.dir }) } : {}),
  };
}

const rows = [];
function record(tree, name, samples, extra = {}) {
  const row = { tree, name, median: median(samples), min: Math.min(...samples), max: Math.max(...samples), ...extra };
  rows.push(row);
  return row;
}

console.log(`modal-lint benchmark: ${os.cpus().length} cores, node ${process.version}, ${REPS} repetitions, ${modalFileCount} files in the Modal-only tree`);
for (const tree of trees) {
  // Fill the cache once so that the warm runs measure a warm cache.
  timeCommand(process.execPath, [CLI, '--format', 'concise', '--exit-zero', '.'], { cwd: tree.dir });
  const commands = commandsFor(tree);
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let rep = 0; rep < REPS; rep++) for (const [name, run] of Object.entries(commands)) samples[name].push(run());
  for (const [name, values] of Object.entries(samples)) record(tree.name, name, values);
  const mem = peakMemoryMb(process.execPath, [CLI, '--no-cache', '--format', 'concise', '--exit-zero', '.'], { cwd: tree.dir });
  rows.find((row) => row.tree === tree.name && row.name === 'modal-lint cold').peakMb = mem;
}
{
  const startup = [];
  const single = [];
  for (let rep = 0; rep < REPS * 2; rep++) {
    startup.push(timeCommand(process.execPath, ['-e', '0']));
    single.push(timeCommand(process.execPath, [CLI, '--stdin-filename', 'app.py', '--format', 'concise', '--exit-zero'], { cwd: ROOT, input: stdinSource }));
  }
  record('-', 'node -e 0', startup);
  record('-', 'single file via stdin', single);
}
const scaling = scaled.map(({ factor, dir }) => {
  const samples = [];
  for (let rep = 0; rep < REPS; rep++) samples.push(timeCommand(process.execPath, [CLI, '--no-cache', '--format', 'concise', '--exit-zero', '.'], { cwd: dir }));
  return { factor, files: pythonFiles(dir).length, median: median(samples) };
});

// ---- report --------------------------------------------------------------------------------

const fmt = (seconds) => `${seconds.toFixed(3)} s`;
console.log('\n| tree | command | median | min | max | peak memory |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(`| ${row.tree} | ${row.name} | ${fmt(row.median)} | ${fmt(row.min)} | ${fmt(row.max)} | ${row.peakMb ? `${row.peakMb.toFixed(0)} MB` : ''} |`);
}
const get = (tree, name) => rows.find((row) => row.tree === tree && row.name === name);
const ratio = (a, b) => a.median / b.median;
const targets = [
  ['monorepo cold / ast-grep', ratio(get('monorepo', 'modal-lint cold'), get('monorepo', 'ast-grep scan')), 0.5],
  ['modal-only cold / ast-grep', ratio(get('modal-only', 'modal-lint cold'), get('modal-only', 'ast-grep scan')), 2.0],
  ['modal-only cold / parse-only', ratio(get('modal-only', 'modal-lint cold'), get('modal-only', 'parse-only (1 thread)')), 1.0],
  ['monorepo warm / ast-grep', ratio(get('monorepo', 'modal-lint warm'), get('monorepo', 'ast-grep scan')), 0.3],
  ['modal-only warm / ast-grep', ratio(get('modal-only', 'modal-lint warm'), get('modal-only', 'ast-grep scan')), 0.3],
  ['single file / node -e 0', ratio(get('-', 'single file via stdin'), get('-', 'node -e 0')), 2.5],
];
if (BASELINE_CLI) {
  console.log(`\nAgainst the baseline ${path.dirname(path.dirname(path.dirname(BASELINE_CLI)))}:`);
  for (const tree of trees) console.log(`- ${tree.name} cold / baseline cold: ${ratio(get(tree.name, 'modal-lint cold'), get(tree.name, 'baseline cold')).toFixed(2)}x`);
}
console.log('\n| ratio | measured | target | |');
console.log('|---|---|---|---|');
for (const [name, value, target] of targets) console.log(`| ${name} | ${value.toFixed(2)}x | <= ${target}x | ${value <= target ? 'met' : 'MISSED'} |`);
const peak = get('monorepo', 'modal-lint cold').peakMb;
console.log(`| monorepo peak memory | ${peak.toFixed(0)} MB | <= 250 MB | ${peak <= 250 ? 'met' : 'MISSED'} |`);
console.log('\nScaling (modal-lint cold, copies of the Modal-only tree):');
for (const { factor, files, median: seconds } of scaling) {
  console.log(`  ${String(factor).padStart(2)}x  ${String(files).padStart(5)} files  ${fmt(seconds)}  ${((seconds / files) * 1000).toFixed(2)} ms/file`);
}
