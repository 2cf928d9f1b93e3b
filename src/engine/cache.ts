import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisResult } from './analyse.js';

export const CACHE_DIR_NAME = '.modal-lint-cache';
const CACHE_FILE = 'results-v1.json';
/** Entries unused for this long are dropped when the cache is saved. */
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;

interface Entry {
  result: Omit<AnalysisResult, 'path' | 'dependencies'>;
  /** Each dependency with the hash of its content when the result was computed (null: absent). */
  dependencies: Array<[string, string | null]>;
  usedAt: number;
}

export function hashText(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/**
 * Identifies the installed code itself (file sizes and times of the compiled JavaScript), so a
 * rule changed without a version bump, as in a development checkout, never reads old results.
 */
function codeFingerprint(): string {
  const distRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const parts: string[] = [];
  const stack = [distRoot];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.name.endsWith('.js')) {
        const stats = fs.statSync(full);
        parts.push(`${path.relative(distRoot, full)}:${stats.size}:${stats.mtimeMs}`);
      }
    }
  }
  return hashText(parts.sort().join('\n'));
}

/**
 * Results by file, keyed by the file's content hash, its path, the tool version, the resolved
 * rule selection and options, and the per-file ignores. A result is reused only when every
 * other file it depended on (imported modules, and the files probed while resolving them)
 * still has the same content, so a stale entry can never change a result.
 */
export class ResultCache {
  private entries = new Map<string, Entry>();
  private readonly hashes = new Map<string, string | null>();
  private dirty = false;

  private constructor(private readonly dir: string, private readonly settingsKey: string) {}

  /** Opens the cache folder under `baseDir`; returns null when it cannot be used safely. */
  static open(baseDir: string, settings: unknown): ResultCache | null {
    const dir = path.join(baseDir, CACHE_DIR_NAME);
    try {
      // A symlinked cache folder could point anywhere: refuse it rather than write outside.
      const stats = fs.lstatSync(dir, { throwIfNoEntry: false });
      if (stats && (!stats.isDirectory() || stats.isSymbolicLink())) return null;
    } catch {
      return null;
    }
    const cache = new ResultCache(dir, hashText(`${codeFingerprint()}\0${JSON.stringify(settings)}`));
    cache.load();
    return cache;
  }

  private load(): void {
    try {
      const data = JSON.parse(fs.readFileSync(path.join(this.dir, CACHE_FILE), 'utf8')) as { entries?: Record<string, Entry> };
      if (data && typeof data.entries === 'object' && data.entries) this.entries = new Map(Object.entries(data.entries));
    } catch {
      // Missing or unreadable cache: start empty.
    }
  }

  private keyFor(filePath: string, text: string, ignored: readonly string[]): string {
    return hashText(`${this.settingsKey}\0${filePath}\0${[...ignored].sort().join(',')}\0${hashText(text)}`);
  }

  /** Hash of a file's current content, or null when it does not exist (memoised for the run). */
  private currentHash(filePath: string, knownTexts: ReadonlyMap<string, string>): string | null {
    if (this.hashes.has(filePath)) return this.hashes.get(filePath)!;
    let hash: string | null = null;
    const known = knownTexts.get(filePath);
    if (known !== undefined) hash = hashText(known);
    else {
      try {
        if (fs.statSync(filePath).isFile()) hash = hashText(fs.readFileSync(filePath, 'utf8'));
      } catch {
        hash = null;
      }
    }
    this.hashes.set(filePath, hash);
    return hash;
  }

  get(filePath: string, text: string, ignored: readonly string[], knownTexts: ReadonlyMap<string, string>): AnalysisResult | undefined {
    const key = this.keyFor(filePath, text, ignored);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    for (const [dependency, hash] of entry.dependencies) {
      if (this.currentHash(dependency, knownTexts) !== hash) return undefined;
    }
    entry.usedAt = Date.now();
    this.dirty = true;
    return { ...entry.result, path: filePath, dependencies: entry.dependencies.map(([dependency]) => dependency) };
  }

  set(result: AnalysisResult, text: string, ignored: readonly string[], knownTexts: ReadonlyMap<string, string>): void {
    const { path: filePath, dependencies, ...rest } = result;
    this.entries.set(this.keyFor(filePath, text, ignored), {
      result: rest,
      dependencies: dependencies.map((dependency) => [dependency, this.currentHash(dependency, knownTexts)]),
      usedAt: Date.now(),
    });
    this.dirty = true;
  }

  /** Writes the cache atomically; failures are ignored (a cache is an optimisation). */
  save(): void {
    if (!this.dirty) return;
    const now = Date.now();
    for (const [key, entry] of this.entries) if (now - entry.usedAt > MAX_AGE_MS) this.entries.delete(key);
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const tag = path.join(this.dir, 'CACHEDIR.TAG');
      if (!fs.existsSync(tag)) {
        fs.writeFileSync(tag, 'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by modal-lint.\n# For information about cache directory tags see https://bford.info/cachedir/\n');
      }
      const ignore = path.join(this.dir, '.gitignore');
      if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '# Created by modal-lint: the cache never belongs in version control.\n*\n');
      const temporary = path.join(this.dir, `${CACHE_FILE}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
      fs.writeFileSync(temporary, JSON.stringify({ entries: Object.fromEntries(this.entries) }));
      fs.renameSync(temporary, path.join(this.dir, CACHE_FILE));
    } catch {
      // Read-only checkout, full disk: lint results are unaffected.
    }
  }
}
