import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic, FileResult, LintReport, Severity } from '../diagnostics.js';
import { getParser, parseWith } from '../parser/parser.js';
import { formatMessage, type Rule } from '../rules/types.js';
import { decodeSource } from './decode.js';
import { ProjectIndex } from './project.js';
import { nodeRange } from './ranges.js';
import { enabledRules, KNOWN_RULE_IDS, ruleOptions, type RuleSelection } from './rule-set.js';
import { applySuppressions, readSuppressions, UNUSED_SUPPRESSION } from './suppressions.js';

export interface SourceInput {
  /** Absolute path (for stdin, the path given by `--stdin-filename`). */
  path: string;
  /** Text already in hand (stdin); otherwise the file is read. */
  text?: string;
}

export interface LintSettings extends RuleSelection {
  /** Directory that report paths are relative to. */
  root: string;
  toolVersion: string;
  ruleOptions: Record<string, Record<string, unknown>>;
  /** Rule ids ignored for one file (per-file-ignores). */
  ignoredForFile: (filePath: string) => ReadonlySet<string>;
}

/**
 * Cheap test before parsing: a file can only matter if it names modal or registers on an App
 * (`@app.function(` with an App imported from another module).
 */
export function mayInvolveModal(text: string): boolean {
  return text.includes('modal') || /\.(function|cls|local_entrypoint|server)\s*\(/.test(text);
}

export function relativeTo(root: string, filePath: string): string {
  const relative = path.relative(root, filePath);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? filePath : relative;
  return shown.split(path.sep).join('/');
}

interface ReadFile {
  result: FileResult;
  text?: string;
}

function readInput(input: SourceInput, root: string): ReadFile {
  const result: FileResult = { path: input.path, relativePath: relativeTo(root, input.path), diagnostics: [] };
  if (input.text !== undefined) {
    const text = input.text.replace(/^\uFEFF/, '');
    result.source = text;
    return { result, text };
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(input.path);
  } catch (error) {
    result.failure = describeReadError(error);
    return { result };
  }
  const decoded = decodeSource(bytes);
  if (decoded.notices.length > 0) result.notices = decoded.notices;
  if (decoded.binary) return { result };
  result.source = decoded.text;
  return { result, text: decoded.text };
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file disappeared before it could be read';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return `could not be read (${code ?? String(error)})`;
}

export async function lint(inputs: SourceInput[], settings: LintSettings): Promise<LintReport> {
  const enabled = enabledRules(settings);
  const files = inputs.map((input) => readInput(input, settings.root));
  const texts = new Map<string, string>();
  for (const file of files) if (file.text !== undefined) texts.set(file.result.path, file.text);
  const candidates = files.filter((file) => file.text !== undefined && mayInvolveModal(file.text));

  if (candidates.length > 0) {
    const parser = await getParser();
    const index = new ProjectIndex(settings.root, (p) => texts.get(p), (source) => parseWith(parser, source));
    for (const file of candidates) {
      file.result.diagnostics = lintModel(index, file.result.path, enabled.rules, enabled.severities, settings);
    }
  }
  for (const file of files) file.result.diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);

  return {
    root: settings.root,
    files: files.map((file) => file.result),
    rules: enabled.meta,
    severities: Object.fromEntries(enabled.severities),
    toolVersion: settings.toolVersion,
  };
}

function lintModel(index: ProjectIndex, filePath: string, rules: Rule[], severities: Map<string, Severity>, settings: LintSettings): Diagnostic[] {
  const model = index.modelFor(filePath);
  if (!model) return [];
  const ignored = settings.ignoredForFile(filePath);
  const diagnostics: Diagnostic[] = [];
  const ran = new Set<string>();
  for (const rule of rules) {
    if (ignored.has(rule.id)) continue;
    ran.add(rule.id);
    rule.check({
      model,
      options: ruleOptions(rule, settings.ruleOptions[rule.id]),
      report: (node, messageId, data, fix) => {
        const diagnostic: Diagnostic = { ruleId: rule.id, severity: severities.get(rule.id)!, message: formatMessage(rule.messages[messageId]!, data), range: nodeRange(node) };
        if (fix) diagnostic.fix = fix;
        diagnostics.push(diagnostic);
      },
    });
  }
  const unusedSeverity = ignored.has(UNUSED_SUPPRESSION.id) ? undefined : severities.get(UNUSED_SUPPRESSION.id);
  const reportUnused = unusedSeverity
    ? (comment: Parameters<typeof nodeRange>[0], message: string): Diagnostic => ({ ruleId: UNUSED_SUPPRESSION.id, severity: unusedSeverity, message, range: nodeRange(comment) })
    : null;
  return applySuppressions(diagnostics, readSuppressions(model.root), ran, KNOWN_RULE_IDS, reportUnused);
}
