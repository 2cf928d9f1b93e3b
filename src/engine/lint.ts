import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileResult, LintReport } from '../diagnostics.js';
import { analyse, type AnalysisRequest, type AnalysisResult } from './analyse.js';
import { hashText, type ResultCache } from './cache.js';
import { decodeSource } from './decode.js';
import { ProjectIndex } from './project.js';
import { enabledRules, type RuleSelection } from './rule-set.js';
import { addTimings, timingEnabled } from './timing.js';

export interface SourceInput {
  /** Absolute path (for stdin, the path given by `--stdin-filename`). */
  path: string;
  /** Text already in hand (stdin); otherwise the file is read. */
  text?: string;
  /** Remarks from decoding text already in hand. */
  notices?: string[];
  /** Input already known to be binary (NUL bytes): reported, not linted. */
  binary?: boolean;
  /**
   * Lint `text` exactly as given: no leading byte-order mark is dropped. The fix loop needs this,
   * since its edits are offsets into the very text it passes (which may start with U+FEFF when a
   * file begins with two byte-order marks).
   */
  verbatim?: boolean;
}

export interface LintSettings extends RuleSelection {
  /** Directory that report paths are relative to. */
  root: string;
  toolVersion: string;
  ruleOptions: Record<string, Record<string, unknown>>;
  /** Rule ids ignored for one file (per-file-ignores). */
  ignoredForFile: (filePath: string) => ReadonlySet<string>;
  /** Result cache; absent with `--no-cache`. */
  cache?: ResultCache | null;
  /** Worker threads to use at most (default: available cores); 1 keeps everything on this thread. */
  threads?: number;
}

/** Below this much source, a worker thread costs more to start than it saves. */
const WORKER_THRESHOLD_CHARS = 400_000;

/** Cheap test before parsing: a file that never names modal can only matter by registering on an imported App. */
export function mentionsModal(text: string): boolean {
  return text.includes('modal');
}

