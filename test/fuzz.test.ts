import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../src/cli/run.js';
import { decodeSource } from '../src/engine/decode.js';
import { lint, type LintSettings } from '../src/engine/lint.js';
import { eligibleFixes } from '../src/fix/apply.js';
import { fixSource } from '../src/fix/fix-source.js';
import { runFixes } from '../src/fix/run-fixes.js';
import { getParser, parseWith } from '../src/parser/parser.js';
import { FORMAT_NAMES, formatReport } from '../src/reporters/index.js';
import { REPOSITORY_ROOT } from './helpers/run-cli.js';
import { validateSarif } from './helpers/sarif-schema.js';

/**
 * Property-based fuzzing of the engine, in process: valid Modal apps from fixtures/ and examples/
 * are mutated (byte flips, truncation, token deletion and duplication, odd Unicode, deep nesting,
 * line-ending changes, byte-order marks), then linted, reported in every format, and fixed.
 *
 * `npm test` runs a short pass; `npm run fuzz` runs 10,000 cases or more. Environment:
 * MODAL_LINT_FUZZ_RUNS (cases), MODAL_LINT_FUZZ_SEED (replay a seed), MODAL_LINT_FUZZ_PATH (replay
 * a shrunk counterexample with the seed), MODAL_LINT_FUZZ_STRICT=1 (a rule crash, which the engine
 * turns into a notice, or a fix refused for breaking the syntax, also fails the run).
 */

const RUNS = Number(process.env.MODAL_LINT_FUZZ_RUNS ?? 400);
const SEED = process.env.MODAL_LINT_FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 2 ** 31) : Number(process.env.MODAL_LINT_FUZZ_SEED);
const REPLAY_PATH = process.env.MODAL_LINT_FUZZ_PATH;
const STRICT = process.env.MODAL_LINT_FUZZ_STRICT === '1';

function corpusFiles(): Map<string, Buffer> {
  const corpus = new Map<string, Buffer>();
  const add = (dir: string, recursive: boolean) => {
    for (const name of fs.readdirSync(dir, { recursive }) as string[]) {
      if (!name.endsWith('.py')) continue;
      const file = path.join(dir, name);
      try {
        corpus.set(path.relative(REPOSITORY_ROOT, file).split(path.sep).join('/'), fs.readFileSync(file));
      } catch {
        // A fixture removed while the corpus is read.
      }
    }
  };
  add(path.join(REPOSITORY_ROOT, 'fixtures'), true);
  add(path.join(REPOSITORY_ROOT, 'examples'), false);
  return corpus;
}

const CORPUS = corpusFiles();
const NAMES = [...CORPUS.keys()].sort();

// ---------------------------------------------------------------------------------------------
// Mutations. Positions are drawn as naturals and taken modulo the current length, so they shrink
// towards the start of the file and stay valid after earlier mutations changed the length.

type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete-token'; at: number }
  | { kind: 'duplicate-token'; at: number; times: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'nest'; at: number; open: string; depth: number; closed: boolean }
  | { kind: 'indent'; line: number; text: string }
  | { kind: 'line-endings'; style: 'crlf' | 'cr' | 'mixed'; seed: number }
  | { kind: 'bom'; at: number };

const ODD_TEXT = [
  '\u0301', 'e\u0301\u0308', '\u0308\u0301\u0323', '😀', '👩‍👩‍👧', '𝔘𝔫𝔦', '\uD83D', '\uDE00', '\u200B', '\u200D', '\u2028', '\u2029', '\u0085',
  '\uFEFF', '\u202E', '\uFFFD', '\uFFFF', '\t', '\f', '\v', '\x1b[31m', '\\', '\\\n', 'ｍｏｄａｌ', 'ß', 'İ', 'ǅ', '\u00A0', '"""', "'", '#', ':', '@',
  ' # modal-lint: ignore[heavy-import-at-module-level]', '# modal-lint: file-ignore[]', 'modal.', 'import torch\n', '\n    ', '\r', '\r\n',
];
const NEST_OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', 'f(': ')', '{1: ': '}', 'not ': '', '-': '', 'lambda: ': '', 'x.': '', 'a if b else ': '' };

