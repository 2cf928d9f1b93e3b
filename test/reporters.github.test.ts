import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatReport } from '../src/reporters/index.js';
import { cleanFile, cleanReport, makeReport, sampleReport } from './helpers/sample-report.js';

describe('github escaping', () => {
  it('escapes %, CR and LF in data, and % first so escapes are not escaped twice', () => {
    expect(escapeData('100%\r\nnext: a, b')).toBe('100%25%0D%0Anext: a, b');
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('also escapes : and , in property values', () => {
    expect(escapeProperty('100%\r\nnext: a, b')).toBe('100%25%0D%0Anext%3A a%2C b');
    expect(escapeProperty('C:\\src\\a,b.py')).toBe('C%3A\\src\\a%2Cb.py');
  });
});

describe('github format', () => {
  it('prints one workflow command per failure, notice and diagnostic', () => {
    expect(formatReport(sampleReport(), 'github', { color: true }).split('\n')).toEqual([
      '::warning file=apps/my app/café.py,line=6,col=1,endLine=6,endColumn=16,title=modal-lint (missing-timeout)::No timeout: a hung call keeps 100%25 of a GPU, billed%0D%0Auntil the default limit',
      '::error file=apps/my app/café.py,line=8,col=2,endLine=8,endColumn=15,title=modal-lint (blocking-call-in-async)::`time.sleep` blocks the event loop inside an async function',
      '::warning file=apps/unicode.py,title=modal-lint::invalid UTF-8 replaced with U+FFFD',
      '::warning file=apps/unicode.py,line=2,col=17,endLine=2,endColumn=28,title=modal-lint (remote-call-at-import)::`.remote()` runs at import time',
      // GitHub rejects col/endColumn on a multi-line range, so only lines are sent.
      '::notice file=apps/unicode.py,line=3,endLine=5,title=modal-lint (unbounded-map)::`.map()` over an unbounded iterable',
      "::error file=data/report%2Cv2.py,title=modal-lint::EACCES: permission denied, open 'data/report,v2.py'",
      '',
    ]);
  });

  it('escapes the file property', () => {
    const file = { ...cleanFile(), relativePath: 'a:b,c%.py', failure: 'gone' };
    expect(formatReport(makeReport([file]), 'github', { color: false })).toBe(
      '::error file=a%3Ab%2Cc%25.py,title=modal-lint::gone\n',
    );
  });

  it('escapes CR, LF and % in the file property and keeps `::` inside the message', () => {
    const file = {
      ...cleanFile(),
      relativePath: 'odd\r\nname 100%.py',
      diagnostics: [
        {
          ruleId: 'missing-timeout',
          severity: 'warning' as const,
          message: 'use `a::b`, then: 50%\nmore',
          range: { start: { line: 3, column: 9 }, end: { line: 3, column: 4 } },
        },
      ],
    };
    expect(formatReport(makeReport([file]), 'github', { color: false })).toBe(
      // An end column before the start column (an empty span) is clamped to the start.
      '::warning file=odd%0D%0Aname 100%25.py,line=3,col=9,endLine=3,endColumn=9,title=modal-lint (missing-timeout)::use `a::b`, then: 50%25%0Amore\n',
    );
  });

  it('gives every single-line finding a title, line, column, end line and end column', () => {
    const lines = formatReport(sampleReport(), 'github', { color: false }).trimEnd().split('\n');
    const annotations = lines.filter((line) => line.includes('line='));
    for (const line of annotations.filter((annotation) => !annotation.includes('unbounded-map'))) {
      expect(line).toMatch(/^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=modal-lint \([a-z-]+\)::./);
    }
  });

  it('prints nothing for a clean report', () => {
    expect(formatReport(cleanReport(), 'github', { color: false })).toBe('');
  });
});
