import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../..');
/** The built CLI: `npm test` compiles it before vitest starts. */
export const CLI = path.join(REPOSITORY_ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without variables that change the output format or colours. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'GITHUB_ACTIONS']) delete env[name];
  return { ...env, ...extra };
}

/**
 * The environment for npm, git and pre-commit run by a test: without the `npm_*` variables that
 * `npm test` sets (npm would read them as its own config, e.g. the project's location) and the
 * `GIT_*` variables a git hook may set (git would act on the repository under test).
 */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(cleanEnv())) {
    if (!/^(npm_|GIT_)/i.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs `node dist/cli/main.js ARGS` and waits for it. */
export function runCli(args: string[], options: { cwd: string; input?: string }): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  if (result.status === null) throw new Error(`modal-lint ${args.join(' ')} was killed (${result.signal}):\n${result.stderr}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A new empty folder under the system's temporary folder; `cleanup` removes every folder made. */
export function temporaryFolders(prefix: string): { make: () => string; cleanup: () => void } {
  const made: string[] = [];
  return {
    make: () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    cleanup: () => {
      for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The bundled binary that `bin` in package.json names: what an installed modal-lint runs. */
export const BUNDLE = path.join(REPOSITORY_ROOT, 'dist', 'bundle', 'main.js');

/** Runs `node dist/bundle/main.js ARGS` and waits for it (at most `timeout` ms). */
export function runBundle(args: string[], options: { cwd: string; input?: string; timeout?: number; env?: Record<string, string> }): CliResult & { ms: number } {
  const started = Date.now();
  const result = spawnSync(process.execPath, [BUNDLE, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    env: cleanEnv(options.env),
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
  });
  if (result.error) throw result.error;
  if (result.status === null) throw new Error(`modal-lint ${args.join(' ')} was killed (${result.signal}):\n${result.stderr}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

/** Writes files (path -> content) under `root`, creating folders. */
export function writeTree(root: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  return root;
}
