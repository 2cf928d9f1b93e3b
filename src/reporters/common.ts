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

/** Maps UTF-16 offsets of a source text to 1-based lines and columns (UTF-16 code units), as findings count them. */
export function positionFinder(source: string): (offset: number) => { line: number; column: number } {
  const lineStarts = [0];
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    // The line breaks the parser counts rows at: \r\n, \n and a lone \r.
    if (char === '\n' || (char === '\r' && source[index + 1] !== '\n')) lineStarts.push(index + 1);
  }
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
}
