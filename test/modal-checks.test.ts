import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../src/rules/index.js';

/** docs/modal-checks.md: modal-client's definition-time checks, each with a status. */
const root = new URL('../', import.meta.url);
const text = fs.readFileSync(new URL('docs/modal-checks.md', root), 'utf8');
const STATUSES = ['mirrored', 'decidable', 'not decidable', 'run time'] as const;
const FILES = [
  'app.py', '_functions.py', '_partial_function.py', '_image.py', 'cls.py', 'volume.py', 'secret.py', 'dict.py', 'queue.py',
  'schedule.py', '_utils/function_utils.py', '_utils/name_utils.py',
];

interface Row { file: string; line: number; condition: string; status: string; detail: string }

const rows: Row[] = [];
for (const line of text.split('\n')) {
  const match = /^\| `([\w/]+\.py):(\d+)` \| (.+) \| ([a-z ]+) \| (.+) \|$/.exec(line);
  if (match) rows.push({ file: match[1]!, line: Number(match[2]), condition: match[3]!, status: match[4]!, detail: match[5]! });
}

describe('docs/modal-checks.md', () => {
  it('lists each site once, in the files it covers, in order, with a known status', () => {
    expect(rows.length).toBeGreaterThan(150);
    const sites = rows.map((row) => `${row.file}:${row.line}`);
    expect(new Set(sites).size).toBe(sites.length);
    for (const row of rows) {
      expect(FILES, row.file).toContain(row.file);
      expect(STATUSES, `${row.file}:${row.line}`).toContain(row.status);
      expect(row.condition.length, `${row.file}:${row.line}`).toBeGreaterThan(10);
    }
    for (let index = 1; index < rows.length; index += 1) {
      const [previous, current] = [rows[index - 1]!, rows[index]!];
      if (previous.file === current.file) expect(current.line, `${current.file}:${current.line}`).toBeGreaterThan(previous.line);
    }
  });

  it('gives counts per status that match the rows', () => {
    for (const status of STATUSES) {
      const stated = new RegExp(`^\\| ${status} \\| (\\d+) \\|$`, 'm').exec(text);
      expect(stated, status).not.toBeNull();
      expect(Number(stated![1]), status).toBe(rows.filter((row) => row.status === status).length);
    }
    expect(Number(/^\| total \| (\d+) \|$/m.exec(text)?.[1])).toBe(rows.length);
  });

  it('names, for each mirrored site, a rule that exists and a fixture of that rule that reports it', () => {
    const ids = new Set(RULES.map((rule) => rule.id));
    for (const row of rows.filter((candidate) => candidate.status === 'mirrored')) {
      const match = /^`([a-z-]+)`: `(fixtures\/([a-z-]+)\/[\w.]+)`$/.exec(row.detail);
      expect(match, `${row.file}:${row.line}: ${row.detail}`).not.toBeNull();
      const [, rule, fixture, folder] = match!;
      expect(ids, `${row.file}:${row.line}`).toContain(rule);
      expect(folder).toBe(rule);
      const path = new URL(fixture!, root);
      expect(fs.existsSync(path), fixture).toBe(true);
      expect(fs.readFileSync(path, 'utf8'), fixture).toContain(`# error: [${rule}]`);
    }
  });

  it('names only rules that exist wherever it names a rule', () => {
    const ids = new Set(RULES.map((rule) => rule.id));
    for (const row of rows) {
      for (const [, name] of row.detail.matchAll(/`([a-z]+(?:-[a-z]+)+)`/g)) expect(ids, `${row.file}:${row.line}`).toContain(name);
      for (const [, path] of row.detail.matchAll(/`(fixtures\/[\w./-]+)`/g)) expect(fs.existsSync(new URL(path!, root)), path).toBe(true);
    }
  });
});
