import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { Exclusions } from './exclusions.js';

export interface DiscoverOptions {
  cwd: string;
  config: ResolvedConfig;
  /** Apply excludes and .gitignore to files named on the command line too (Ruff's `--force-exclude`). */
  forceExclude?: boolean;
  /** The config that governs a folder's entries (nearest config above it); `config` otherwise. */
  configFor?: (dir: string) => ResolvedConfig;
}

export interface SkippedPath {
  path: string;
  reason: string;
}

export interface DiscoveryResult {
  /** Files to lint: absolute, sorted, without duplicates. */
  files: string[];
  /** Given paths that do not exist (absolute, sorted); a broken symlink counts as missing. */
  missing: string[];
  /** Paths that exist but cannot be linted: special files given by name, unreadable directories. */
  skipped: SkippedPath[];
  /** Named files left out by excludes or .gitignore (only with `forceExclude`). */
  excluded: string[];
  /** Python files and folders that walks left out by excludes or .gitignore. */
  walkExcluded: { files: number; folders: number };
}

export interface IsExcludedOptions extends DiscoverOptions {
  /** Saves a stat when the caller already knows; gitignore patterns ending in `/` match directories only. */
  isDirectory?: boolean;
}

type PathKind = { kind: 'file' } | { kind: 'directory' } | { kind: 'missing' } | { kind: 'unusable'; reason: string };

const MISSING_CODES = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);

function describeError(error: NodeJS.ErrnoException): string {
  if (error.code === 'EACCES' || error.code === 'EPERM') return 'permission denied';
  return error.message;
}

function describeSpecialFile(stats: fs.Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'a special file';
}

async function classifyPath(absolutePath: string): Promise<PathKind> {
  let stats: fs.Stats;
  try {
    stats = await fs.promises.stat(absolutePath);
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    if (failure.code !== undefined && MISSING_CODES.has(failure.code)) return { kind: 'missing' };
    return { kind: 'unusable', reason: describeError(failure) };
  }
  if (stats.isFile()) return { kind: 'file' };
  if (stats.isDirectory()) return { kind: 'directory' };
  return { kind: 'unusable', reason: `not a regular file or directory: it is ${describeSpecialFile(stats)}` };
}

function isDirectorySync(absolutePath: string): boolean {
  try {
    return fs.statSync(absolutePath).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Whether `exclude`, `extend-exclude` or a .gitignore leaves the path out,
 * counting the directories above it too.
 */
export function isExcluded(absolutePath: string, options: IsExcludedOptions): boolean {
  const resolved = path.resolve(options.cwd, absolutePath);
  const isDirectory = options.isDirectory ?? isDirectorySync(resolved);
  return new Exclusions(options.config).isExcludedPath(resolved, isDirectory);
}

function sortedSkipped(skipped: Map<string, string>): SkippedPath[] {
  return [...skipped.keys()].sort().map((skippedPath) => ({ path: skippedPath, reason: skipped.get(skippedPath)! }));
}

/**
 * The files to lint for the given paths (default: the current directory).
 * Directories are walked for *.py and *.pyi; a file named explicitly is linted
 * whatever its extension, and, as Ruff does, even when excludes or .gitignore
 * would leave it out, unless `forceExclude` is set (tools that pass every
 * changed file, such as pre-commit, set it).
 */
export async function discoverFiles(paths: string[], options: DiscoverOptions): Promise<DiscoveryResult> {
  const cwd = path.resolve(options.cwd);
  const exclusions = new Exclusions(options.config, options.configFor);
  const files = new Set<string>();
  const missing = new Set<string>();
  const skipped = new Map<string, string>();
  const excluded = new Set<string>();
  const walkExcluded = { files: 0, folders: 0 };
  const onExcluded = (_entry: string, isDirectory: boolean): void => {
    if (isDirectory) walkExcluded.folders++;
    else walkExcluded.files++;
  };
  const onUnreadable = (dir: string, error: NodeJS.ErrnoException): void => {
    // A directory that vanished mid-walk is simply gone; anything else the user should hear about.
    if (!MISSING_CODES.has(error.code ?? '')) skipped.set(dir, `cannot read directory: ${describeError(error)}`);
  };

  const visit = async (given: string): Promise<void> => {
    const absolutePath = path.resolve(cwd, given);
    const pathKind = await classifyPath(absolutePath);
    switch (pathKind.kind) {
      case 'missing':
        missing.add(absolutePath);
        return;
      case 'unusable':
        skipped.set(absolutePath, pathKind.reason);
        return;
      case 'file':
        if (options.forceExclude && exclusions.isExcludedPath(absolutePath, false)) excluded.add(absolutePath);
        else files.add(absolutePath);
        return;
      case 'directory':
        if (options.forceExclude && exclusions.isExcludedPath(absolutePath, true)) {
          excluded.add(absolutePath);
          return;
        }
        // A directory named by the user is walked even if excluded, as Ruff does; what is below it is filtered.
        // fast-glob is loaded only for folder walks: single-file and stdin runs start faster without it.
        const { walkPythonFiles } = await import('./walk.js');
        for (const file of await walkPythonFiles(absolutePath, exclusions, onUnreadable, onExcluded)) files.add(file);
    }
  };
  await Promise.all((paths.length > 0 ? paths : ['.']).map(visit));

  for (const file of files) excluded.delete(file);
  return { files: [...files].sort(), missing: [...missing].sort(), skipped: sortedSkipped(skipped), excluded: [...excluded].sort(), walkExcluded };
}
