import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Git itself is case-insensitive only where the file system usually is. */
const CASE_INSENSITIVE_PLATFORM = process.platform === 'darwin' || process.platform === 'win32';

export function createIgnore(): Ignore {
  return ignore({ ignorecase: CASE_INSENSITIVE_PLATFORM });
}

/**
 * `target` relative to `dir`, or undefined unless it is strictly inside. Both
 * must be absolute and normalized: a prefix test is what keeps walks fast.
 */
export function relativeInside(dir: string, target: string): string | undefined {
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  return target.length > prefix.length && target.startsWith(prefix) ? target.slice(prefix.length) : undefined;
}

export function asIgnorePath(relative: string, isDirectory: boolean): string {
  const posix = path.sep === '/' ? relative : relative.split(path.sep).join('/');
  return isDirectory ? `${posix}/` : posix;
}

/** A slash other than a trailing one anchors a gitignore pattern to its directory. */
function isAnchored(pattern: string): boolean {
  return pattern.replace(/\/+$/, '').includes('/');
}

/** The pattern as it applies to a bare name, or undefined when it only applies below its directory. */
function nameOnlyForm(pattern: string): string | undefined {
  const negation = pattern.startsWith('!') ? '!' : '';
  let body = pattern.slice(negation.length);
  while (body.startsWith('**/')) body = body.slice(3);
  return isAnchored(body) ? undefined : negation + body;
}

/** Users write `./build` or an absolute path and mean the gitignore-anchored `/build`. */
function normalizePattern(baseDir: string, pattern: string): string {
  if (pattern.startsWith('./')) return `/${pattern.slice(2)}`;
  if (path.isAbsolute(pattern)) {
    const relative = relativeInside(baseDir, pattern);
    if (relative !== undefined) return `/${asIgnorePath(relative, false)}${pattern.endsWith('/') ? '/' : ''}`;
  }
  return pattern;
}

/**
 * Gitignore-style patterns that belong to `baseDir`. Paths outside `baseDir`
 * can only be matched by the unanchored patterns, by name.
 */
export class PathPatterns {
  private readonly inside: Ignore;
  private readonly byName: Ignore;
  readonly isEmpty: boolean;

  private readonly baseDir: string;

  constructor(baseDir: string, patterns: readonly string[]) {
    this.baseDir = path.resolve(baseDir);
    const normalized = patterns.map((pattern) => normalizePattern(this.baseDir, pattern));
    this.inside = createIgnore().add(normalized);
    const nameOnly = normalized.map(nameOnlyForm).filter((pattern) => pattern !== undefined);
    this.byName = createIgnore().add(nameOnly);
    this.isEmpty = normalized.length === 0;
  }

  /** Whether the path, or a directory between `baseDir` and it, matches. */
  matches(absolutePath: string, isDirectory: boolean): boolean {
    if (this.isEmpty) return false;
    const relative = relativeInside(this.baseDir, absolutePath);
    if (relative !== undefined) return this.inside.ignores(asIgnorePath(relative, isDirectory));
    if (absolutePath === this.baseDir) return false;
    return this.matchesByName(absolutePath, isDirectory);
  }

  /**
   * Whether the entry itself matches, its directory being one that was walked
   * into or named by the user, even if that directory matches.
   */
  matchesEntry(absolutePath: string, isDirectory: boolean): boolean {
    if (this.isEmpty) return false;
    const relative = relativeInside(this.baseDir, absolutePath);
    if (relative === undefined) return this.matchesByName(absolutePath, isDirectory);
    if (!this.inside.ignores(asIgnorePath(relative, isDirectory))) return false;
    const parent = path.dirname(relative);
    if (parent === '.' || !this.inside.ignores(asIgnorePath(parent, true))) return true;
    // The match came down from a directory the user named; only a pattern for the entry's own name counts.
    return this.matchesByName(absolutePath, isDirectory);
  }

  private matchesByName(absolutePath: string, isDirectory: boolean): boolean {
    return this.byName.ignores(asIgnorePath(path.basename(absolutePath), isDirectory));
  }
}
