import fs from 'node:fs';
import path from 'node:path';
import type { Ignore } from 'ignore';
import { asIgnorePath, createIgnore, nameOnlyForm, PathPatterns, relativeInside } from '../config/patterns.js';
import type { ResolvedConfig } from '../config/types.js';

const GITIGNORE = '.gitignore';
const GIT_DIR = '.git';

/** The rules of one directory's .gitignore (plus .git/info/exclude at a repository root). */
interface GitignoreLevel {
  dir: string;
  rules: Ignore;
  /** The rules that match by name alone, for entries whose directory `rules` would wrongly ignore. */
  nameRules: Ignore;
}

function readOptionalText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

function readLevel(dir: string, hasGitignore: boolean, isRepositoryRoot: boolean): GitignoreLevel | undefined {
  // .git/info/exclude goes first: rules added later win, and .gitignore outranks it.
  const sources = [
    isRepositoryRoot ? path.join(dir, GIT_DIR, 'info', 'exclude') : undefined,
    hasGitignore ? path.join(dir, GITIGNORE) : undefined,
  ];
  const lines = sources.flatMap((file) => (file === undefined ? [] : (readOptionalText(file)?.split(/\r?\n/) ?? [])));
  if (lines.length === 0) return undefined;
  return {
    dir,
    rules: createIgnore().add(lines),
    nameRules: createIgnore().add(lines.map(nameOnlyForm).filter((line) => line !== undefined)),
  };
}

function verdictOf(result: { ignored: boolean; unignored: boolean }): boolean | undefined {
  if (result.unignored) return false;
  return result.ignored ? true : undefined;
}

/**
 * What one level says about an entry below it: true (ignored), false
 * (re-included by a negation) or undefined (no rule of this level decides).
 */
function levelVerdict(level: GitignoreLevel, entryPath: string, isDirectory: boolean): boolean | undefined {
  const relative = relativeInside(level.dir, entryPath);
  if (relative === undefined) return undefined;
  const parent = path.dirname(relative);
  // Entries are only tested once their directory is walked into. If this level ignores that
  // directory anyway, a deeper .gitignore re-included it or the user named it, and the verdict
  // `ignore` would pass down from it says nothing about the entry: only its own name can decide.
  if (parent !== '.' && level.rules.test(asIgnorePath(parent, true)).ignored) {
    return verdictOf(level.nameRules.test(asIgnorePath(path.basename(relative), isDirectory)));
  }
  return verdictOf(level.rules.test(asIgnorePath(relative, isDirectory)));
}

function repositoryRoot(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, GIT_DIR))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Directories strictly between `top` and `target`, outermost first. */
function directoriesBetween(top: string, target: string): string[] {
  const directories: string[] = [];
  for (let dir = path.dirname(target); dir !== top && path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    directories.push(dir);
  }
  return directories.reverse();
}

/**
 * Decides which paths are left out: the config's `exclude` and `extend-exclude`,
 * and every .gitignore from the repository root down (outside a repository:
 * from the file system root down). Caches what it reads, so use one instance
 * per run, not across file system changes.
 */
export class Exclusions {
  private readonly configured: PathPatterns;
  private readonly patternsByConfig = new WeakMap<ResolvedConfig, PathPatterns>();
  private readonly levelsByDir = new Map<string, readonly GitignoreLevel[]>();

  /**
   * `configFor`, when given, names the config that governs the entries of a folder (the nearest
   * one above it, as Ruff reads nested configs); otherwise `config` governs every path.
   */
  constructor(config: ResolvedConfig, private readonly configFor?: (dir: string) => ResolvedConfig) {
    this.configured = this.patternsOf(config);
  }

  private patternsOf(config: ResolvedConfig): PathPatterns {
    let patterns = this.patternsByConfig.get(config);
    if (!patterns) {
      patterns = new PathPatterns(config.baseDir, [...config.exclude, ...config.extendExclude]);
      this.patternsByConfig.set(config, patterns);
    }
    return patterns;
  }

  /** The exclude patterns that apply to an entry of `dir`. */
  private configuredFor(dir: string): PathPatterns {
    return this.configFor ? this.patternsOf(this.configFor(dir)) : this.configured;
  }

  /** Records the rules of a directory being walked, asking its listing rather than the disk what it holds. */
  enterDirectory(dir: string, contains: (name: string) => boolean): void {
    this.levelsInside(dir, contains);
  }

  /** For an entry met while walking, whose directory was walked into or named by the user. */
  isExcludedEntry(entryPath: string, isDirectory: boolean): boolean {
    return this.configuredFor(path.dirname(entryPath)).matchesEntry(entryPath, isDirectory) || this.isGitignored(entryPath, isDirectory);
  }

  /** For a path given by the user: the directories above it count as well. */
  isExcludedPath(absolutePath: string, isDirectory: boolean): boolean {
    if (this.configuredFor(path.dirname(absolutePath)).matches(absolutePath, isDirectory)) return true;
    if (isDirectory && fs.existsSync(path.join(absolutePath, GIT_DIR))) return false;
    const parent = path.dirname(absolutePath);
    if (parent === absolutePath) return false;
    const top = repositoryRoot(parent) ?? path.parse(absolutePath).root;
    return (
      directoriesBetween(top, absolutePath).some((dir) => this.isGitignored(dir, true)) ||
      this.isGitignored(absolutePath, isDirectory)
    );
  }

  private isGitignored(entryPath: string, isDirectory: boolean): boolean {
    const levels = this.levelsInside(path.dirname(entryPath));
    for (let index = levels.length - 1; index >= 0; index--) {
      const verdict = levelVerdict(levels[index]!, entryPath, isDirectory);
      if (verdict !== undefined) return verdict;
    }
    return false;
  }

  /** The .gitignore levels that apply to the entries of `dir`, deepest last. */
  private levelsInside(
    dir: string,
    contains: (name: string) => boolean = (name) => fs.existsSync(path.join(dir, name)),
  ): readonly GitignoreLevel[] {
    const cached = this.levelsByDir.get(dir);
    if (cached) return cached;
    const isRepositoryRoot = contains(GIT_DIR);
    const parent = path.dirname(dir);
    // A repository's files answer to its own .gitignore files only, not to those of enclosing directories.
    const inherited = isRepositoryRoot || parent === dir ? [] : this.levelsInside(parent);
    const own = readLevel(dir, contains(GITIGNORE), isRepositoryRoot);
    const levels = own ? [...inherited, own] : inherited;
    this.levelsByDir.set(dir, levels);
    return levels;
  }
}