export const REGISTRATION_CALL = /\.(function|cls|local_entrypoint|server)\s*\(/;
/** Calls into Functions, as a script that imports registered functions from an App module makes them. */
const INVOCATION_CALL = /\.(remote|remote_gen|spawn|map|starmap|for_each|spawn_map|local)\s*\(/;
const IMPORT_LINE = /^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import\b|import[ \t]+([\w.]+))/gm;

export function relativeTo(root: string, filePath: string): string {
  const relative = path.relative(root, filePath);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? filePath : relative;
  return shown.split(path.sep).join('/');
}

interface ReadFile {
  result: FileResult;
  text?: string;
}

function readInput(input: SourceInput, root: string): ReadFile {
  const result: FileResult = { path: input.path, relativePath: relativeTo(root, input.path), diagnostics: [] };
  if (input.notices && input.notices.length > 0) result.notices = [...input.notices];
  if (input.binary) return { result };
  if (input.text !== undefined) {
    const text = input.verbatim ? input.text : input.text.replace(/^\uFEFF/, '');
    result.source = text;
    return { result, text };
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(input.path);
  } catch (error) {
    result.failure = describeReadError(error);
    return { result };
  }
  const decoded = decodeSource(bytes);
  if (decoded.notices.length > 0) result.notices = decoded.notices;
  if (decoded.binary) return { result };
  result.source = decoded.text;
  return { result, text: decoded.text };
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file disappeared before it could be read';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return `could not be read (${code ?? String(error)})`;
}

/**
 * Lints files: read each once, parse only those that can involve Modal, reuse cached results,
 * and spread the rest over worker threads when there is enough work to pay for them.
 */
export async function lint(inputs: SourceInput[], settings: LintSettings): Promise<LintReport> {
  const enabled = enabledRules(settings);
  const files = inputs.map((input) => readInput(input, settings.root));
  const byPath = new Map(files.map((file) => [file.result.path, file]));
  const texts = new Map<string, string>();
  for (const file of files) if (file.text !== undefined) texts.set(file.result.path, file.text);

  const firstRound = files.filter((file) => file.text !== undefined && mentionsModal(file.text)).map((file) => file.result.path);
  const results = await analyseWithCache(firstRound, texts, settings);

  // Second round: files that never name modal but register functions on an App defined in
  // another module (of this run, or on disk next to them).
  const appModules = new Set(results.filter((result) => result.definesApp).map((result) => result.path));
  // One resolver for the pass, so probed paths are stat'ed once however many files import them.
  const resolver = new ProjectIndex(settings.root, (p) => texts.get(p), () => {
    throw new Error('resolution only');
  });
  const secondRound = files
    .filter((file) => file.text !== undefined && !mentionsModal(file.text) && (REGISTRATION_CALL.test(file.text) || INVOCATION_CALL.test(file.text)))
    .filter((file) => importsAppModule(file.result.path, file.text!, appModules, texts, resolver))
    .map((file) => file.result.path);
  if (secondRound.length > 0) results.push(...(await analyseWithCache(secondRound, texts, settings)));

  for (const result of results) {
    const file = byPath.get(result.path)!;
    file.result.diagnostics = result.diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
    if (result.notices.length > 0) file.result.notices = [...(file.result.notices ?? []), ...result.notices];
  }
  settings.cache?.save();

  return {
    root: settings.root,
    files: files.map((file) => file.result),
    rules: enabled.meta,
    severities: Object.fromEntries(enabled.severities),
    toolVersion: settings.toolVersion,
  };
}

/** The project files a module's import lines resolve to, found without parsing it. */
export function importedFiles(filePath: string, text: string, resolver: ProjectIndex): string[] {
  const targets: string[] = [];
  for (const match of text.matchAll(IMPORT_LINE)) {
    const level = match[1]?.length ?? 0;
    const module = match[2] ?? match[3] ?? '';
    const target = resolver.resolveModule(filePath, { module, level });
    if (target) targets.push(target);
  }
  return targets;
}

function importsAppModule(filePath: string, text: string, appModules: ReadonlySet<string>, texts: ReadonlyMap<string, string>, resolver: ProjectIndex): boolean {
  for (const target of importedFiles(filePath, text, resolver)) {
    if (appModules.has(target)) return true;
    const targetText = texts.get(target) ?? readSmall(target);
    if (targetText !== undefined && !texts.has(target) && mentionsModal(targetText)) return true;
  }
  return false;
}

function readSmall(filePath: string): string | undefined {
  try {
    return fs.statSync(filePath).size <= 2_000_000 ? fs.readFileSync(filePath, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

async function analyseWithCache(paths: string[], texts: Map<string, string>, settings: LintSettings): Promise<AnalysisResult[]> {
  const ignoredByFile: Record<string, string[]> = {};
  for (const filePath of paths) ignoredByFile[filePath] = [...settings.ignoredForFile(filePath)];
  const results: AnalysisResult[] = [];
  const misses: string[] = [];
  const run = settings.cache ? runFingerprint(texts) : '';
  for (const filePath of paths) {
    const cached = settings.cache?.get(filePath, texts.get(filePath)!, ignoredByFile[filePath]!, texts, run);
    if (cached) results.push(cached);
    else misses.push(filePath);
  }
  if (misses.length === 0) return results;
  const fresh = await analyseInParallel(misses, texts, ignoredByFile, settings);
  // A result that read the whole run is reused only by a run of exactly the same files with the same contents.
  for (const result of fresh) settings.cache?.set(result, texts.get(result.path)!, ignoredByFile[result.path]!, texts, result.dependsOnRun ? run : undefined);
  return [...results, ...fresh];
}

/** Identifies the files of a run and their contents: the input of results that read the whole run. */
function runFingerprint(texts: ReadonlyMap<string, string>): string {
  const parts = [...texts].map(([filePath, text]) => `${filePath}\0${hashText(text)}`).sort();
  return hashText(parts.join('\n'));
}

async function analyseInParallel(paths: string[], texts: Map<string, string>, ignoredByFile: Record<string, string[]>, settings: LintSettings): Promise<AnalysisResult[]> {
  const request = (batch: string[]): AnalysisRequest => ({
    root: settings.root,
    selection: { select: settings.select, ignore: settings.ignore, severities: settings.severities },
    ruleOptions: settings.ruleOptions,
    paths: batch,
    texts: Object.fromEntries(texts),
    ignoredByFile,
    ...(timingEnabled() ? { timing: true } : {}),
  });
  const size = paths.reduce((sum, filePath) => sum + texts.get(filePath)!.length, 0);
  const requested = threadsFromEnvironment();
  const threads = Math.min(settings.threads ?? requested ?? os.availableParallelism(), paths.length);
  // A thread count asked for explicitly is used whatever the size of the run.
  if (threads <= 1 || (requested === undefined && size < WORKER_THRESHOLD_CHARS)) return analyse(request(paths));

  // This thread takes one share and workers the others, so one core's start-up cost is saved.
  const batches = balance(paths, texts, threads);
  const [own, ...others] = batches;
  const workerResults = others.map((batch) => runWorker(request(batch)));
  const ownResults = await analyse(request(own!));
  return [...ownResults, ...(await Promise.all(workerResults)).flat()];
}

/**
 * `MODAL_LINT_THREADS=1` keeps a run on one thread (profiling, constrained CI runners);
 * `MODAL_LINT_THREADS=N` spreads every run over N threads, however small.
 */
function threadsFromEnvironment(): number | undefined {
  const value = Number(process.env.MODAL_LINT_THREADS);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Splits files into batches of similar total size, biggest files first. */
function balance(paths: string[], texts: Map<string, string>, count: number): string[][] {
  const batches = Array.from({ length: count }, () => ({ size: 0, paths: [] as string[] }));
  const bySize = [...paths].sort((a, b) => texts.get(b)!.length - texts.get(a)!.length);
  for (const filePath of bySize) {
    const smallest = batches.reduce((min, batch) => (batch.size < min.size ? batch : min));
    smallest.paths.push(filePath);
    smallest.size += texts.get(filePath)!.length;
  }
  return batches.map((batch) => batch.paths);
}

function runWorker(request: AnalysisRequest): Promise<AnalysisResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    worker.once('message', (message: { results?: AnalysisResult[]; error?: string; timings?: Record<string, number> }) => {
      addTimings(message.timings);
      if (message.results) resolve(message.results);
      else reject(new Error(`worker failed: ${message.error}`));
    });
    worker.once('error', reject);
    worker.postMessage(request);
  });
}
