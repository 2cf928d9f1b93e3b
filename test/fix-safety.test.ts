import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePython } from '../src/parser/parser.js';
import { cleanEnv, REPOSITORY_ROOT } from './helpers/run-cli.js';
import { runCli, startCli, treeMaker, writeTree } from './helpers/robustness.js';

/**
 * `--fix` through the built CLI: atomic replacement, mode, byte-order mark and line endings kept,
 * idempotence, two concurrent runs on one tree, and files edited while a run fixes them.
 */

const trees = treeMaker('modal-lint-fix-safety-');
afterAll(trees.cleanup);

/** Fixable inputs: the `fix_*.py` fixtures (rules with safe fixes), read at test time. */
function fixableFixtures(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const ruleDir of fs.readdirSync(path.join(REPOSITORY_ROOT, 'fixtures'))) {
    const dir = path.join(REPOSITORY_ROOT, 'fixtures', ruleDir);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const name of fs.readdirSync(dir)) {
      if (/^fix_.*\.py$/.test(name)) files[`${ruleDir}__${name}`] = fs.readFileSync(path.join(dir, name), 'utf8');
    }
  }
  return files;
}

let INPUTS: Record<string, string> = {};
/** What a sequential `--fix` makes of each input: the only acceptable fixed content. */
let FIXED: Record<string, string> = {};
/** The same with `--unsafe-fixes`, for every input it changes (some of these fixes insert lines). */
let UNSAFE_FIXED: Record<string, string> = {};

beforeAll(() => {
  const all = fixableFixtures();
  const dir = trees.make(all);
  expect([0, 1]).toContain(runCli(['--no-cache', '--fix', '.'], { cwd: dir }).code);
  for (const name of Object.keys(all)) {
    const after = fs.readFileSync(path.join(dir, name), 'utf8');
    // Only inputs that a safe fix changes are useful here.
    if (after !== all[name]) {
      INPUTS[name] = all[name]!;
      FIXED[name] = after;
    }
  }
  const unsafeDir = trees.make(all);
  expect([0, 1]).toContain(runCli(['--no-cache', '--fix', '--unsafe-fixes', '.'], { cwd: unsafeDir }).code);
  for (const name of Object.keys(all)) {
    const after = fs.readFileSync(path.join(unsafeDir, name), 'utf8');
    if (after !== all[name]) UNSAFE_FIXED[name] = after;
  }
});

function someInputs(count: number): Record<string, string> {
  return Object.fromEntries(Object.entries(INPUTS).slice(0, count));
}

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');
const cr = (text: string) => text.replace(/\r?\n/g, '\r');
const temporaries = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).filter((name) => name.includes('.modal-lint.tmp'));

/** A CommonJS file for NODE_OPTIONS=--require, written next to (not inside) the linted tree. */
function preload(name: string, code: string): string {
  const dir = trees.make();
  const file = path.join(dir, name);
  fs.writeFileSync(file, code);
  return file;
}

