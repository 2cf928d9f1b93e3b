import type { LintReport } from '../diagnostics.js';
import { sortDiagnostics } from './common.js';

/** One line per diagnostic, failure and notice; no colours and no summary. */
export function formatConcise(report: LintReport): string {
  const lines = report.files.flatMap((file) => {
    const path = file.relativePath;
    const failure = file.failure === undefined ? [] : [`${path}: error: ${singleLine(file.failure)}`];
    const notices = (file.notices ?? []).map((notice) => `${path}: warning: ${singleLine(notice)}`);
    const diagnostics = sortDiagnostics(file.diagnostics).map(
      (d) => `${path}:${d.range.start.line}:${d.range.start.column}: ${d.severity} [${d.ruleId}] ${singleLine(d.message)}`,
    );
    return [...failure, ...notices, ...diagnostics];
  });
  return lines.map((line) => `${line}\n`).join('');
}

/** Keeps the one-line-per-entry promise that line-oriented consumers (grep, editors) rely on. */
function singleLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ');
}
