import { describe, expect, it } from 'vitest';
import { formatReport, type JsonOutput } from '../src/reporters/index.js';
import { cleanReport, sampleReport } from './helpers/sample-report.js';

function parse(output: string): JsonOutput {
  return JSON.parse(output) as JsonOutput;
}

describe('json format', () => {
  it('is pretty-printed with two spaces and ends with a newline', () => {
    const output = formatReport(sampleReport(), 'json', { color: true });
    expect(output.endsWith('}\n')).toBe(true);
    expect(output).toBe(`${JSON.stringify(parse(output), null, 2)}\n`);
    expect(output.split('\n')[1]).toBe('  "version": "0.1.0",');
  });

  it('lists every diagnostic with its exclusive end, files in order, positions sorted', () => {
    const { version, results } = parse(formatReport(sampleReport(), 'json', { color: false }));
    expect(version).toBe('0.1.0');
    expect(results).toEqual([
      {
        file: 'apps/my app/café.py',
        ruleId: 'missing-timeout',
        severity: 'warning',
        message: 'No timeout: a hung call keeps 100% of a GPU, billed\r\nuntil the default limit',
        line: 6,
        column: 1,
        endLine: 6,
        endColumn: 16,
        fix: null,
      },
      {
        file: 'apps/my app/café.py',
        ruleId: 'blocking-call-in-async',
        severity: 'error',
        message: '`time.sleep` blocks the event loop inside an async function',
        line: 8,
        column: 2,
        endLine: 8,
        endColumn: 15,
        fix: null,
      },
      {
        file: 'apps/unicode.py',
        ruleId: 'remote-call-at-import',
        severity: 'warning',
        message: '`.remote()` runs at import time',
        line: 2,
        column: 17,
        endLine: 2,
        endColumn: 28,
        fix: null,
      },
      {
        file: 'apps/unicode.py',
        ruleId: 'unbounded-map',
        severity: 'info',
        message: '`.map()` over an unbounded iterable',
        line: 3,
        column: 10,
        endLine: 5,
        endColumn: 2,
        fix: null,
      },
    ]);
  });

  it('reports failures, notices and counts', () => {
    const { failures, notices, summary } = parse(formatReport(sampleReport(), 'json', { color: false }));
    expect(failures).toEqual([{ file: 'data/report,v2.py', message: "EACCES: permission denied, open 'data/report,v2.py'" }]);
    expect(notices).toEqual([{ file: 'apps/unicode.py', message: 'invalid UTF-8 replaced with U+FFFD' }]);
    expect(summary).toEqual({ files: 4, errors: 1, warnings: 2, infos: 1 });
  });

  it('reports a clean run as empty lists and zero counts', () => {
    expect(parse(formatReport(cleanReport(), 'json', { color: false }))).toEqual({
      version: '0.1.0',
      results: [],
      failures: [],
      notices: [],
      summary: { files: 2, errors: 0, warnings: 0, infos: 0 },
    });
  });
});
