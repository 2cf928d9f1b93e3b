import type { LintReport, Severity } from '../diagnostics.js';
import { countBySeverity, sortDiagnostics } from './common.js';

export interface JsonResult {
  file: string;
  ruleId: string;
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The fix `--fix` (safe) or `--unsafe-fixes` would apply, or null. */
  fix: { safety: 'safe' | 'unsafe'; title: string } | null;
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
  const results = report.files.flatMap((file) =>
    sortDiagnostics(file.diagnostics).map((d) => ({
      file: file.relativePath,
      ruleId: d.ruleId,
      severity: d.severity,
      message: d.message,
      line: d.range.start.line,
      column: d.range.start.column,
      endLine: d.range.end.line,
      endColumn: d.range.end.column,
      fix: d.fix ? { safety: d.fix.safety, title: d.fix.title } : null,
    })),
  );
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

export function formatJson(report: LintReport): string {
  return `${JSON.stringify(toJsonOutput(report), null, 2)}\n`;
}
