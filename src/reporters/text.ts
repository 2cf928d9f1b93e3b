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
  const { headline, help } = splitMessage(unixLineBreaks(diagnostic.message));
  const header =
    `${colors.bold(file.relativePath)}:${line}:${column}: ` +
    `${paint(diagnostic.severity)}${colors.dim(`[${diagnostic.ruleId}]`)}${fixMarker(diagnostic, colors)} ${headline}`;
  const helpLines = help === undefined ? [] : [`${colors.cyan('help:')} ${help}`];
  const sourceLine = sourceLines?.[line - 1];
  if (sourceLine === undefined) return [header, ...helpLines].join('\n');
  return [header, ...snippetLines(sourceLines!, diagnostic, paint, colors), ...helpLines].join('\n');
}

/** Past this many characters a headline sheds its qualifications to the `help:` line. */
const HEADLINE_WIDTH = 100;

/** Where a message may be cut into a headline and advice: `; `, `: ` or `. ` outside code and quotes. */
function cutPoints(message: string): number[] {
  const cuts: number[] = [];
  let inCode = false;
  let inQuote = false;
  let depth = 0;
  for (let index = 0; index < message.length - 1; index++) {
    const char = message[index]!;
    if (char === '`') inCode = !inCode;
    else if (char === '"' && !inCode) inQuote = !inQuote;
    else if (!inCode && !inQuote && (char === '(' || char === '[')) depth++;
    else if (!inCode && !inQuote && (char === ')' || char === ']')) depth = Math.max(0, depth - 1);
    else if (!inCode && !inQuote && depth === 0 && (char === ';' || char === ':' || char === '.') && message[index + 1] === ' ') cuts.push(index);
  }
  return cuts;
}

/**
 * A finding's message as a short headline (what is wrong) and the advice that follows it, cut at
 * the first `;`, `:` or `.` that ends a clause, as Ruff prints a title and a `help:` line. A
 * message with no such clause is all headline. The full message stays in the machine formats.
 */
export function splitMessage(message: string): { headline: string; help?: string } {
  if (message.includes('\n')) return { headline: message };
  const cut = cutPoints(message).find((index) => index >= 20);
  let headline = cut === undefined ? message : message.slice(0, cut) + (message[cut] === '.' ? '.' : '');
  const advice: string[] = [];
  if (cut !== undefined && message.slice(cut + 2).trim() !== '') advice.push(message.slice(cut + 2).trim());
  // A long headline sheds what qualifies it: a closing parenthetical, then a `, so ...` consequence.
  if (headline.length > HEADLINE_WIDTH) {
    const aside = /^(.{20,}\S) \(([^()`]*(?:`[^`]*`[^()`]*)*)\)$/.exec(headline);
    if (aside) {
      headline = aside[1]!;
      advice.unshift(`${aside[2]!.replace(/\.$/, '')}.`);
    }
  }
  if (headline.length > HEADLINE_WIDTH) {
    const so = headline.lastIndexOf(', so ');
    if (so >= 20) {
      advice.unshift(headline.slice(so + 2));
      headline = headline.slice(0, so);
    }
  }
  if (advice.length === 0) return { headline };
  // After a full stop the next part starts a sentence of its own.
  const parts = advice[0]!.endsWith('.') ? advice.map(capitalized) : [capitalized(advice[0]!), ...advice.slice(1)];
  return { headline, help: parts.join(advice[0]!.endsWith('.') ? ' ' : ': ') };
}

function capitalized(text: string): string {
  return text[0]!.toUpperCase() + text.slice(1);
}

/** The flagged line with a line of context on each side, under a line-number gutter, and a `^` marker under the span. */
function snippetLines(
  sourceLines: string[],
  diagnostic: Diagnostic,
  paint: (text: string) => string,
  colors: Colors,
): string[] {
  const { start, end } = diagnostic.range;
  const sourceLine = sourceLines[start.line - 1]!;
  const shown = layoutLine(sourceLine);
  const endColumn = end.line > start.line ? sourceLine.length + 1 : end.column;
  const startCell = cellOfColumn(shown, start.column);
  const caretCount = Math.max(1, cellOfColumn(shown, endColumn) - startCell);
  // The source ends with a line break: the empty "line" after it is not a line of the file.
  const lastLine = sourceLines.length - (sourceLines.at(-1) === '' ? 1 : 0);
  const first = Math.max(1, start.line - 1);
  const last = Math.min(lastLine, start.line + 1);
  const width = String(Math.max(last, start.line)).length;
  const emptyGutter = colors.blue(`${' '.repeat(width + 2)}|`);
  const row = (number: number): string => {
    const text = number === start.line ? shown.text : layoutLine(sourceLines[number - 1]!).text;
    const gutter = colors.blue(` ${String(number).padStart(width)} |`);
    return text === '' ? gutter : `${gutter} ${number === start.line ? text : colors.dim(text)}`;
  };
  const rows: string[] = [];
  for (let number = first; number <= Math.max(last, start.line); number++) {
    rows.push(row(number));
    if (number === start.line) rows.push(`${emptyGutter} ${' '.repeat(startCell)}${paint('^'.repeat(caretCount))}`);
  }
  return rows;
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
      counts.error > 0 ? pluralize(counts.error, 'error') : '',
      counts.warning > 0 ? pluralize(counts.warning, 'warning') : '',
      counts.info > 0 ? pluralize(counts.info, 'info') : '',
    ].filter((part) => part !== '').join(', ');
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
