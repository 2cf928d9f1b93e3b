import { createHash } from 'node:crypto';
import type { Diagnostic, FileResult, LintReport, Severity } from '../diagnostics.js';
import { sortDiagnostics } from './common.js';
import { splitSourceLines } from './source-line.js';

/** The severities GitLab's Code Quality report accepts. */
export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

/**
 * modal-lint errors are definite bugs (a deploy or a container start that fails), but they are
 * findings of a static check, not outages: `major` keeps them above warnings while `critical`
 * and `blocker` stay free for security scanners merged into the same merge request widget.
 */
const SEVERITY: Record<Severity, CodeQualitySeverity> = {
  error: 'major',
  warning: 'minor',
  info: 'info',
};

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number; end: number } };
}

/** The text a diagnostic flags, whitespace-collapsed so re-indenting or CRLF endings keep it. */
export function flaggedText(source: string | undefined, diagnostic: Diagnostic): string {
  if (source === undefined) return '';
  const lines = splitSourceLines(source);
  const { start, end } = diagnostic.range;
  const picked: string[] = [];
  for (let line = start.line; line <= end.line; line++) {
    const text = lines[line - 1];
    if (text === undefined) break;
    const from = line === start.line ? start.column - 1 : 0;
    const to = line === end.line ? end.column - 1 : text.length;
    picked.push(text.slice(from, Math.max(from, to)));
  }
  return picked.join('\n').replace(/\s+/g, ' ').trim();
}

function fingerprint(parts: readonly string[]): string {
  // NUL cannot occur in a rule id or a path, so distinct part lists never hash the same input.
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

/**
 * The fingerprint never contains a line number, so inserting lines above a finding keeps it;
 * identical findings in one file are told apart by their order of appearance.
 */
function fileIssues(file: FileResult): CodeQualityIssue[] {
  const path = file.relativePath;
  const seen = new Map<string, number>();
  const occurrence = (key: string): string => {
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    return String(index);
  };
  const fileLevel = (checkName: string, severity: CodeQualitySeverity, message: string): CodeQualityIssue => ({
    description: message,
    check_name: checkName,
    fingerprint: fingerprint([checkName, path, message, occurrence(`${checkName}\0${message}`)]),
    severity,
    location: { path, lines: { begin: 1, end: 1 } },
  });
  const failure = file.failure === undefined ? [] : [fileLevel('modal-lint-failure', 'major', file.failure)];
  const notices = (file.notices ?? []).map((notice) => fileLevel('modal-lint-notice', 'info', notice));
  const diagnostics = sortDiagnostics(file.diagnostics).map((diagnostic) => {
    const text = flaggedText(file.source, diagnostic);
    const key = `${diagnostic.ruleId}\0${text}`;
    return {
      description: diagnostic.message,
      check_name: diagnostic.ruleId,
      fingerprint: fingerprint([diagnostic.ruleId, path, text, occurrence(key)]),
      severity: SEVERITY[diagnostic.severity],
      location: { path, lines: { begin: diagnostic.range.start.line, end: diagnostic.range.end.line } },
    };
  });
  return [...failure, ...notices, ...diagnostics];
}

export function toCodeQuality(report: LintReport): CodeQualityIssue[] {
  return report.files.flatMap(fileIssues);
}

/** GitLab Code Quality (a subset of the Code Climate issue format): one JSON array. */
export function formatGitlab(report: LintReport): string {
  return `${JSON.stringify(toCodeQuality(report), null, 2)}\n`;
}
