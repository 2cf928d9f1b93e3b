import type { Diagnostic, FileResult, LintReport } from '../diagnostics.js';

export interface SeverityCounts {
  error: number;
  warning: number;
  info: number;
}

/** Diagnostics in reading order: by start line, then start column (stable otherwise). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column,
  );
}

export function countBySeverity(files: readonly FileResult[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, info: 0 };
  for (const file of files) {
    for (const diagnostic of file.diagnostics) counts[diagnostic.severity] += 1;
  }
  return counts;
}

export function countFailures(report: LintReport): number {
  return report.files.filter((file) => file.failure !== undefined).length;
}

/** `1 error`, `2 errors`, `0 infos`. */
export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