describe('--fix writes safely', () => {
  it('has fixable inputs (rules with safe fixes)', () => {
    expect(Object.keys(INPUTS).length, 'no fixture with a safe fix: see --list-rules and fixtures/*/fix_*.py').toBeGreaterThan(2);
  });

  it('replaces each file atomically: a temporary file in the same folder renamed over it; mode kept; no temporary left', () => {
    const inputs = someInputs(3);
    const dir = trees.make(inputs);
    const names = Object.keys(inputs);
    const modes = [0o751, 0o600, 0o644];
    names.forEach((name, index) => fs.chmodSync(path.join(dir, name), modes[index]!));
    // A hard link keeps the old inode: after a rename it still holds the original text.
    fs.linkSync(path.join(dir, names[0]!), path.join(dir, 'hard-link.txt'));
    const inodes = names.map((name) => fs.statSync(path.join(dir, name)).ino);
    const log = path.join(trees.make(), 'renames.log');
    const hook = preload('log-renames.cjs', `
      const fs = require('node:fs');
      const rename = fs.renameSync;
      fs.renameSync = function (from, to) {
        fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify([String(from), String(to)]) + '\\n');
        return rename.apply(this, arguments);
      };
    `);
    const run = runCli(['--no-cache', '--fix', '.'], { cwd: dir, env: cleanEnv({ NODE_OPTIONS: `--require ${hook}` }) });
    expect([0, 1]).toContain(run.code);
    expect(run.stderr).toMatch(/modal-lint: fixed \d+ problems in 3 files/);
    const renames = fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as [string, string]);
    expect(renames.map(([, to]) => path.basename(to)).sort()).toEqual([...names].sort());
    for (const [from, to] of renames) {
      expect(path.dirname(from)).toBe(path.dirname(to));
      expect(path.basename(from)).toMatch(new RegExp(`^\\.${path.basename(to).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+\\.[0-9a-f]+\\.modal-lint\\.tmp$`));
    }
    names.forEach((name, index) => {
      const file = path.join(dir, name);
      expect(fs.readFileSync(file, 'utf8')).toBe(FIXED[name]);
      expect(fs.statSync(file).mode & 0o7777, name).toBe(modes[index]);
      expect(fs.statSync(file).ino, name).not.toBe(inodes[index]);
    });
    expect(fs.readFileSync(path.join(dir, 'hard-link.txt'), 'utf8')).toBe(inputs[names[0]!]);
    expect(temporaries(dir)).toEqual([]);
  });

  it('keeps a byte-order mark and CRLF line endings (including in lines a fix inserts)', () => {
    const names = Object.keys(UNSAFE_FIXED);
    const lineCount = (text: string) => text.split('\n').length;
    expect(names.some((name) => lineCount(UNSAFE_FIXED[name]!) > lineCount(fixableFixtures()[name]!)), 'a fix that inserts a line').toBe(true);
    const inputs = Object.fromEntries(names.map((name) => [name, Buffer.from(`\uFEFF${crlf(fixableFixtures()[name]!)}`, 'utf8')]));
    const dir = trees.make(inputs);
    const run = runCli(['--no-cache', '--fix', '--unsafe-fixes', '.'], { cwd: dir });
    expect([0, 1]).toContain(run.code);
    for (const name of names) {
      const after = fs.readFileSync(path.join(dir, name));
      expect(after.subarray(0, 3), name).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const text = after.subarray(3).toString('utf8');
      expect(text.match(/(?<!\r)\n/g), `${name}: a bare LF`).toBeNull();
      expect(text, name).toBe(crlf(UNSAFE_FIXED[name]!));
    }
  });

  it('a file that starts with two byte-order marks is fixed at the right offsets (the second mark is text)', () => {
    const inputs = Object.fromEntries(Object.entries(INPUTS).map(([name, text]) => [name, Buffer.from(`\uFEFF\uFEFF${text}`, 'utf8')]));
    const dir = trees.make(inputs);
    expect([0, 1]).toContain(runCli(['--no-cache', '--fix', '.'], { cwd: dir }).code);
    for (const name of Object.keys(inputs)) expect(fs.readFileSync(path.join(dir, name), 'utf8'), name).toBe(`\uFEFF\uFEFF${FIXED[name]!}`);
  });

  it('keeps lone-CR line endings', () => {
    const inputs = Object.fromEntries(Object.entries(INPUTS).map(([name, text]) => [name, cr(text)]));
    const dir = trees.make(inputs);
    expect([0, 1]).toContain(runCli(['--no-cache', '--fix', '.'], { cwd: dir }).code);
    for (const name of Object.keys(inputs)) expect(fs.readFileSync(path.join(dir, name), 'utf8'), name).toBe(cr(FIXED[name]!));
  });

  it('is idempotent: a second --fix changes nothing and rewrites nothing, and --diff then has nothing to show', () => {
    const dir = trees.make(INPUTS);
    const first = runCli(['--no-cache', '--fix', '.'], { cwd: dir });
    expect([0, 1]).toContain(first.code);
    const before = Object.keys(INPUTS).map((name) => ({ name, bytes: fs.readFileSync(path.join(dir, name)), stats: fs.statSync(path.join(dir, name)) }));
    const second = runCli(['--no-cache', '--fix', '.'], { cwd: dir });
    expect(second.code).toBe(first.code);
    expect(second.stderr).not.toMatch(/fixed \d+ problem/);
    for (const { name, bytes, stats } of before) {
      const now = fs.statSync(path.join(dir, name));
      expect(fs.readFileSync(path.join(dir, name)).equals(bytes), name).toBe(true);
      expect([now.ino, now.mtimeMs], name).toEqual([stats.ino, stats.mtimeMs]);
    }
    const diff = runCli(['--no-cache', '--diff', '.'], { cwd: dir });
    expect(diff.code).toBe(0);
    expect(diff.stdout).toBe('');
    expect(diff.stderr).toBe('modal-lint: no fixes available\n');
  });

  it('two --fix runs at once on one tree: every file ends up original or correctly fixed, and parses', async () => {
    // Several copies of each input, so the two runs contend for many files.
    const inputs: Record<string, string> = {};
    for (const [name, text] of Object.entries(INPUTS)) for (const copy of [1, 2, 3]) inputs[`copy${copy}/${name}`] = text;
    let refusals = 0;
    for (let round = 0; round < 4; round++) {
      const dir = trees.make(inputs);
      const runs = await Promise.all([startCli(['--no-cache', '--fix', '.'], { cwd: dir }), startCli(['--no-cache', '--fix', '.'], { cwd: dir })]);
      for (const run of runs) {
        expect([0, 1], run.stderr).toContain(run.code);
        expect(run.stderr).not.toMatch(/internal error|could not be written/);
        refusals += (run.stderr.match(/not fixed: the file changed on disk/g) ?? []).length;
      }
      for (const [name, original] of Object.entries(inputs)) {
        const after = fs.readFileSync(path.join(dir, name), 'utf8');
        const fixed = FIXED[path.basename(name)]!;
        expect([original, fixed], name).toContain(after);
        expect((await parsePython(after)).hasError, name).toBe(false);
      }
      expect(temporaries(dir)).toEqual([]);
    }
    console.log(`fix-safety: concurrent --fix runs, 4 rounds of ${Object.keys(inputs).length} files: ${refusals} write(s) refused because the other run had changed the file`);
  }, 300_000);
});