const position = fc.nat({ max: 1_000_000 });
const insertedText = fc.oneof(
  fc.constantFrom(...ODD_TEXT),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
);

function mutationArbitrary(maxDepth: number): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: position, byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: position }),
    fc.record({ kind: fc.constant('delete-token' as const), at: position }),
    fc.record({ kind: fc.constant('duplicate-token' as const), at: position, times: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: position, text: insertedText }),
    fc.record({ kind: fc.constant('nest' as const), at: position, open: fc.constantFrom(...Object.keys(NEST_OPENERS)), depth: fc.integer({ min: 1, max: maxDepth }), closed: fc.boolean() }),
    fc.record({ kind: fc.constant('indent' as const), line: position, text: fc.constantFrom(' ', '    ', '\t', ' \t', '\f') }),
    fc.record({ kind: fc.constant('line-endings' as const), style: fc.constantFrom('crlf' as const, 'cr' as const, 'mixed' as const), seed: fc.nat() }),
    fc.record({ kind: fc.constant('bom' as const), at: fc.oneof(fc.constant(0), position) }),
  );
}

const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const TOKEN = /\s+|\w+|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[^\w\s]/g;

function applyToText(bytes: Buffer, change: (text: string) => string): Buffer {
  return Buffer.from(change(lenient.decode(bytes)), 'utf8');
}

function mutate(original: Buffer, mutations: readonly Mutation[]): Buffer {
  let bytes = original;
  for (const mutation of mutations) {
    switch (mutation.kind) {
      case 'flip': {
        if (bytes.length === 0) break;
        bytes = Buffer.from(bytes);
        bytes[mutation.at % bytes.length] = mutation.byte;
        break;
      }
      case 'truncate':
        bytes = bytes.subarray(0, mutation.at % (bytes.length + 1));
        break;
      case 'bom': {
        const at = mutation.at % (bytes.length + 1);
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xef, 0xbb, 0xbf]), bytes.subarray(at)]);
        break;
      }
      case 'delete-token':
      case 'duplicate-token':
        bytes = applyToText(bytes, (text) => {
          const tokens = [...text.matchAll(TOKEN)];
          if (tokens.length === 0) return text;
          const token = tokens[mutation.at % tokens.length]!;
          const start = token.index;
          const end = start + token[0].length;
          const replacement = mutation.kind === 'delete-token' ? '' : token[0].repeat(mutation.times + 1);
          return text.slice(0, start) + replacement + text.slice(end);
        });
        break;
      case 'insert':
        // A UTF-16 index: the insertion may split a surrogate pair, leaving two lone halves.
        bytes = applyToText(bytes, (text) => {
          const at = mutation.at % (text.length + 1);
          return text.slice(0, at) + mutation.text + text.slice(at);
        });
        break;
      case 'nest':
        bytes = applyToText(bytes, (text) => {
          const at = mutation.at % (text.length + 1);
          const close = NEST_OPENERS[mutation.open]!;
          const nested = mutation.open.repeat(mutation.depth) + 'modal.App("Nested_App")' + (mutation.closed ? close.repeat(mutation.depth) : '');
          return text.slice(0, at) + nested + text.slice(at);
        });
        break;
      case 'indent':
        bytes = applyToText(bytes, (text) => {
          const lines = text.split('\n');
          const line = mutation.line % lines.length;
          lines[line] = mutation.text + lines[line];
          return lines.join('\n');
        });
        break;
      case 'line-endings':
        bytes = applyToText(bytes, (text) => {
          if (mutation.style !== 'mixed') return text.replace(/\r\n|\r|\n/g, mutation.style === 'crlf' ? '\r\n' : '\r');
          let state = mutation.seed;
          return text.replace(/\r\n|\r|\n/g, () => {
            state = (state * 1103515245 + 12345) % 2 ** 31;
            return ['\n', '\r\n', '\r'][(state >> 16) % 3]!;
          });
        });
        break;
    }
  }
  return bytes;
}

