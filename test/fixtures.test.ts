import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/engine/lint.js';
import { ALL_RULE_META } from '../src/engine/rule-set.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const MARKER = /#\s*error:\s*\[([^\]]+)\]/g;

function pythonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return pythonFiles(full);
    return entry.name.endsWith('.py') ? [full] : [];
  });
}

/** `line:rule` for every marker of the given rule, in file order. */
function expectedFindings(source: string, ruleId: string): string[] {
  const expected: string[] = [];
  source.split(/\r\n|\r|\n/).forEach((text, index) => {
    for (const match of text.matchAll(MARKER)) {
      for (const id of match[1]!.split(',').map((s) => s.trim())) if (id === ruleId) expected.push(`${index + 1}:${id}`);
    }
  });
  return [...new Set(expected)];
}

const ruleFolders = fs.readdirSync(FIXTURES).filter((name) => fs.statSync(path.join(FIXTURES, name)).isDirectory()).sort();

describe('fixtures', () => {
  it('has a folder with failing and silent cases for every rule', () => {
    for (const rule of ALL_RULE_META) {
      expect(ruleFolders, `fixtures/${rule.id}/`).toContain(rule.id);
      const names = pythonFiles(path.join(FIXTURES, rule.id)).map((f) => path.basename(f));
      expect(names.some((n) => n.startsWith('fail_')) || pythonFiles(path.join(FIXTURES, rule.id)).some((f) => f.includes('/fail_')), `${rule.id} has a failing fixture`).toBe(true);
      expect(names.some((n) => n.startsWith('ok_')), `${rule.id} has a silent fixture`).toBe(true);
    }
  });

  for (const ruleId of ruleFolders) {
    describe(ruleId, () => {
      const dir = path.join(FIXTURES, ruleId);
      const files = pythonFiles(dir);
      // One run per folder, so cross-file cases (an App imported from a sibling module) resolve.
      const report = lint(files.map((file) => ({ path: file })), {
        root: dir,
        toolVersion: 'test',
        select: null,
        ignore: [],
        severities: {},
        ruleOptions: {},
        ignoredForFile: () => new Set(),
      });
      for (const file of files) {
        it(path.relative(dir, file), async () => {
          const result = (await report).files.find((f) => f.path === file)!;
          const actual = [...new Set(result.diagnostics.filter((d) => d.ruleId === ruleId).map((d) => `${d.range.start.line}:${d.ruleId}`))];
          expect(actual).toEqual(expectedFindings(fs.readFileSync(file, 'utf8'), ruleId));
        });
      }
    });
  }
});

/**
 * Fix fixtures: `fix_<name>.py` next to `fix_<name>.py.fixed` (the text after `--fix`) and,
 * optionally, `fix_<name>.py.unsafe-fixed` (after `--fix --unsafe-fixes`).
 */
describe('fix fixtures', () => {
  const settings = {
    toolVersion: 'test',
    select: null,
    ignore: [],
    severities: {},
    ruleOptions: {},
    ignoredForFile: () => new Set<string>(),
  };
  const inputs = ruleFolders.flatMap((rule) => pythonFiles(path.join(FIXTURES, rule))).filter((file) => path.basename(file).startsWith('fix_'));
  for (const input of inputs) {
    for (const [suffix, unsafe] of [['.fixed', false], ['.unsafe-fixed', true]] as const) {
      const expectedPath = input + suffix;
      if (!fs.existsSync(expectedPath)) continue;
      it(`${path.relative(FIXTURES, input)} ${unsafe ? 'with --unsafe-fixes' : 'with --fix'}`, async () => {
        const { fixSource } = await import('../src/fix/fix-source.js');
        const result = await fixSource(input, fs.readFileSync(input, 'utf8'), { ...settings, root: path.dirname(input) }, unsafe);
        expect(result.refused).toBeUndefined();
        expect(result.text).toBe(fs.readFileSync(expectedPath, 'utf8'));
        // Idempotent: fixing the fixed text changes nothing.
        const again = await fixSource(input, result.text, { ...settings, root: path.dirname(input) }, unsafe);
        expect(again.text).toBe(result.text);
      });
      it(`${path.relative(FIXTURES, input)} ${unsafe ? 'with --unsafe-fixes' : 'with --fix'}, CRLF line endings kept`, async () => {
        const { fixSource } = await import('../src/fix/fix-source.js');
        const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');
        const result = await fixSource(input, crlf(fs.readFileSync(input, 'utf8')), { ...settings, root: path.dirname(input) }, unsafe);
        expect(result.text).toBe(crlf(fs.readFileSync(expectedPath, 'utf8')));
      });
    }
  }
});
