import type { Diagnostic, LintReport, Severity } from '../diagnostics.js';
import { sortDiagnostics } from './common.js';

type AnnotationCommand = 'error' | 'warning' | 'notice';

const COMMAND_BY_SEVERITY: Record<Severity, AnnotationCommand> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
};

/** Escapes the message part of a workflow command (after `::`). */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a `key=value` property; `:` and `,` would otherwise end the value early. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function workflowCommand(
  command: AnnotationCommand,
  properties: ReadonlyArray<readonly [string, string | number]>,
  message: string,
): string {
  const rendered = properties.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
  return `::${command} ${rendered}::${escapeData(message)}`;
}

/**
 * GitHub drops an annotation whose `col`/`endColumn` are set while `line` and `endLine`
 * differ, so columns are only sent for single-line ranges.
 */
function locationProperties(diagnostic: Diagnostic): Array<readonly [string, number]> {
  const { start, end } = diagnostic.range;
  if (start.line !== end.line) return [['line', start.line], ['endLine', end.line]];
  return [
    ['line', start.line],
    ['col', start.column],
    ['endLine', end.line],
    ['endColumn', Math.max(end.column, start.column)],
  ];
}

export function formatGithub(report: LintReport): string {
  const lines = report.files.flatMap((file) => {
    const path = ['file', file.relativePath] as const;
    const title = ['title', 'modal-lint'] as const;
    const failure = file.failure === undefined ? [] : [workflowCommand('error', [path, title], file.failure)];
    const notices = (file.notices ?? []).map((notice) => workflowCommand('warning', [path, title], notice));
    const diagnostics = sortDiagnostics(file.diagnostics).map((diagnostic) =>
      workflowCommand(
        COMMAND_BY_SEVERITY[diagnostic.severity],
        [path, ...locationProperties(diagnostic), ['title', `modal-lint (${diagnostic.ruleId})`]],
        diagnostic.message,
      ),
    );
    return [...failure, ...notices, ...diagnostics];
  });
  return lines.map((line) => `${line}\n`).join('');
}
