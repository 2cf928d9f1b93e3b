#!/usr/bin/env node
// Runs the engine fuzzer (test/fuzz.test.ts) with many cases: `npm run fuzz`, or
// `npm run fuzz -- --runs 50000 --seed 123 [--path 1:2:3] [--strict]`.
// It prints the number of cases, the time, and any failing seed with its shrunk counterexample;
// contained problems (a rule crash the engine turned into a notice, a fix refused because it would
// break the syntax, a slow case) are listed too, and fail the run with --strict.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    path: { type: 'string' },
    strict: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`fuzz: --runs needs a whole number >= 1, got "${values.runs}"`);
  process.exit(2);
}

const root = path.resolve(import.meta.dirname, '..');
const env = { ...process.env, MODAL_LINT_FUZZ_RUNS: String(runs) };
if (values.seed !== undefined) env.MODAL_LINT_FUZZ_SEED = values.seed;
if (values.path !== undefined) env.MODAL_LINT_FUZZ_PATH = values.path;
if (values.strict) env.MODAL_LINT_FUZZ_STRICT = '1';

const started = Date.now();
// The default reporter only: the JSON results file belongs to `npm test`.
const vitest = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/fuzz.test.ts', '--reporter=default'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (vitest.error) {
  console.error(`fuzz: could not start vitest: ${vitest.error.message}`);
  process.exit(2);
}
console.log(`fuzz: ${vitest.status === 0 ? 'passed' : 'FAILED'}: ${runs} cases requested, ${seconds} s in all (the "fuzz:" lines above give the seed and any counterexample)`);
process.exit(vitest.status ?? 1);
