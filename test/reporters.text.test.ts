import { describe, expect, it } from 'vitest';
import type { Diagnostic, FileResult } from '../src/diagnostics.js';
import { formatReport } from '../src/reporters/index.js';
import { formatText, splitMessage } from '../src/reporters/text.js';
import { cleanFile, cleanReport, failedFile, makeReport, sampleReport } from './helpers/sample-report.js';

const plain = { color: false };

/** The flagged source row and its marker row, printed for the diagnostic whose header starts with `header` (`path:line:column:`). */
function snippetFor(output: string, header: string): { source: string; marker: string } {
  const lines = output.split('\n');
  const at = lines.findIndex((line) => line.startsWith(header));
  expect(at, `no header ${header}`).toBeGreaterThanOrEqual(0);
  const lineNumber = header.split(':').at(-3);
  const row = lines.findIndex((line, index) => index > at && new RegExp(`^ +${lineNumber} \\|`).test(line));
  expect(row, `no source row ${lineNumber} after ${header}`).toBeGreaterThan(at);
  return { source: lines[row]!, marker: lines[row + 1]! };
}

/** Text of the source row that sits directly above the carets. */
function flaggedText(snippet: { source: string; marker: string }): string {
  const first = snippet.marker.indexOf('^');
  const last = snippet.marker.lastIndexOf('^');
  return snippet.source.slice(first, last + 1);
}

function singleDiagnosticReport(source: string, diagnostic: Omit<Diagnostic, 'ruleId' | 'severity' | 'message'>) {
  const file: FileResult = {
    ...cleanFile(),
    source,
    diagnostics: [{ ruleId: 'missing-timeout', severity: 'warning', message: 'm', ...diagnostic }],
  };
  return makeReport([file]);
}

