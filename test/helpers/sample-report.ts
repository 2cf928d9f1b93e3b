import type { FileResult, LintReport, RuleMeta, Severity } from '../../src/diagnostics.js';

export const ROOT = '/srv/project';

function rule(id: string, defaultSeverity: Severity, category: RuleMeta['category'], summary: string): RuleMeta {
  return {
    id,
    category,
    defaultSeverity,
    summary,
    docs: {
      what: `Checks for ${summary.toLowerCase()}`,
      why: 'It wastes money or breaks at run time.',
      example: 'import modal\n\napp = modal.App()\n',
      useInstead: 'import modal\n\napp = modal.App("named")\n',
      link: `https://modal.com/docs/guide#${id}`,
    },
    precision: 'high',
    tags: [category, 'modal'],
  };
}

export const RULES: RuleMeta[] = [
  rule('blocking-call-in-async', 'error', 'correctness', 'Blocking calls inside async functions.'),
  rule('missing-timeout', 'warning', 'reliability', 'Functions without an explicit timeout.'),
  rule('remote-call-at-import', 'warning', 'cost', 'Remote calls made at import time.'),
  { ...rule('unbounded-map', 'info', 'performance', 'Unbounded fan-out with .map().'), precision: 'medium' },
  {
    ...rule('unused-secret', 'info', 'style', 'Secrets attached but never read.'),
    docs: {
      what: 'Checks for secrets that are attached but never read.',
      why: 'Every attached secret widens what a compromised container can reach.',
      example: '@app.function(secrets=[modal.Secret.from_name("s")])\ndef f():\n    return "``` not a fence"\n',
      useInstead: '@app.function()\ndef f():\n    ...\n',
      fixSafety: 'Unsafe: the secret may be read through `os.environ` indirectly.',
      link: 'https://modal.com/docs/guide/secrets',
    },
  },
];

export const CAFE_SOURCE = [
  'import modal',
  '',
  'app = modal.App("café")',
  '',
  '',
  '@app.function()',
  'async def handler():',
  '\ttime.sleep(5)',
  '',
].join('\n');

/** `é` is one UTF-16 unit and `😀` two, so `f` sits at column 17 but is only the 16th code point. */
export const UNICODE_SOURCE = [
  'import modal',
  'label = "é😀" + f.remote(x)',
  'result = f.map(',
  '    items,',
  ')',
  '',
].join('\r\n');

export function cafeFile(): FileResult {
  return {
    path: `${ROOT}/apps/my app/café.py`,
    relativePath: 'apps/my app/café.py',
    source: CAFE_SOURCE,
    // Deliberately out of order: reporters sort by line, then column.
    diagnostics: [
      {
        ruleId: 'blocking-call-in-async',
        severity: 'error',
        message: '`time.sleep` blocks the event loop inside an async function',
        range: { start: { line: 8, column: 2 }, end: { line: 8, column: 15 } },
      },
      {
        ruleId: 'missing-timeout',
        severity: 'warning',
        message: 'No timeout: a hung call keeps 100% of a GPU, billed\r\nuntil the default limit',
        range: { start: { line: 6, column: 1 }, end: { line: 6, column: 16 } },
      },
    ],
  };
}

export function unicodeFile(): FileResult {
  return {
    path: `${ROOT}/apps/unicode.py`,
    relativePath: 'apps/unicode.py',
    source: UNICODE_SOURCE,
    notices: ['invalid UTF-8 replaced with U+FFFD'],
    diagnostics: [
      {
        ruleId: 'unbounded-map',
        severity: 'info',
        message: '`.map()` over an unbounded iterable',
        range: { start: { line: 3, column: 10 }, end: { line: 5, column: 2 } },
      },
      {
        ruleId: 'remote-call-at-import',
        severity: 'warning',
        message: '`.remote()` runs at import time',
        range: { start: { line: 2, column: 17 }, end: { line: 2, column: 28 } },
      },
    ],
  };
}

export function failedFile(): FileResult {
  return {
    path: `${ROOT}/data/report,v2.py`,
    relativePath: 'data/report,v2.py',
    diagnostics: [],
    failure: "EACCES: permission denied, open 'data/report,v2.py'",
  };
}

export function cleanFile(): FileResult {
  return { path: `${ROOT}/clean.py`, relativePath: 'clean.py', source: 'import modal\n', diagnostics: [] };
}

export function makeReport(files: FileResult[]): LintReport {
  return {
    root: ROOT,
    files,
    rules: RULES,
    severities: {
      'blocking-call-in-async': 'error',
      'missing-timeout': 'warning',
      'remote-call-at-import': 'warning',
      'unbounded-map': 'info',
      'unused-secret': 'error',
    },
    toolVersion: '0.1.0',
  };
}

/** Four files: two with problems, one that could not be read, one clean. */
export function sampleReport(): LintReport {
  return makeReport([cafeFile(), unicodeFile(), failedFile(), cleanFile()]);
}

export function cleanReport(): LintReport {
  return makeReport([cleanFile(), { ...cleanFile(), path: `${ROOT}/other.py`, relativePath: 'other.py' }]);
}
