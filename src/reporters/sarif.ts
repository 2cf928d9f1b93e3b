import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, FileResult, LintReport, RuleMeta, Severity } from '../diagnostics.js';
import { positionFinder, sortDiagnostics } from './common.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
const INFORMATION_URI = 'https://www.npmjs.com/package/modal-lint';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL_BY_SEVERITY: Record<Severity, SarifLevel> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

interface SarifText {
  text: string;
}

interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifText;
  fullDescription: SarifText;
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; precision: RuleMeta['precision']; category: RuleMeta['category']; 'security-severity'?: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifText;
  locations: Array<{
    physicalLocation: {
      artifactLocation: SarifArtifactLocation;
      region: SarifRegion;
    };
  }>;
  fixes?: SarifFix[];
}

type SarifRegion = { startLine: number; startColumn: number; endLine: number; endColumn: number };

interface SarifFix {
  description: SarifText;
  artifactChanges: Array<{ artifactLocation: SarifArtifactLocation; replacements: Array<{ deletedRegion: SarifRegion; insertedContent: { text: string } }> }>;
  properties: { applicability: 'safe' | 'unsafe' };
}

interface SarifNotification {
  level: 'error' | 'warning';
  message: SarifText;
  locations: Array<{ physicalLocation: { artifactLocation: SarifArtifactLocation } }>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: {
      driver: {
        name: string;
        version: string;
        semanticVersion: string;
        informationUri: string;
        rules: SarifRule[];
      };
    };
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: SarifNotification[] }>;
    originalUriBaseIds: Record<string, { uri: string }>;
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }>;
}

/** `no-blocking-call` -> `NoBlockingCall`. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** A directory URI must end in `/`, or relative URIs resolved against it drop its last segment. */
export function directoryUri(directory: string): string {
  const href = pathToFileURL(directory).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * Files under the root are addressed relative to `%SRCROOT%` so the log stays valid on
 * another checkout; anything else can only be named by its absolute `file://` URI.
 */
export function artifactLocation(root: string, filePath: string): SarifArtifactLocation {
  const fromRoot = relative(root, filePath);
  const outsideRoot =
    fromRoot === '' || fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot);
  if (outsideRoot) return { uri: pathToFileURL(filePath).href };
  const uri = fromRoot.split(sep).map(encodeURIComponent).join('/');
  return { uri, uriBaseId: SRCROOT };
}

/** A fence longer than any backtick run inside the code, so the code cannot close it. */
function codeFence(code: string): string {
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longestRun + 1));
}

function pythonBlock(code: string): string {
  const fence = codeFence(code);
  return `${fence}python\n${code.trimEnd()}\n${fence}`;
}

export function helpText(rule: RuleMeta): string {
  const { docs } = rule;
  const sections = [
    docs.what,
    `Why is this bad?\n${docs.why}`,
    `Example:\n${docs.example.trimEnd()}`,
    `Use instead:\n${docs.useInstead.trimEnd()}`,
  ];
  if (docs.fixSafety !== undefined) sections.push(`Fix safety:\n${docs.fixSafety}`);
  sections.push(`See: ${docs.link}`);
  return sections.join('\n\n');
}

export function helpMarkdown(rule: RuleMeta): string {
  const { docs } = rule;
  const sections = [
    `## What it does\n${docs.what}`,
    `## Why is this bad?\n${docs.why}`,
    `## Example\n${pythonBlock(docs.example)}`,
    `## Use instead\n${pythonBlock(docs.useInstead)}`,
  ];
  if (docs.fixSafety !== undefined) sections.push(`## Fix safety\n${docs.fixSafety}`);
  sections.push(`## References\n- [Modal documentation](${docs.link})`);
  return sections.join('\n\n');
}

/**
 * GitHub code scanning shows `fullDescription.text` next to each alert and documents a limit of
 * 1,000 characters for it ("SARIF support for code scanning", `reportingDescriptor` object).
 */
export const FULL_DESCRIPTION_LIMIT = 1000;
const SEE_HELP = ' The rule help has the full description.';

/**
 * The rule's "what it does" text when it fits GitHub's limit; otherwise its leading sentences
 * that fit, and a pointer to `help`, which always carries the whole text.
 */
