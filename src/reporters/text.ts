import { createColors } from 'picocolors';
import type { Diagnostic, FileResult, LintReport, Severity } from '../diagnostics.js';
import { countBySeverity, countFailures, pluralize, sortDiagnostics } from './common.js';
import { cellOfColumn, layoutLine, splitSourceLines } from './source-line.js';

type Colors = ReturnType<typeof createColors>;

export interface TextOptions {
  color: boolean;
}

export function formatText(report: LintReport, options: TextOptions): string {
  const colors = createColors(options.color);
  const blocks = report.files.flatMap((file) => fileBlocks(file, colors));
  const summary = [summaryLine(report, colors), fixableLine(report)].filter((line) => line !== '').join('\n');
  return blocks.length === 0 ? `${summary}\n` : `${blocks.join('\n\n')}\n\n${summary}\n`;
}

/** `[*]` after the rule id: `--fix` fixes it; `[*unsafe]`: only with `--unsafe-fixes`. */
function fixMarker(diagnostic: Diagnostic, colors: Colors): string {
  if (!diagnostic.fix) return '';
  return colors.cyan(diagnostic.fix.safety === 'safe' ? '[*]' : '[*unsafe]');
}

function fixableLine(report: LintReport): string {
  let safe = 0;
  let unsafe = 0;
  for (const file of report.files) {
    for (const diagnostic of file.diagnostics) {
      if (diagnostic.fix?.safety === 'safe') safe++;
      else if (diagnostic.fix?.safety === 'unsafe') unsafe++;
    }
  }
  if (safe === 0 && unsafe === 0) return '';
  const parts = [];
  if (safe > 0) parts.push(`${pluralize(safe, 'problem')} fixable with \`--fix\``);
  if (unsafe > 0) parts.push(`${unsafe} more with \`--fix --unsafe-fixes\``);
  return `[*] ${parts.join('; ')}.`;
}

function fileBlocks(file: FileResult, colors: Colors): string[] {
  const path = colors.bold(file.relativePath);
  const blocks: string[] = [];
  if (file.failure !== undefined) blocks.push(`${path}: ${colors.red('error')}: ${unixLineBreaks(file.failure)}`);
  for (const notice of file.notices ?? []) {
    blocks.push(`${path}: ${colors.yellow('warning')}: ${unixLineBreaks(notice)}`);
  }
  const sourceLines = file.source === undefined ? undefined : splitSourceLines(file.source);
  for (const diagnostic of sortDiagnostics(file.diagnostics)) {
    blocks.push(diagnosticBlock(file, diagnostic, sourceLines, colors));
  }
  return blocks;
}

function diagnosticBlock(
  file: FileResult,
  diagnostic: Diagnostic,
  sourceLines: string[] | undefined,
  colors: Colors,
): string {
  const { line, column } = diagnostic.range.start;
  const paint = severityPainter(diagnostic.severity, colors);
  const header =
    `${colors.bold(file.relativePath)}:${line}:${column}: ` +
    `${paint(diagnostic.severity)}${colors.dim(`[${diagnostic.ruleId}]`)}${fixMarker(diagnostic, colors)} ${unixLineBreaks(diagnostic.message)}`;
  const sourceLine = sourceLines?.[line - 1];
  if (sourceLine === undefined) return header;
  return [header, ...snippetLines(sourceLine, diagnostic, paint, colors)].join('\n');
}

/** The flagged source line under a line-number gutter, and a `^` marker under the span. */
function snippetLines(
  sourceLine: string,
  diagnostic: Diagnostic,
  paint: (text: string) => string,
  colors: Colors,
): string[] {
  const { start, end } = diagnostic.range;
  const shown = layoutLine(sourceLine);
  const endColumn = end.line > start.line ? sourceLine.length + 1 : end.column;
  const startCell = cellOfColumn(shown, start.column);
  const caretCount = Math.max(1, cellOfColumn(shown, endColumn) - startCell);
  const lineNumber = String(start.line);
  const emptyGutter = colors.blue(`${' '.repeat(lineNumber.length + 2)}|`);
  const numberedGutter = colors.blue(` ${lineNumber} |`);
  return [
    shown.text === '' ? numberedGutter : `${numberedGutter} ${shown.text}`,
    `${emptyGutter} ${' '.repeat(startCell)}${paint('^'.repeat(caretCount))}`,
  ];
}

/** A lone `\r` would send the terminal cursor back over text already printed. */
function unixLineBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function severityPainter(severity: Severity, colors: Colors): (text: string) => string {
  switch (severity) {
    case 'error':
      return (text) => colors.bold(colors.red(text));
    case 'warning':
      return (text) => colors.bold(colors.yellow(text));
    case 'info':
      return (text) => colors.bold(colors.blue(text));
  }
}

function summaryLine(report: LintReport, colors: Colors): string {
  const counts = countBySeverity(report.files);
  const problems = counts.error + counts.warning + counts.info;
  const failures = countFailures(report);
  const unlintable = failures > 0 ? `; ${pluralize(failures, 'file')} could not be linted` : '';
  if (problems > 0) {
    const filesWithProblems = report.files.filter((file) => file.diagnostics.length > 0).length;
    const breakdown = [
      pluralize(counts.error, 'error'),
      pluralize(counts.warning, 'warning'),
      pluralize(counts.info, 'info'),
    ].join(', ');
    return colors.bold(
      `Found ${pluralize(problems, 'problem')} (${breakdown}) in ${pluralize(filesWithProblems, 'file')}${unlintable}.`,
    );
  }
  if (failures > 0) {
    const linted = report.files.length - failures;
    return colors.bold(`No problems found in ${pluralize(linted, 'linted file')}${unlintable}.`);
  }
  // Never "All checks passed" for a run that checked nothing; the command line says why on stderr.
  if (report.files.length === 0) return colors.bold('No files linted.');
  return colors.green(`All checks passed (${pluralize(report.files.length, 'file')} linted).`);
}