describe('text format', () => {
  it('renders the sample report', () => {
    expect(formatReport(sampleReport(), 'text', plain)).toMatchInlineSnapshot(`
      "apps/my app/café.py:6:1: warning[missing-timeout] No timeout: a hung call keeps 100% of a GPU, billed
      until the default limit
       5 |
       6 | @app.function()
         | ^^^^^^^^^^^^^^^
       7 | async def handler():

      apps/my app/café.py:8:2: error[blocking-call-in-async] \`time.sleep\` blocks the event loop inside an async function
       7 | async def handler():
       8 |     time.sleep(5)
         |     ^^^^^^^^^^^^^

      apps/unicode.py: warning: invalid UTF-8 replaced with U+FFFD

      apps/unicode.py:2:17: warning[remote-call-at-import] \`.remote()\` runs at import time
       1 | import modal
       2 | label = "é😀" + f.remote(x)
         |                 ^^^^^^^^^^^
       3 | result = f.map(

      apps/unicode.py:3:10: info[unbounded-map] \`.map()\` over an unbounded iterable
       2 | label = "é😀" + f.remote(x)
       3 | result = f.map(
         |          ^^^^^^
       4 |     items,

      data/report,v2.py: error: EACCES: permission denied, open 'data/report,v2.py'

      Found 4 problems (1 error, 2 warnings, 1 info) in 2 files; 1 file could not be linted.
      "
    `);
  });

  it('lists diagnostics by line then column within each file, files in report order', () => {
    const headers = formatText(sampleReport(), plain)
      .split('\n')
      .filter((line) => /^\S.*:\d+:\d+: /.test(line));
    expect(headers).toEqual([
      'apps/my app/café.py:6:1: warning[missing-timeout] No timeout: a hung call keeps 100% of a GPU, billed',
      'apps/my app/café.py:8:2: error[blocking-call-in-async] `time.sleep` blocks the event loop inside an async function',
      'apps/unicode.py:2:17: warning[remote-call-at-import] `.remote()` runs at import time',
      'apps/unicode.py:3:10: info[unbounded-map] `.map()` over an unbounded iterable',
    ]);
  });

  it('prints line breaks inside a message as plain newlines', () => {
    const output = formatText(sampleReport(), plain);
    expect(output).not.toContain('\r');
    expect(output).toContain('billed\nuntil the default limit\n');
  });

  it('puts the marker under the span after a UTF-16 surrogate pair', () => {
    const snippet = snippetFor(formatText(sampleReport(), plain), 'apps/unicode.py:2:17:');
    expect(snippet.source).toBe(' 2 | label = "é😀" + f.remote(x)');
    expect(snippet.marker).toBe('   |                 ^^^^^^^^^^^');
    expect(flaggedText(snippet)).toBe('f.remote(x)');
  });

  it('expands tabs so the marker stays under the span', () => {
    const snippet = snippetFor(formatText(sampleReport(), plain), 'apps/my app/café.py:8:2:');
    expect(snippet.source).toBe(' 8 |     time.sleep(5)');
    expect(snippet.source).not.toContain('\t');
    expect(flaggedText(snippet)).toBe('time.sleep(5)');
  });

  it('expands a tab to the next tab stop, not to a fixed width', () => {
    const report = singleDiagnosticReport('ab\tx = 1\n', { range: { start: { line: 1, column: 4 }, end: { line: 1, column: 5 } } });
    const snippet = snippetFor(formatText(report, plain), 'clean.py:1:4:');
    expect(snippet.source).toBe(' 1 | ab  x = 1');
    expect(flaggedText(snippet)).toBe('x');
  });

  it('clips a multi-line span to the end of its first line', () => {
    const snippet = snippetFor(formatText(sampleReport(), plain), 'apps/unicode.py:3:10:');
    expect(snippet.source).toBe(' 3 | result = f.map(');
    expect(snippet.marker).toBe('   |          ^^^^^^');
    expect(flaggedText(snippet)).toBe('f.map(');
  });

  it('draws one caret for an empty span and for a span at the end of the line', () => {
    const empty = singleDiagnosticReport('x = 1\n', { range: { start: { line: 1, column: 3 }, end: { line: 1, column: 3 } } });
    expect(snippetFor(formatText(empty, plain), 'clean.py:1:3:').marker).toBe('   |   ^');
    const atEnd = singleDiagnosticReport('x = (\n', { range: { start: { line: 1, column: 6 }, end: { line: 2, column: 1 } } });
    expect(snippetFor(formatText(atEnd, plain), 'clean.py:1:6:').marker).toBe('   |      ^');
  });

  it('gives wide characters two cells', () => {
    const report = singleDiagnosticReport('s = "日本"; bad()\n', {
      range: { start: { line: 1, column: 11 }, end: { line: 1, column: 16 } },
    });
    const snippet = snippetFor(formatText(report, plain), 'clean.py:1:11:');
    // `s = "` (5) + two wide characters (4 cells) + `"; ` (3) = 12 cells before `bad()`.
    expect(snippet.marker).toBe(`   | ${' '.repeat(12)}^^^^^`);
  });

  it('shows control characters as visible symbols instead of sending them to the terminal', () => {
    const report = singleDiagnosticReport('x = "\u001b[2J"; y\n', {
      range: { start: { line: 1, column: 13 }, end: { line: 1, column: 14 } },
    });
    const snippet = snippetFor(formatText(report, plain), 'clean.py:1:13:');
    expect(snippet.source).toBe(' 1 | x = "\u241b[2J"; y');
    expect(flaggedText(snippet)).toBe('y');
  });

  it('widens the gutter with the line number', () => {
    const source = `${'\n'.repeat(119)}call()\n`;
    const report = singleDiagnosticReport(source, { range: { start: { line: 120, column: 1 }, end: { line: 120, column: 7 } } });
    const snippet = snippetFor(formatText(report, plain), 'clean.py:120:1:');
    expect(snippet).toEqual({ source: ' 120 | call()', marker: '     | ^^^^^^' });
  });

  it('prints only the header when the source is missing or shorter than the range', () => {
    const report = singleDiagnosticReport('x = 1\n', { range: { start: { line: 9, column: 1 }, end: { line: 9, column: 2 } } });
    expect(formatText(report, plain)).toBe(
      'clean.py:9:1: warning[missing-timeout] m\n\nFound 1 problem (1 warning) in 1 file.\n',
    );
  });

  it('reports failures and notices per file', () => {
    const output = formatText(sampleReport(), plain);
    expect(output).toContain("data/report,v2.py: error: EACCES: permission denied, open 'data/report,v2.py'\n");
    expect(output).toContain('apps/unicode.py: warning: invalid UTF-8 replaced with U+FFFD\n');
  });

  it('summarises with correct singulars and plurals', () => {
    const lastLine = (report = sampleReport()) => formatText(report, plain).trimEnd().split('\n').at(-1);
    expect(lastLine()).toBe('Found 4 problems (1 error, 2 warnings, 1 info) in 2 files; 1 file could not be linted.');
    expect(lastLine(cleanReport())).toBe('All checks passed (2 files linted).');
    expect(lastLine(makeReport([cleanFile()]))).toBe('All checks passed (1 file linted).');
    expect(lastLine(makeReport([cleanFile(), failedFile()]))).toBe(
      'No problems found in 1 linted file; 1 file could not be linted.',
    );
  });

  it('prints only the summary for a clean report', () => {
    expect(formatText(cleanReport(), plain)).toBe('All checks passed (2 files linted).\n');
  });

  it('colours only when asked', () => {
    const coloured = formatText(sampleReport(), { color: true });
    expect(formatText(sampleReport(), plain)).not.toMatch(/\u001b\[/);
    expect(coloured).toContain('\u001b[31merror\u001b[39m');
    expect(coloured).toContain('\u001b[33mwarning\u001b[39m');
    expect(coloured).toContain('\u001b[34minfo\u001b[39m');
    expect(coloured).toContain('\u001b[1mapps/unicode.py\u001b[22m');
    expect(coloured).toContain('\u001b[2m[unbounded-map]\u001b[22m');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(formatText(sampleReport(), plain));
  });
});

describe('headline and help', () => {
  it('starts each sentence of the help line with a capital when a long headline sheds its parenthetical', () => {
    const message =
      '`@modal.web_endpoint` raises DeprecationError when this file is imported (Modal 1.x renamed it `@modal.fastapi_endpoint`); its replacement needs FastAPI in the container.';
    expect(splitMessage(message)).toEqual({
      headline: '`@modal.web_endpoint` raises DeprecationError when this file is imported',
      help: 'Modal 1.x renamed it `@modal.fastapi_endpoint`. Its replacement needs FastAPI in the container.',
    });
  });

  it('keeps a short message whole', () => {
    expect(splitMessage('App name is empty')).toEqual({ headline: 'App name is empty' });
  });
});