export function fullDescriptionText(rule: RuleMeta): string {
  const what = rule.docs.what.trim();
  if (what.length <= FULL_DESCRIPTION_LIMIT) return what;
  const budget = FULL_DESCRIPTION_LIMIT - SEE_HELP.length;
  // A sentence ends at `.`, `!` or `?` followed by a space and a capital, a backtick or a parenthesis.
  const sentences = what.split(/(?<=[.!?])\s+(?=[A-Z`(])/);
  let text = '';
  for (const sentence of sentences) {
    const next = text === '' ? sentence : `${text} ${sentence}`;
    if (next.length > budget) break;
    text = next;
  }
  if (text === '') {
    // One sentence longer than the budget: cut at a word boundary.
    const cut = what.slice(0, budget - 1);
    text = `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
  }
  return `${text}${SEE_HELP}`;
}

function sarifRule(rule: RuleMeta, report: LintReport): SarifRule {
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.summary },
    fullDescription: { text: fullDescriptionText(rule) },
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    helpUri: rule.docs.link,
    defaultConfiguration: { level: LEVEL_BY_SEVERITY[report.severities[rule.id] ?? rule.defaultSeverity] },
    properties: {
      tags: [...rule.tags],
      precision: rule.precision,
      category: rule.category,
      // GitHub code scanning reads a numeric string such as "8.0".
      ...(rule.securitySeverity === undefined ? {} : { 'security-severity': rule.securitySeverity.toFixed(1) }),
    },
  };
}

function ruleIndexer(rules: readonly RuleMeta[]): (ruleId: string) => number {
  const indexById = new Map<string, number>();
  rules.forEach((rule, index) => {
    if (!indexById.has(rule.id)) indexById.set(rule.id, index);
  });
  return (ruleId) => {
    const index = indexById.get(ruleId);
    if (index === undefined) {
      throw new Error(`SARIF output: diagnostic rule "${ruleId}" is not among the report's rules`);
    }
    return index;
  };
}

/** A fix as SARIF `fixes`: one artifact change of replacements (deleted region, inserted text). */
function sarifFixes(fix: NonNullable<Diagnostic['fix']>, location: SarifArtifactLocation, position: ReturnType<typeof positionFinder>): SarifFix[] {
  const replacements = fix.edits.map((edit) => {
    const start = position(edit.start);
    const end = position(edit.end);
    return {
      deletedRegion: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
      insertedContent: { text: edit.text },
    };
  });
  return [{ description: { text: fix.title }, artifactChanges: [{ artifactLocation: location, replacements }], properties: { applicability: fix.safety } }];
}

function sarifResult(
  diagnostic: Diagnostic,
  location: SarifArtifactLocation,
  indexOf: (ruleId: string) => number,
  position: ReturnType<typeof positionFinder> | undefined,
): SarifResult {
  const { start, end } = diagnostic.range;
  const fixes = diagnostic.fix && position ? { fixes: sarifFixes(diagnostic.fix, location, position) } : {};
  return {
    ruleId: diagnostic.ruleId,
    ruleIndex: indexOf(diagnostic.ruleId),
    level: LEVEL_BY_SEVERITY[diagnostic.severity],
    message: { text: diagnostic.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: location,
          region: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
        },
      },
    ],
    ...fixes,
  };
}

function fileNotifications(file: FileResult, location: SarifArtifactLocation): SarifNotification[] {
  const notification = (level: SarifNotification['level'], text: string): SarifNotification => ({
    level,
    message: { text },
    locations: [{ physicalLocation: { artifactLocation: location } }],
  });
  const failure = file.failure === undefined ? [] : [notification('error', file.failure)];
  return [...failure, ...(file.notices ?? []).map((notice) => notification('warning', notice))];
}

export function toSarifLog(report: LintReport): SarifLog {
  const indexOf = ruleIndexer(report.rules);
  const results: SarifResult[] = [];
  const notifications: SarifNotification[] = [];
  for (const file of report.files) {
    const location = artifactLocation(report.root, file.path);
    notifications.push(...fileNotifications(file, location));
    const position = file.source === undefined ? undefined : positionFinder(file.source);
    for (const diagnostic of sortDiagnostics(file.diagnostics)) {
      results.push(sarifResult(diagnostic, location, indexOf, position));
    }
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'modal-lint',
            version: report.toolVersion,
            semanticVersion: report.toolVersion,
            informationUri: INFORMATION_URI,
            rules: report.rules.map((rule) => sarifRule(rule, report)),
          },
        },
        invocations: [
          {
            executionSuccessful: report.files.every((file) => file.failure === undefined),
            toolExecutionNotifications: notifications,
          },
        ],
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(report.root) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(report: LintReport): string {
  return `${JSON.stringify(toSarifLog(report), null, 2)}\n`;
}
