import type { FileResult, LintReport } from '../diagnostics.js';
import { countBySeverity, pluralize, sortDiagnostics } from './common.js';

/**
 * Characters XML 1.0 cannot hold at all (C0 controls other than tab, LF and CR, lone surrogates,
 * U+FFFE and U+FFFF); they become U+FFFD so one odd byte in a message cannot break the report.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes element text. */
export function escapeXmlText(value: string): string {
  return value.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes a double-quoted attribute value; tab, LF and CR become references so parsers keep them. */
export function escapeXmlAttribute(value: string): string {
  return escapeXmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function attributes(values: ReadonlyArray<readonly [string, string | number]>): string {
  return values.map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`).join('');
}

function problemSummary(file: FileResult): string {
  const counts = countBySeverity([file]);
  const total = counts.error + counts.warning + counts.info;
  const parts = [pluralize(counts.error, 'error'), pluralize(counts.warning, 'warning'), pluralize(counts.info, 'info', 'infos')];
  return `${pluralize(total, 'problem')} (${parts.join(', ')})`;
}

/** One line per finding, as in the concise format, so the failure text reads like the CLI. */
function findingLines(file: FileResult): string {
  const notices = (file.notices ?? []).map((notice) => `${file.relativePath}: warning: ${notice}`);
  const findings = sortDiagnostics(file.diagnostics).map(
    (d) => `${file.relativePath}:${d.range.start.line}:${d.range.start.column}: ${d.severity} [${d.ruleId}] ${d.message}`,
  );
  return [...notices, ...findings].join('\n');
}

function testcase(file: FileResult): string {
  const open = `    <testcase${attributes([
    ['name', file.relativePath],
    ['classname', 'modal-lint'],
    ['file', file.relativePath],
  ])}`;
  if (file.failure !== undefined) {
    return `${open}>\n      <error${attributes([['message', file.failure], ['type', 'unreadable']])}>${escapeXmlText(file.failure)}</error>\n    </testcase>`;
  }
  if (file.diagnostics.length === 0) return `${open}/>`;
  const failure = attributes([['message', problemSummary(file)], ['type', 'modal-lint']]);
  return `${open}>\n      <failure${failure}>${escapeXmlText(findingLines(file))}</failure>\n    </testcase>`;
}

/** JUnit XML: one test case per file, failing when the file has findings. */
export function formatJunit(report: LintReport): string {
  const tests = report.files.length;
  const errors = report.files.filter((file) => file.failure !== undefined).length;
  const failures = report.files.filter((file) => file.failure === undefined && file.diagnostics.length > 0).length;
  const counts: Array<readonly [string, number]> = [['tests', tests], ['failures', failures], ['errors', errors]];
  const cases = report.files.map((file) => `${testcase(file)}\n`).join('');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<testsuites${attributes([['name', 'modal-lint'], ...counts])}>\n`,
    `  <testsuite${attributes([['name', 'modal-lint'], ...counts, ['skipped', 0]])}>\n`,
    cases,
    '  </testsuite>\n',
    '</testsuites>\n',
  ].join('');
}
