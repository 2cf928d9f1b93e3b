import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { createRequire } from 'node:module';
import { CLI, cleanEnv, REPOSITORY_ROOT } from './run-cli.js';

/** A file with one known finding: `torch` imported at module level of a Modal file (line 2, column 8). */
export const HEAVY = 'import modal\nimport torch\napp = modal.App("heavy")\n';
export const HEAVY_RULE = 'heavy-import-at-module-level';

export interface JsonResult {
  file: string;
  ruleId: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface JsonReport {
  results: JsonResult[];
  failures: Array<{ file: string; message: string }>;
  notices: Array<{ file: string; message: string }>;
  summary: { files: number; errors: number; warnings: number; infos: number };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Temporary folders (real paths, so reports name them as the CLI sees them), removed by `cleanup`. */
export function treeMaker(prefix: string): { make: (files?: Record<string, string | Buffer>) => string; cleanup: () => void } {
  const made: string[] = [];
  return {
    make: (files = {}) => {
      const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
      made.push(dir);
      writeTree(dir, files);
      return dir;
    },
    cleanup: () => {
      for (const dir of made.splice(0)) {
        // chmod 000 files and folders would stop rm as a non-root user.
        spawnSync('chmod', ['-R', 'u+rwx', dir]);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export function writeTree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

export interface CliOptions {
  cwd: string;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  timeout?: number;
  /** Runs the CLI through this command prefix (e.g. `setpriv --reuid=65534 ...`). */
  prefix?: string[];
  /** The CLI script to run instead of the built `dist/cli/main.js`. */
  cli?: string;
}

/**
 * Runs the built CLI and fails the test on a crash: a signal, an internal error or a stack trace
 * on standard error is never an acceptable outcome for any input.
 */
export function runCli(args: string[], options: CliOptions): CliRun {
  const started = Date.now();
  const [command, ...commandArgs] = [...(options.prefix ?? []), process.execPath, options.cli ?? CLI, ...args];
  const result = spawnSync(command!, commandArgs, {
    cwd: options.cwd,
    input: options.input ?? '',
    env: options.env ?? cleanEnv(),
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: options.timeout ?? 120_000,
  });
  if (result.error) throw result.error;
  if (result.status === null) throw new Error(`modal-lint ${args.join(' ')} was killed (${result.signal}):\n${result.stderr.slice(0, 4000)}`);
  expectNoCrash(result.stderr);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

/** Starts the CLI without waiting: for runs that must overlap. */
export function startCli(args: string[], options: CliOptions): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === null) reject(new Error(`modal-lint ${args.join(' ')} was killed (${signal}):\n${stderr}`));
      else resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export function expectNoCrash(stderr: string): void {
  expect(stderr, 'modal-lint crashed').not.toMatch(/internal error|Maximum call stack|\n\s+at .+:\d+:\d+\)?\n|Node\.js v\d/);
}

export function jsonOf(run: CliRun): JsonReport {
  return JSON.parse(run.stdout) as JsonReport;
}

/** `file:line:column rule` for each JSON result. */
export function positions(report: JsonReport, file?: string): string[] {
  return report.results.filter((r) => file === undefined || r.file === file).map((r) => `${r.file}:${r.line}:${r.column} ${r.ruleId}`);
}

/** The known finding of `HEAVY`, in a file at `relativePath`, is in the report. */
export function expectHeavyFinding(report: JsonReport, relativePath = 'heavy.py'): void {
  expect(positions(report, relativePath)).toContain(`${relativePath}:2:8 ${HEAVY_RULE}`);
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The uid and gid `setpriv` drops to: `nobody` on Debian and most Linux systems. */
const UNPRIVILEGED_ID = '65534';
const SETPRIV = ['setpriv', `--reuid=${UNPRIVILEGED_ID}`, `--regid=${UNPRIVILEGED_ID}`, '--clear-groups'];

export interface UnprivilegedRun {
  /** Command prefix that runs the rest of the command line as the unprivileged user. */
  prefix: string[];
  /** A copy of the CLI that user can load, wherever the checkout is. */
  cli: string;
}

/**
 * A way to run the CLI as an unprivileged user when this process is root, or why there is none.
 * The checkout may sit where that user cannot enter (root's home, a private `mktemp -d` folder),
 * so the bundled CLI (the file `bin` ships) and the two packages it loads at run time are copied
 * into a new world-readable folder under the system's temporary folder; a `--version` run as that
 * user proves the copy loads before any test relies on it. `null` when not root: run as is.
 */
export function unprivilegedRun(trees: { make: (files?: Record<string, string | Buffer>) => string }): UnprivilegedRun | null | { unavailable: string } {
  if (!isRoot()) return null;
  const setpriv = spawnSync(SETPRIV[0]!, [...SETPRIV.slice(1), process.execPath, '-e', `process.exit(process.getuid() === ${UNPRIVILEGED_ID} ? 0 : 1)`], { encoding: 'utf8' });
  if (setpriv.error || setpriv.status !== 0) return { unavailable: `running as root and \`setpriv\` cannot drop to uid ${UNPRIVILEGED_ID} (${setpriv.error?.message ?? setpriv.stderr.trim()})` };
  const bundle = path.join(REPOSITORY_ROOT, 'dist', 'bundle');
  if (!fs.existsSync(path.join(bundle, 'main.js'))) return { unavailable: `${bundle}/main.js is missing (run \`npm run build\`)` };
  const copy = trees.make();
  const manifest = JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  writeTree(copy, { 'package.json': JSON.stringify({ name: manifest.name, version: manifest.version, type: 'module' }) });
  fs.cpSync(bundle, path.join(copy, 'dist', 'bundle'), { recursive: true });
  const requireFromHere = createRequire(path.join(REPOSITORY_ROOT, 'package.json'));
  fs.cpSync(path.dirname(requireFromHere.resolve('web-tree-sitter/web-tree-sitter.wasm')), path.join(copy, 'node_modules', 'web-tree-sitter'), { recursive: true });
  const grammar = path.dirname(requireFromHere.resolve('tree-sitter-python/package.json'));
  for (const file of ['package.json', 'tree-sitter-python.wasm']) {
    fs.cpSync(path.join(grammar, file), path.join(copy, 'node_modules', 'tree-sitter-python', file));
  }
  spawnSync('chmod', ['-R', 'a+rX', copy]);
  const cli = path.join(copy, 'dist', 'bundle', 'main.js');
  const probe = spawnSync(SETPRIV[0]!, [...SETPRIV.slice(1), process.execPath, cli, '--version'], { cwd: copy, encoding: 'utf8', env: cleanEnv() });
  if (probe.error || probe.status !== 0) {
    return { unavailable: `uid ${UNPRIVILEGED_ID} cannot run a copy of the CLI in ${copy} (${probe.error?.message ?? probe.stderr.trim().split('\n')[0]})` };
  }
  return { prefix: SETPRIV, cli };
}