describe('a file edited while --fix works on it is not overwritten, and the user is told', () => {
  /**
   * The hook appends a line to the target right after the CLI's Nth read of it. A --fix run reads
   * a file to lint it (1), again before fixing it (2), and twice more while writing it (3, 4).
   */
  const hook = () => preload('edit-after-read.cjs', `
    const fs = require('node:fs');
    const target = process.env.EDIT_TARGET;
    const after = Number(process.env.EDIT_AFTER_READ);
    const read = fs.readFileSync;
    let count = 0;
    fs.readFileSync = function (file) {
      const result = read.apply(this, arguments);
      if (String(file) === target && ++count === after) fs.appendFileSync(target, '# edited meanwhile\\n');
      return result;
    };
  `);
  const cases: Array<[number, string]> = [
    [1, 'the file changed on disk after it was linted'],
    [2, 'the file changed on disk while it was being fixed; it was not overwritten'],
    [3, 'the file changed on disk while it was being fixed; it was not overwritten'],
  ];
  for (const [read, message] of cases) {
    it(`edited right after read ${read}: "${message}"`, () => {
      const [name, original] = Object.entries(INPUTS)[0]!;
      const [otherName] = Object.keys(INPUTS).slice(1);
      const dir = trees.make({ [name]: original, [otherName!]: INPUTS[otherName!]! });
      const target = path.join(dir, name);
      const run = runCli(['--no-cache', '--fix', '--format', 'concise', '.'], {
        cwd: dir,
        env: cleanEnv({ NODE_OPTIONS: `--require ${hook()}`, EDIT_TARGET: target, EDIT_AFTER_READ: String(read) }),
      });
      expect(fs.readFileSync(target, 'utf8')).toBe(`${original}# edited meanwhile\n`);
      expect(run.stderr).toContain(`modal-lint: ${name}: not fixed: ${message}\n`);
      // The other file is fixed; the edited one keeps its findings, so the run fails.
      expect(fs.readFileSync(path.join(dir, otherName!), 'utf8')).toBe(FIXED[otherName!]);
      expect(run.stdout).toContain(`${name}:`);
      expect(run.code).toBe(1);
      expect(temporaries(dir)).toEqual([]);
    });
  }
});

describe('--fix leaves alone what it cannot fix safely', () => {
  it('a file that is not valid UTF-8 is not rewritten, with a message', () => {
    const [name, text] = Object.entries(INPUTS)[0]!;
    const bytes = Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from('# caf\xe9\n', 'latin1')]);
    const dir = trees.make({ [name]: bytes });
    const run = runCli(['--no-cache', '--fix', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`modal-lint: ${name}: not fixed: the file is not valid UTF-8\n`);
    expect(fs.readFileSync(path.join(dir, name)).equals(bytes)).toBe(true);
  });

  it('files without fixable findings are byte-identical and keep their inode', () => {
    const files = { 'plain.py': 'import modal\r\nimport torch\r\napp = modal.App("plain")\r\n', 'bom.py': '\uFEFFimport modal\napp = modal.App("Bad_Name")\n' };
    const dir = trees.make(files);
    writeTree(dir, {});
    const inodes = Object.keys(files).map((name) => fs.statSync(path.join(dir, name)).ino);
    const run = runCli(['--no-cache', '--fix', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    Object.entries(files).forEach(([name, text], index) => {
      expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe(text);
      expect(fs.statSync(path.join(dir, name)).ino).toBe(inodes[index]);
    });
  });
});
