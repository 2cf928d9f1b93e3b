import type { Diagnostic, LintReport, Severity } from '../diagnostics.js';
import { countBySeverity, positionFinder, sortDiagnostics } from './common.js';

/** One edit of a fix, located as Ruff's JSON locates them (1-based; columns in UTF-16 code units, end exclusive). */
export interface JsonEdit {
  content: string;
  location: { row: number; column: number };
  end_location: { row: number; column: number };
}

/** A fix in the shape of Ruff's JSON output, plus `safety` and `title` (same meaning as `applicability` and `message`). */
export interface JsonFix {
  applicability: 'safe' | 'unsafe';
  message: string;
  edits: JsonEdit[];
  safety: 'safe' | 'unsafe';
  title: string;
}

export interface JsonResult {
  file: string;
  ruleId: string;
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The fix `--fix` (safe) or `--fix --unsafe-fixes` would apply, with its edits, or null. */
  fix: JsonFix | null;
}

export interface JsonFileMessage {
  file: string;
  message: string;
}

export interface JsonOutput {
  version: string;
  results: JsonResult[];
  failures: JsonFileMessage[];
  notices: JsonFileMessage[];
  summary: { files: number; errors: number; warnings: number; infos: number };
}

export function toJsonOutput(report: LintReport): JsonOutput {
  const results = report.files.flatMap((file) => {
    const position = file.source === undefined ? undefined : positionFinder(file.source);
    return sortDiagnostics(file.diagnostics).map((d) => ({
      file: file.relativePath,
      ruleId: d.ruleId,
      severity: d.severity,
      message: d.message,
      line: d.range.start.line,
      column: d.range.start.column,
      endLine: d.range.end.line,
      endColumn: d.range.end.column,
      fix: d.fix && position ? jsonFix(d.fix, position) : null,
    }));
  });
  const failures = report.files.flatMap((file) =>
    file.failure === undefined ? [] : [{ file: file.relativePath, message: file.failure }],
  );
  const notices = report.files.flatMap((file) =>
    (file.notices ?? []).map((message) => ({ file: file.relativePath, message })),
  );
  const counts = countBySeverity(report.files);
  return {
    version: report.toolVersion,
    results,
    failures,
    notices,
    summary: { files: report.files.length, errors: counts.error, warnings: counts.warning, infos: counts.info },
  };
}

function jsonFix(fix: NonNullable<Diagnostic['fix']>, position: ReturnType<typeof positionFinder>): JsonFix {
  const edits = fix.edits.map((edit) => {
    const start = position(edit.start);
    const end = position(edit.end);
    return { content: edit.text, location: { row: start.line, column: start.column }, end_location: { row: end.line, column: end.column } };
  });
  return { applicability: fix.safety, message: fix.title, edits, safety: fix.safety, title: fix.title };
}

export function formatJson(report: LintReport): string {
  return `${JSON.stringify(toJsonOutput(report), null, 2)}\n`;
}