interface Plan {
  file: string;
  mutations: Mutation[];
  unsafe: boolean;
}

function planArbitrary(maxDepth: number): fc.Arbitrary<Plan> {
  return fc.record({
    file: fc.constantFrom(...NAMES),
    mutations: fc.array(mutationArbitrary(maxDepth), { minLength: 1, maxLength: 4 }),
    unsafe: fc.boolean(),
  });
}

// ---------------------------------------------------------------------------------------------
// The property.

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-fuzz-'));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

function settings(): LintSettings {
  return { root: workDir, toolVersion: 'fuzz', select: null, ignore: [], severities: {}, ruleOptions: {}, ignoredForFile: () => new Set<string>(), threads: 1 };
}

/** Problems that the engine contains (a rule crash becomes a notice; a breaking fix is refused) but that are bugs all the same. */
const contained = new Map<string, { count: number; example: Plan; source: string }>();

function record(kind: string, plan: Plan, source: string): void {
  const seen = contained.get(kind);
  if (seen) {
    seen.count++;
    if (source.length < seen.source.length) Object.assign(seen, { example: plan, source });
  } else contained.set(kind, { count: 1, example: plan, source });
}

async function parses(text: string): Promise<boolean> {
  return !parseWith(await getParser(), text).hasError;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A case slower than this is recorded (and printed with MODAL_LINT_FUZZ_VERBOSE=1). */
const SLOW_MS = 5_000;
const VERBOSE = process.env.MODAL_LINT_FUZZ_VERBOSE === '1';

let casesDone = 0;
const runStarted = Date.now();

async function checkPlan(plan: Plan): Promise<void> {
  const started = Date.now();
  if (++casesDone % 1000 === 0) console.log(`fuzz: ${casesDone} cases so far, ${((Date.now() - runStarted) / 1000).toFixed(0)} s`);
  if (VERBOSE) console.log(`fuzz case start ${JSON.stringify(plan)}`);
  try {
    await checkPlanOnce(plan);
  } finally {
    const ms = Date.now() - started;
    if (ms > SLOW_MS) record(`slow case (over ${SLOW_MS / 1000} s)`, plan, lenient.decode(mutate(CORPUS.get(plan.file)!, plan.mutations)));
    if (VERBOSE) console.log(`fuzz case ${ms} ms ${JSON.stringify(plan).slice(0, 300)}`);
  }
}

async function checkPlanOnce(plan: Plan): Promise<void> {
  const bytes = mutate(CORPUS.get(plan.file)!, plan.mutations);
  // A neighbour with a known finding: each case also checks that it is still reported.
  const target = path.join(workDir, 'case.py');
  const neighbour = path.join(workDir, 'neighbour.py');
  fs.writeFileSync(target, bytes);
  fs.writeFileSync(neighbour, 'import modal\nimport torch\napp = modal.App("neighbour")\n');
  const lintSettings = settings();

  const report = await lint([{ path: target }, { path: neighbour }], lintSettings);
  expect([0, 1]).toContain(exitCodeFor({ ...report, files: [report.files[0]!] }, undefined));
  expect(exitCodeFor(report, undefined)).toBe(1);
  expect(report.files[1]!.diagnostics.map((d) => d.ruleId)).toEqual(['heavy-import-at-module-level']);
  for (const format of FORMAT_NAMES) formatReport(report, format, { color: false });
  const sarifProblems = validateSarif(JSON.parse(formatReport(report, 'sarif', { color: false })));
  expect(sarifProblems).toEqual([]);

  const file = report.files[0]!;
  const decoded = decodeSource(bytes);
  for (const notice of file.notices ?? []) {
    const crash = /^internal error in rule ([a-z-]+): (.*); please report it$/.exec(notice);
    if (crash) {
      record(`rule ${crash[1]} crashed: ${crash[2]!.slice(0, 120)}`, plan, decoded.text);
      if (STRICT) throw new Error(notice);
    }
  }
  const parsedBefore = file.source !== undefined && (await parses(file.source));

  if (file.source !== undefined) {
    const fixed = await fixSource(target, file.source, lintSettings, plan.unsafe);
    if (parsedBefore) expect(await parses(fixed.text), 'fixSource broke a file that parsed').toBe(true);
    if (fixed.refused) {
      record('a fix would break the syntax (refused)', plan, file.source);
      if (STRICT) throw new Error(fixed.refused);
    }
  }

  const fixable = eligibleFixes(file.diagnostics, plan.unsafe).length > 0;
  await runFixes(report, lintSettings, { unsafe: plan.unsafe, diffOnly: false, stdin: false });
  const after = fs.readFileSync(target);
  if (!fixable) expect(after.equals(bytes), 'a file without fixable findings was rewritten').toBe(true);
  else if (!after.equals(bytes)) {
    expect(decodeSource(after).notices).toEqual([]);
    if (parsedBefore) expect(await parses(decodeSource(after).text), 'the written fix does not parse').toBe(true);
    expect(after.subarray(0, 3).equals(BOM), 'the byte-order mark was not kept').toBe(bytes.subarray(0, 3).equals(BOM));
  }
}

function describePlan(plan: Plan): string {
  const source = lenient.decode(mutate(CORPUS.get(plan.file)!, plan.mutations));
  const shown = source.length > 2000 ? `${source.slice(0, 2000)}… (${source.length} characters)` : source;
  return `${JSON.stringify(plan)}\nmutated source: ${JSON.stringify(shown)}`;
}

describe('fuzzing the engine with mutated Modal apps', () => {
  it('has a corpus', () => {
    expect(NAMES.length).toBeGreaterThan(20);
  });

  // Deeper nesting (10,000 levels) has its own tests in bad-input.test.ts; here it is one mutation among many.
  const maxDepth = RUNS > 1000 ? 1000 : 400;
  it(`${RUNS} mutated files: nothing escapes, exit 0 or 1, valid SARIF, fixes keep files parsing, unfixable files untouched`, async () => {
    const started = Date.now();
    const details = await fc.check(fc.asyncProperty(planArbitrary(maxDepth), checkPlan), {
      numRuns: RUNS,
      seed: SEED,
      ...(REPLAY_PATH === undefined ? {} : { path: REPLAY_PATH }),
      endOnFailure: false,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const lines = [`fuzz: ${details.numRuns} cases in ${seconds} s (seed ${details.seed}, corpus of ${NAMES.length} files, nesting up to ${maxDepth})`];
    for (const [kind, { count, example, source }] of contained) {
      lines.push(`fuzz: contained problem, ${count} case(s): ${kind}\n  smallest example: ${JSON.stringify(example)}\n  source: ${JSON.stringify(source.length > 600 ? `${source.slice(0, 600)}…` : source)}`);
    }
    if (details.failed) {
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      lines.push(
        `fuzz: FAILED after ${details.numRuns} case(s), shrunk ${details.numShrinks} time(s)`,
        `fuzz: replay with MODAL_LINT_FUZZ_SEED=${details.seed} MODAL_LINT_FUZZ_PATH=${details.counterexamplePath}`,
        `fuzz: counterexample: ${details.counterexample ? describePlan(details.counterexample[0]) : '(none)'}`,
        `fuzz: error: ${error}`,
      );
    }
    console.log(lines.join('\n'));
    expect(details.failed, lines.join('\n')).toBe(false);
  }, Math.max(120_000, RUNS * 1_000));
});
