import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisResult } from './analyse.js';
import { KNOWN_RULE_IDS } from './rule-set.js';

export const CACHE_DIR_NAME = '.modal-lint-cache';
const CACHE_FILE = 'results-v1.json';
/** Entries unused for this long are dropped when the cache is saved. */
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;

interface Entry {
  result: Omit<AnalysisResult, 'path' | 'dependencies'>;
  /** Each dependency with the hash of its content when the result was computed (null: absent). */
  dependencies: Array<[string, string | null]>;
  /** For a result that read the whole run: the fingerprint of that run's files and contents (a key of `runs`). */
  run?: string;
  usedAt: number;
}

/** A bigger cache file is not read: it cannot be one modal-lint wrote for a real project. */
const MAX_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * Creates a file unless something already has its name. `wx` (O_CREAT | O_EXCL) does not follow
 * symlinks, so a link planted in the cache folder cannot make this write outside it.
 */
function createOnce(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text, { flag: 'wx' });
  } catch {
    // Already there (or a link, or not writable): the tag files are a courtesy.
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isCount = (value: unknown, min: number): value is number => Number.isSafeInteger(value) && (value as number) >= min;

function isPosition(value: unknown): boolean {
  return isRecord(value) && isCount(value.line, 1) && isCount(value.column, 1);
}

function isFix(value: unknown): boolean {
  if (!isRecord(value) || (value.safety !== 'safe' && value.safety !== 'unsafe') || typeof value.title !== 'string' || !Array.isArray(value.edits)) return false;
  return value.edits.every((edit) => isRecord(edit) && isCount(edit.start, 0) && isCount(edit.end, 0) && (edit.start as number) <= (edit.end as number) && typeof edit.text === 'string');
}

function isDiagnostic(value: unknown): boolean {
  if (!isRecord(value) || typeof value.ruleId !== 'string' || !KNOWN_RULE_IDS.has(value.ruleId)) return false;
  if (value.severity !== 'error' && value.severity !== 'warning' && value.severity !== 'info') return false;
  if (typeof value.message !== 'string' || !isRecord(value.range) || !isPosition(value.range.start) || !isPosition(value.range.end)) return false;
  return value.fix === undefined || isFix(value.fix);
}

/** A dependency is a file (a module, a requirements or lock file) named by its absolute path, with the hash of its content (or null: absent). */
function isDependency(value: unknown): boolean {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [file, hash] = value as unknown[];
  return typeof file === 'string' && path.isAbsolute(file) && !file.includes('\0')
    && (hash === null || (typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)));
}

/** Whether a value read from the cache file has exactly the shape `set` writes. */
function isEntry(value: unknown): value is Entry {
  if (!isRecord(value) || !Number.isFinite(value.usedAt) || !Array.isArray(value.dependencies) || !value.dependencies.every(isDependency)) return false;
  if (value.run !== undefined && (typeof value.run !== 'string' || !/^[0-9a-f]{64}$/.test(value.run))) return false;
  const result = value.result;
  return isRecord(result) && typeof result.definesApp === 'boolean'
    && Array.isArray(result.notices) && result.notices.every((notice) => typeof notice === 'string')
    && Array.isArray(result.diagnostics) && result.diagnostics.every(isDiagnostic);
}

/** What results that read a whole run read besides its files, by run fingerprint (see `ResultCache.set`). */
interface RunInputs {
  dependencies: Array<[string, string | null]>;
  usedAt: number;
}

