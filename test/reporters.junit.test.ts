import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { FileResult } from '../src/diagnostics.js';
import { escapeXmlAttribute, escapeXmlText, formatReport } from '../src/reporters/index.js';
import { ROOT, cleanReport, makeReport, sampleReport } from './helpers/sample-report.js';

/** A real XML parser (Python's expat) reads the document back; null when python3 is missing. */
function parseWithPython(xml: string): unknown {
  const script = [
    'import json, sys, xml.etree.ElementTree as ET',
    'root = ET.fromstring(sys.stdin.buffer.read())',
    'def node(e): return {"tag": e.tag, "attrib": e.attrib, "text": (e.text or "").strip(), "children": [node(c) for c in e]}',
    'print(json.dumps(node(root)))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script], { input: xml, encoding: 'utf8' });
  if (result.error) return null;
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

const havePython = spawnSync('python3', ['--version']).status === 0;
if (!havePython) console.warn('junit well-formedness check skipped: python3 (used as an independent XML parser) is not installed');

function oddFile(): FileResult {
  return {
    path: `${ROOT}/a&b/<données> "q".py`,
    relativePath: 'a&b/<données> "q".py',
    source: 'import modal\n',
    diagnostics: [
      {
        ruleId: 'remote-call-at-import',
        severity: 'warning',
        message: "`x < y && z > 0` isn't ]]> safe\tcontrol:\u0001 line\r\nbreak 🚀",
        range: { start: { line: 1, column: 1 }, end: { line: 1, column: 7 } },
      },
    ],
  };
}

describe('junit escaping', () => {
  it('escapes markup in text and quotes and whitespace in attributes', () => {
    expect(escapeXmlText('a < b && c > d "q" \'s\'')).toBe('a &lt; b &amp;&amp; c &gt; d "q" \'s\'');
    expect(escapeXmlAttribute('a<&>"\'\t\n\r')).toBe('a&lt;&amp;&gt;&quot;&apos;&#9;&#10;&#13;');
    expect(escapeXmlText('&amp;')).toBe('&amp;amp;');
  });

  it('replaces characters XML cannot hold, but keeps valid surrogate pairs', () => {
    expect(escapeXmlText('a\u0000b\u001bc\uFFFFd')).toBe('a\uFFFDb\uFFFDc\uFFFDd');
    expect(escapeXmlText('\uD83D\uDE80 \uD83D x \uDE80')).toBe('🚀 \uFFFD x \uFFFD');
    expect(escapeXmlText('tab\tlf\ncr\r')).toBe('tab\tlf\ncr\r');
  });
});

describe('junit format', () => {
  it('writes one test case per file: clean files pass, findings fail, unreadable files error', () => {
    expect(formatReport(sampleReport(), 'junit', { color: true })).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="modal-lint" tests="4" failures="2" errors="1">',
        '  <testsuite name="modal-lint" tests="4" failures="2" errors="1" skipped="0">',
        '    <testcase name="apps/my app/café.py" classname="modal-lint" file="apps/my app/café.py">',
        '      <failure message="2 problems (1 error, 1 warning, 0 infos)" type="modal-lint">apps/my app/café.py:6:1: warning [missing-timeout] No timeout: a hung call keeps 100% of a GPU, billed\r',
        'until the default limit',
        'apps/my app/café.py:8:2: error [blocking-call-in-async] `time.sleep` blocks the event loop inside an async function</failure>',
        '    </testcase>',
        '    <testcase name="apps/unicode.py" classname="modal-lint" file="apps/unicode.py">',
        '      <failure message="2 problems (0 errors, 1 warning, 1 info)" type="modal-lint">apps/unicode.py: warning: invalid UTF-8 replaced with U+FFFD',
        'apps/unicode.py:2:17: warning [remote-call-at-import] `.remote()` runs at import time',
        'apps/unicode.py:3:10: info [unbounded-map] `.map()` over an unbounded iterable</failure>',
        '    </testcase>',
        '    <testcase name="data/report,v2.py" classname="modal-lint" file="data/report,v2.py">',
        '      <error message="EACCES: permission denied, open &apos;data/report,v2.py&apos;" type="unreadable">EACCES: permission denied, open \'data/report,v2.py\'</error>',
        '    </testcase>',
        '    <testcase name="clean.py" classname="modal-lint" file="clean.py"/>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('passes every test case of a clean report', () => {
    const xml = formatReport(cleanReport(), 'junit', { color: false });
    expect(xml).toContain('<testsuites name="modal-lint" tests="2" failures="0" errors="0">');
    expect(xml).toContain('<testcase name="other.py" classname="modal-lint" file="other.py"/>');
    expect(xml).not.toContain('<failure');
  });

  it('escapes a path with &, <, quotes and non-ASCII characters, and odd messages', () => {
    const xml = formatReport(makeReport([oddFile()]), 'junit', { color: false });
    expect(xml).toContain(
      '<testcase name="a&amp;b/&lt;données&gt; &quot;q&quot;.py" classname="modal-lint" file="a&amp;b/&lt;données&gt; &quot;q&quot;.py">',
    );
    expect(xml).toContain(
      '>a&amp;b/&lt;données&gt; "q".py:1:1: warning [remote-call-at-import] `x &lt; y &amp;&amp; z &gt; 0` isn\'t ]]&gt; safe\tcontrol:\uFFFD line\r\nbreak 🚀</failure>',
    );
  });

  it.skipIf(!havePython)('is well-formed XML that reads back to the same paths and messages', () => {
    const xml = formatReport(makeReport([...sampleReport().files, oddFile()]), 'junit', { color: false });
    const tree = parseWithPython(xml) as {
      tag: string;
      attrib: Record<string, string>;
      children: Array<{ children: Array<{ attrib: Record<string, string>; children: Array<{ tag: string; attrib: Record<string, string>; text: string }> }> }>;
    };
    expect(tree.tag).toBe('testsuites');
    expect(tree.attrib).toEqual({ name: 'modal-lint', tests: '5', failures: '3', errors: '1' });
    const cases = tree.children[0]!.children;
    expect(cases.map((testcase) => testcase.attrib.name)).toEqual([
      'apps/my app/café.py',
      'apps/unicode.py',
      'data/report,v2.py',
      'clean.py',
      'a&b/<données> "q".py',
    ]);
    const odd = cases[4]!.children[0]!;
    expect(odd.tag).toBe('failure');
    expect(odd.attrib.message).toBe('1 problem (0 errors, 1 warning, 0 infos)');
    // XML parsers turn a literal CR LF in text into LF.
    expect(odd.text).toBe('a&b/<données> "q".py:1:1: warning [remote-call-at-import] `x < y && z > 0` isn\'t ]]> safe\tcontrol:\uFFFD line\nbreak 🚀');
    expect(cases[2]!.children[0]!.attrib.message).toBe("EACCES: permission denied, open 'data/report,v2.py'");
  });
});
