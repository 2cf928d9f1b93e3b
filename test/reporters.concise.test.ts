import { describe, expect, it } from 'vitest';
import { formatReport } from '../src/reporters/index.js';
import { cleanReport, sampleReport } from './helpers/sample-report.js';

describe('concise format', () => {
  it('prints one line per failure, notice and diagnostic, in file then position order', () => {
    expect(formatReport(sampleReport(), 'concise', { color: true }).split('\n')).toEqual([
      'apps/my app/café.py:6:1: warning [missing-timeout] No timeout: a hung call keeps 100% of a GPU, billed until the default limit',
      'apps/my app/café.py:8:2: error [blocking-call-in-async] `time.sleep` blocks the event loop inside an async function',
      'apps/unicode.py: warning: invalid UTF-8 replaced with U+FFFD',
      'apps/unicode.py:2:17: warning [remote-call-at-import] `.remote()` runs at import time',
      'apps/unicode.py:3:10: info [unbounded-map] `.map()` over an unbounded iterable',
      "data/report,v2.py: error: EACCES: permission denied, open 'data/report,v2.py'",
      '',
    ]);
  });

  it('never colours and prints no summary', () => {
    const output = formatReport(sampleReport(), 'concise', { color: true });
    expect(output).not.toMatch(/\u001b\[/);
    expect(output).not.toMatch(/Found|checks passed/);
  });

  it('prints nothing for a clean report', () => {
    expect(formatReport(cleanReport(), 'concise', { color: false })).toBe('');
  });
});
