import type { LintReport } from '../diagnostics.js';
import { formatConcise } from './concise.js';
import { formatGithub } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export const FORMAT_NAMES = ['text', 'concise', 'json', 'sarif', 'github', 'gitlab', 'junit'] as const;

export type FormatName = (typeof FORMAT_NAMES)[number];

export interface FormatOptions {
  /** Whether to emit ANSI colours; only the text format uses colour. */
  color: boolean;
}

export function isFormatName(value: string): value is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(value);
}

export function formatReport(report: LintReport, format: FormatName, options: FormatOptions): string {
  switch (format) {
    case 'text':
      return formatText(report, options);
    case 'concise':
      return formatConcise(report);
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report);
    case 'github':
      return formatGithub(report);
    case 'gitlab':
      return formatGitlab(report);
    case 'junit':
      return formatJunit(report);
  }
}

export { formatConcise, formatGithub, formatGitlab, formatJson, formatJunit, formatSarif, formatText };
export { escapeData, escapeProperty } from './github.js';
export { flaggedText, toCodeQuality } from './gitlab.js';
export type { CodeQualityIssue, CodeQualitySeverity } from './gitlab.js';
export { toJsonOutput } from './json.js';
export { escapeXmlAttribute, escapeXmlText } from './junit.js';
export type { JsonOutput } from './json.js';
export { toSarifLog } from './sarif.js';
export type { SarifLog } from './sarif.js';
