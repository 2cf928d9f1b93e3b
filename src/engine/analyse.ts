import type { Diagnostic, Severity } from '../diagnostics.js';
import { getParser, parseWith } from '../parser/parser.js';
import type { SyntaxNode } from '../parser/syntax.js';
import { formatMessage } from '../rules/types.js';
import { ProjectIndex } from './project.js';
import { nodeRange } from './ranges.js';
import { enabledRules, KNOWN_RULE_IDS, ruleOptions, type RuleSelection } from './rule-set.js';
import { applySuppressions, readSuppressions, UNUSED_SUPPRESSION } from './suppressions.js';
import { enableTiming, PARSE_AND_MODEL, timed } from './timing.js';

/** Everything the analysis of a batch of files needs: plain data, so it can cross to a worker thread. */
export interface AnalysisRequest {
  root: string;
  selection: RuleSelection;
  ruleOptions: Record<string, Record<string, unknown>>;
  /** Files to analyse. */
  paths: string[];
  /** Text of every file of the run that may be read for cross-file facts (and of `paths`). */
  texts: Record<string, string>;
  /** Rule ids ignored per file (per-file-ignores), for the files in `paths`. */
  ignoredByFile: Record<string, string[]>;
  /** Measure the parse and model and each rule (`--timing`). */
  timing?: boolean;
}

export interface AnalysisResult {
  path: string;
  diagnostics: Diagnostic[];
  notices: string[];
  /** The module defines an App at module level. */
  definesApp: boolean;
  /** Other files whose presence or content the result depends on. */
  dependencies: string[];
  /** The result read facts from every file of the run (Apps by name): any file added or changed may change it. */
  dependsOnRun?: boolean;
  /** With `dependsOnRun`: every file read, probed or folder listed outside the run's files while answering run-wide questions. */
  runInputs?: string[];
}

/** Parses each file once, builds its Modal model and runs every enabled rule on it. */
export async function analyse(request: AnalysisRequest): Promise<AnalysisResult[]> {
  if (request.timing) enableTiming();
  const parser = await getParser();
  const texts = new Map(Object.entries(request.texts));
  const index = new ProjectIndex(request.root, (p) => texts.get(p), (source) => parseWith(parser, source), () => texts.keys());
  const enabled = enabledRules(request.selection);
  const options = new Map(enabled.rules.map((rule) => [rule.id, ruleOptions(rule, request.ruleOptions[rule.id])]));
  const results: AnalysisResult[] = [];
  for (const filePath of request.paths) {
    const notices: string[] = [];
    try {
      const diagnostics = analyseFile(index, filePath, new Set(request.ignoredByFile[filePath] ?? []), enabled, options, notices);
      const result: AnalysisResult = { path: filePath, diagnostics, notices, definesApp: index.definesApp(filePath), dependencies: index.dependenciesOf(filePath) };
      if (index.dependsOnRun(filePath)) result.dependsOnRun = true;
      results.push(result);
    } catch (error) {
      // Rules are isolated one by one; this catches the rest (parsing, the model, cross-file
      // resolution), so one file that breaks the analysis never costs the other files' results.
      notices.push(`internal error while analysing this file: ${error instanceof Error ? error.message : String(error)}; please report it`);
      results.push({ path: filePath, diagnostics: [], notices, definesApp: false, dependencies: [] });
    }
    // Keep what other modules may import (its exports), not the whole tree: memory stays flat on big trees.
    try {
      index.release(filePath);
    } catch {
      // Its exports could not be computed: importers see the module as unresolved.
    }
  }
  // What run-wide answers read outside the run only grows during the batch: its final state covers every result.
  const runInputs = results.some((result) => result.dependsOnRun) ? index.outsideInputs() : [];
  for (const result of results) if (result.dependsOnRun) result.runInputs = runInputs;
  return results;
}

/**
 * Runs the enabled rules on one module of an index, with suppressions applied. Rule failures
 * become notices. The language server calls this on its long-lived index.
 */
export function analyseFile(
  index: ProjectIndex,
  filePath: string,
  ignored: ReadonlySet<string>,
  enabled: ReturnType<typeof enabledRules>,
  options: ReadonlyMap<string, Record<string, unknown>>,
  notices: string[],
): Diagnostic[] {
  const model = timed(PARSE_AND_MODEL, () => index.modelFor(filePath));
  if (!model) return [];
  const diagnostics: Diagnostic[] = [];
  const ran = new Set<string>();
  for (const rule of enabled.rules) {
    if (ignored.has(rule.id)) continue;
    ran.add(rule.id);
    const severity = enabled.severities.get(rule.id)!;
    const messageSeverities = enabled.configured.has(rule.id) ? undefined : rule.messageSeverities;
    try {
      timed(rule.id, () =>
        rule.check({
          model,
          options: options.get(rule.id)!,
          report: (node, messageId, data, fix) => {
            const diagnostic: Diagnostic = { ruleId: rule.id, severity: messageSeverities?.[messageId] ?? severity, message: formatMessage(rule.messages[messageId]!, data), range: nodeRange(node) };
            if (fix) diagnostic.fix = fix;
            diagnostics.push(diagnostic);
          },
        }),
      );
    } catch (error) {
      // One rule failing on odd input must not cost the findings of the others.
      notices.push(`internal error in rule ${rule.id}: ${error instanceof Error ? error.message : String(error)}; please report it`);
    }
  }
  reportLayoutError(model.root, enabled, ran, diagnostics);
  const unusedSeverity: Severity | undefined = ignored.has(UNUSED_SUPPRESSION.id) ? undefined : enabled.severities.get(UNUSED_SUPPRESSION.id);
  const reportUnused = unusedSeverity
    ? (comment: SyntaxNode, message: string): Diagnostic => ({ ruleId: UNUSED_SUPPRESSION.id, severity: unusedSeverity, message, range: nodeRange(comment) })
    : null;
  return applySuppressions(diagnostics, readSuppressions(model.root, KNOWN_RULE_IDS), ran, KNOWN_RULE_IDS, reportUnused);
}

const SYNTAX_ERROR = 'syntax-error';

/**
 * tree-sitter accepts some indentation errors that Python rejects (`def f():` with no body, a
 * statement indented more than its block); the parser records the first of them on the root.
 * It is reported as a `syntax-error` finding, unless that rule is off or already reported one.
 */
function reportLayoutError(root: SyntaxNode, enabled: ReturnType<typeof enabledRules>, ran: ReadonlySet<string>, diagnostics: Diagnostic[]): void {
  const layoutError = root.layoutError;
  if (!layoutError || !ran.has(SYNTAX_ERROR) || diagnostics.some((diagnostic) => diagnostic.ruleId === SYNTAX_ERROR)) return;
  const rule = enabled.rules.find((candidate) => candidate.id === SYNTAX_ERROR)!;
  const template = Object.values(rule.messages)[0] ?? 'Syntax error: {detail}.';
  diagnostics.push({ ruleId: SYNTAX_ERROR, severity: enabled.severities.get(SYNTAX_ERROR)!, message: formatMessage(template, { detail: layoutError.detail }), range: nodeRange(layoutError.node) });
}