function isRunInputs(value: unknown): value is RunInputs {
  return isRecord(value) && Number.isFinite(value.usedAt) && Array.isArray(value.dependencies) && value.dependencies.every(isDependency);
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
  private runs = new Map<string, RunInputs>();
  /** Runs whose inputs were checked in this process: still the same or not. */
  private readonly checkedRuns = new Map<string, boolean>();
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
    const file = path.join(this.dir, CACHE_FILE);
    try {
      // Only a regular file: a symlink, FIFO or device in its place could point anywhere or block forever.
      const stats = fs.lstatSync(file, { throwIfNoEntry: false });
      if (!stats || !stats.isFile() || stats.size > MAX_CACHE_BYTES) return;
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      if (!isRecord(data) || !isRecord(data.entries)) return;
      // Entries are checked one by one: a damaged or hand-edited entry is dropped, never trusted.
      for (const [key, entry] of Object.entries(data.entries)) if (isEntry(entry)) this.entries.set(key, entry);
      if (isRecord(data.runs)) for (const [key, run] of Object.entries(data.runs)) if (/^[0-9a-f]{64}$/.test(key) && isRunInputs(run)) this.runs.set(key, run);
    } catch {
      // Missing or unreadable cache: start empty.
    }
  }

  private keyFor(filePath: string, text: string, ignored: readonly string[]): string {
    return hashText(`${this.settingsKey}\0${filePath}\0${[...ignored].sort().join(',')}\0${hashText(text)}`);
  }

  /** Hash of a file's current content (a fixed hash for a folder), or null when it does not exist (memoised for the run). */
  private currentHash(filePath: string, knownTexts: ReadonlyMap<string, string>): string | null {
    if (this.hashes.has(filePath)) return this.hashes.get(filePath)!;
    let hash: string | null = null;
    const known = knownTexts.get(filePath);
    if (known !== undefined) hash = hashText(known);
    else if (path.basename(filePath) === '*') {
      // A folder's listing (`directoryListing`): the names in it, not their contents.
      try {
        hash = hashText(fs.readdirSync(path.dirname(filePath)).sort().join('\0'));
      } catch {
        hash = null;
      }
    } else {
      try {
        const stat = fs.statSync(filePath);
        if (stat.isFile()) hash = hashText(fs.readFileSync(filePath, 'utf8'));
        else if (stat.isDirectory()) hash = hashText('\0directory');
      } catch {
        hash = null;
      }
    }
    this.hashes.set(filePath, hash);
    return hash;
  }

  /** The cached result, if still valid; `run` is the fingerprint of the current run (see `set`). */
  get(filePath: string, text: string, ignored: readonly string[], knownTexts: ReadonlyMap<string, string>, run?: string): AnalysisResult | undefined {
    const key = this.keyFor(filePath, text, ignored);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.run !== undefined && (entry.run !== run || !this.runUnchanged(run, knownTexts))) return undefined;
    for (const [dependency, hash] of entry.dependencies) {
      if (this.currentHash(dependency, knownTexts) !== hash) return undefined;
    }
    entry.usedAt = Date.now();
    this.dirty = true;
    return { ...entry.result, path: filePath, dependencies: entry.dependencies.map(([dependency]) => dependency) };
  }

  /** Whether everything outside the run that its run-wide answers read is as it was. */
  private runUnchanged(run: string, knownTexts: ReadonlyMap<string, string>): boolean {
    let unchanged = this.checkedRuns.get(run);
    if (unchanged === undefined) {
      const inputs = this.runs.get(run);
      unchanged = inputs !== undefined && inputs.dependencies.every(([dependency, hash]) => this.currentHash(dependency, knownTexts) === hash);
      if (inputs && unchanged) inputs.usedAt = Date.now();
      this.checkedRuns.set(run, unchanged);
    }
    return unchanged;
  }

  /**
   * Stores a result. A result that read the whole run (`dependsOnRun`) is stored with `run`, the
   * fingerprint of the run's files and contents: it is reused only by a run of the same files.
   */
  set(result: AnalysisResult, text: string, ignored: readonly string[], knownTexts: ReadonlyMap<string, string>, run?: string): void {
    const { path: filePath, dependencies, runInputs, ...rest } = result;
    if (rest.dependsOnRun) {
      if (run === undefined) return;
      // One record per run holds what all its run-wide answers read outside it.
      let inputs = this.runs.get(run);
      if (!inputs || this.checkedRuns.get(run) === false) {
        this.runs.set(run, (inputs = { dependencies: [], usedAt: Date.now() }));
        this.checkedRuns.set(run, true);
      }
      const known = new Set(inputs.dependencies.map(([dependency]) => dependency));
      for (const dependency of runInputs ?? []) if (!known.has(dependency)) inputs.dependencies.push([dependency, this.currentHash(dependency, knownTexts)]);
    }
    this.entries.set(this.keyFor(filePath, text, ignored), {
      result: rest,
      dependencies: dependencies.map((dependency) => [dependency, this.currentHash(dependency, knownTexts)]),
      ...(rest.dependsOnRun ? { run } : {}),
      usedAt: Date.now(),
    });
    this.dirty = true;
  }

  /** Writes the cache atomically; failures are ignored (a cache is an optimisation). */
  save(): void {
    if (!this.dirty) return;
    const now = Date.now();
    for (const [key, entry] of this.entries) if (now - entry.usedAt > MAX_AGE_MS) this.entries.delete(key);
    const usedRuns = new Set([...this.entries.values()].map((entry) => entry.run));
    for (const key of this.runs.keys()) if (!usedRuns.has(key)) this.runs.delete(key);
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      // `open` refused a symlinked folder; one planted during the run is refused here.
      const stats = fs.lstatSync(this.dir);
      if (!stats.isDirectory() || stats.isSymbolicLink()) return;
      createOnce(path.join(this.dir, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by modal-lint.\n# For information about cache directory tags see https://bford.info/cachedir/\n');
      createOnce(path.join(this.dir, '.gitignore'), '# Created by modal-lint: the cache never belongs in version control.\n*\n');
      const temporary = path.join(this.dir, `${CACHE_FILE}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
      fs.writeFileSync(temporary, JSON.stringify({ entries: Object.fromEntries(this.entries), runs: Object.fromEntries(this.runs) }), { flag: 'wx' });
      // A rename replaces a symlink planted at CACHE_FILE itself, never the file it points to.
      fs.renameSync(temporary, path.join(this.dir, CACHE_FILE));
    } catch {
      // Read-only checkout, full disk: lint results are unaffected.
    }
  }
}
