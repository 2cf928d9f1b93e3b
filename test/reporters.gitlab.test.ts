import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileResult } from '../src/diagnostics.js';
import { flaggedText, formatReport, toCodeQuality, type CodeQualityIssue } from '../src/reporters/index.js';
import { cafeFile, cleanReport, makeReport, sampleReport, unicodeFile } from './helpers/sample-report.js';

const CLI = path.resolve(import.meta.dirname, '../dist/cli/main.js');
const temporary: string[] = [];

afterAll(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

function codeQuality(files: FileResult[]): CodeQualityIssue[] {
  const output = formatReport(makeReport(files), 'gitlab', { color: false });
  expect(output.endsWith(']\n')).toBe(true);
  return JSON.parse(output) as CodeQualityIssue[];
}

/** `cafeFile()` with `count` blank lines inserted above everything, and the ranges moved with them. */
function shifted(file: FileResult, count: number): FileResult {
  return {
    ...file,
    source: '\n'.repeat(count) + file.source,
    diagnostics: file.diagnostics.map((d) => ({
      ...d,
      range: { start: { ...d.range.start, line: d.range.start.line + count }, end: { ...d.range.end, line: d.range.end.line + count } },
    })),
  };
}

describe('gitlab format', () => {
  it('emits one Code Quality issue per failure, notice and finding, with GitLab severities', () => {
    const issues = JSON.parse(formatReport(sampleReport(), 'gitlab', { color: true })) as CodeQualityIssue[];
    expect(issues.map(({ fingerprint, ...rest }) => rest)).toEqual([
      {
        description: 'No timeout: a hung call keeps 100% of a GPU, billed\r\nuntil the default limit',
        check_name: 'missing-timeout',
        severity: 'minor',
        location: { path: 'apps/my app/café.py', lines: { begin: 6, end: 6 } },
      },
      {
        description: '`time.sleep` blocks the event loop inside an async function',
        check_name: 'blocking-call-in-async',
        severity: 'major',
        location: { path: 'apps/my app/café.py', lines: { begin: 8, end: 8 } },
      },
      {
        description: 'invalid UTF-8 replaced with U+FFFD',
        check_name: 'modal-lint-notice',
        severity: 'info',
        location: { path: 'apps/unicode.py', lines: { begin: 1, end: 1 } },
      },
      {
        description: '`.remote()` runs at import time',
        check_name: 'remote-call-at-import',
        severity: 'minor',
        location: { path: 'apps/unicode.py', lines: { begin: 2, end: 2 } },
      },
      {
        description: '`.map()` over an unbounded iterable',
        check_name: 'unbounded-map',
        severity: 'info',
        location: { path: 'apps/unicode.py', lines: { begin: 3, end: 5 } },
      },
      {
        description: "EACCES: permission denied, open 'data/report,v2.py'",
        check_name: 'modal-lint-failure',
        severity: 'major',
        location: { path: 'data/report,v2.py', lines: { begin: 1, end: 1 } },
      },
    ]);
    for (const issue of issues) expect(issue.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(issues.map((issue) => issue.fingerprint)).size).toBe(issues.length);
  });

  it('prints an empty array for a clean report', () => {
    expect(formatReport(cleanReport(), 'gitlab', { color: false })).toBe('[]\n');
  });

  it('takes the flagged text by UTF-16 column, across lines and CRLF endings', () => {
    const unicode = unicodeFile();
    const [unbounded, remote] = unicode.diagnostics;
    expect(flaggedText(unicode.source, remote!)).toBe('f.remote(x)');
    expect(flaggedText(unicode.source, unbounded!)).toBe('f.map( items, )');
    expect(flaggedText(undefined, remote!)).toBe('');
  });

  it('keeps fingerprints when lines are inserted above the findings', () => {
    const before = codeQuality([cafeFile(), unicodeFile()]);
    const after = codeQuality([shifted(cafeFile(), 3), shifted(unicodeFile(), 1)]);
    expect(after.map((issue) => issue.fingerprint)).toEqual(before.map((issue) => issue.fingerprint));
    expect(after.map((issue) => issue.location.lines.begin)).not.toEqual(before.map((issue) => issue.location.lines.begin));
  });

  it('changes the fingerprint with the rule, the path or the flagged text, and tells identical findings apart', () => {
    const base = cafeFile();
    const [first] = codeQuality([base]);
    const moved = codeQuality([{ ...base, relativePath: 'apps/other.py' }])[0]!;
    const renamed = codeQuality([{ ...base, diagnostics: base.diagnostics.map((d) => ({ ...d, ruleId: `${d.ruleId}-x` })) }]);
    expect(moved.fingerprint).not.toBe(first!.fingerprint);
    expect(renamed[0]!.fingerprint).not.toBe(first!.fingerprint);

    const twice: FileResult = {
      ...base,
      source: 'import modal\nx = f.remote()\nx = f.remote()\n',
      diagnostics: [2, 3].map((line) => ({
        ruleId: 'remote-call-at-import',
        severity: 'warning' as const,
        message: 'same',
        range: { start: { line, column: 5 }, end: { line, column: 15 } },
      })),
    };
    const [a, b] = codeQuality([twice]);
    expect(a!.fingerprint).not.toBe(b!.fingerprint);
    // The message is not part of the fingerprint: rewording a rule keeps its findings.
    const reworded = codeQuality([{ ...twice, diagnostics: twice.diagnostics.map((d) => ({ ...d, message: 'new words' })) }]);
    expect(reworded.map((issue) => issue.fingerprint)).toEqual([a!.fingerprint, b!.fingerprint]);
  });

  it('is stable across real runs of the CLI when a line is inserted above a finding', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-gitlab-'));
    temporary.push(dir);
    const source = ['import torch', '', 'import modal', '', 'app = modal.App("Bad_Name")', ''].join('\n');
    const lintOnce = (text: string): CodeQualityIssue[] => {
      fs.writeFileSync(path.join(dir, 'app.py'), text);
      const result = spawnSync(process.execPath, [CLI, '--format', 'gitlab', 'app.py'], { cwd: dir, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(1);
      return JSON.parse(result.stdout) as CodeQualityIssue[];
    };
    const before = lintOnce(source);
    const after = lintOnce(`# a comment\n\n${source}`);
    expect(before.map((issue) => issue.check_name)).toEqual(['heavy-import-at-module-level', 'kebab-case-name']);
    expect(before.map((issue) => issue.severity)).toEqual(['major', 'minor']);
    expect(after.map((issue) => issue.location.lines.begin)).toEqual(before.map((issue) => issue.location.lines.begin + 2));
    expect(after.map((issue) => issue.fingerprint)).toEqual(before.map((issue) => issue.fingerprint));
    expect(toCodeQuality(makeReport([])).length).toBe(0);
   }, 180_000);
});
