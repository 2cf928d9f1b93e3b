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
export function nameOnlyForm(pattern: string): string | undefined {
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

/** A name without wildcards, escapes, slashes, negation or surrounding blanks matches just that name. */
function isPlainName(pattern: string): boolean {
  return pattern !== '' && pattern.trim() === pattern && !/^[!#]/.test(pattern) && !/[*?[\]\\/]/.test(pattern);
}

function foldCase(name: string): string {
  return CASE_INSENSITIVE_PLATFORM ? name.toLowerCase() : name;
}

/**
 * Gitignore-style patterns that belong to `baseDir`. Paths outside `baseDir`
 * can only be matched by the unanchored patterns, by name.
 */
export class PathPatterns {
  private readonly baseDir: string;
  /**
   * Literal names, the common case (all of DEFAULT_EXCLUDES): a set lookup per
   * entry instead of every pattern's regex. Split out only when no negation
   * could re-include what they match.
   */
  private readonly plainNames: ReadonlySet<string>;
  private readonly inside: Ignore | undefined;
  private readonly byName: Ignore | undefined;

  constructor(baseDir: string, patterns: readonly string[]) {
    this.baseDir = path.resolve(baseDir);
    const normalized = patterns.map((pattern) => normalizePattern(this.baseDir, pattern));
    const canSplit = !normalized.some((pattern) => pattern.startsWith('!'));
    this.plainNames = new Set(canSplit ? normalized.filter(isPlainName).map(foldCase) : []);
    const rest = canSplit ? normalized.filter((pattern) => !isPlainName(pattern)) : normalized;
    const nameOnly = rest.map(nameOnlyForm).filter((pattern) => pattern !== undefined);
    this.inside = rest.length > 0 ? createIgnore().add(rest) : undefined;
    this.byName = nameOnly.length > 0 ? createIgnore().add(nameOnly) : undefined;
  }

  /** Whether the path, or a directory between `baseDir` and it, matches. */
  matches(absolutePath: string, isDirectory: boolean): boolean {
    const relative = relativeInside(this.baseDir, absolutePath);
    if (relative === undefined) return absolutePath !== this.baseDir && this.matchesByName(absolutePath, isDirectory);
    return (
      relative.split(path.sep).some((name) => this.hasPlainName(name)) ||
      (this.inside?.ignores(asIgnorePath(relative, isDirectory)) ?? false)
    );
  }

  /**
   * Whether the entry itself matches, its directory being one that was walked
   * into or named by the user, even if that directory matches.
   */
  matchesEntry(absolutePath: string, isDirectory: boolean): boolean {
    if (this.hasPlainName(path.basename(absolutePath))) return true;
    const relative = relativeInside(this.baseDir, absolutePath);
    if (relative === undefined) return this.matchesByName(absolutePath, isDirectory);
    if (!this.inside?.ignores(asIgnorePath(relative, isDirectory))) return false;
    const parent = path.dirname(relative);
    if (parent === '.' || !this.inside.ignores(asIgnorePath(parent, true))) return true;
    // The match came down from a directory the user named; only a pattern for the entry's own name counts.
    return this.matchesByName(absolutePath, isDirectory);
  }

  private hasPlainName(name: string): boolean {
    return this.plainNames.has(foldCase(name));
  }

  private matchesByName(absolutePath: string, isDirectory: boolean): boolean {
    const name = path.basename(absolutePath);
    return this.hasPlainName(name) || (this.byName?.ignores(asIgnorePath(name, isDirectory)) ?? false);
  }
}
