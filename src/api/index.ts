/**
 * The Node API of modal-lint: lint a text or files with a project's config, get findings and
 * their fixes, apply fixes, write suppression comments. The command line and the language
 * server are built on it.
 */
import path from 'node:path';
import { walkConfigs, type ResolvedConfig } from '../config/index.js';
import type { Diagnostic, FileResult, LintReport, RuleMeta } from '../diagnostics.js';
import { lint, type LintSettings, type SourceInput } from '../engine/lint.js';
import { ALL_RULE_META } from '../engine/rule-set.js';
import { addIgnoreComments, type AddedIgnores } from '../fix/add-ignore.js';
import { applyFixes as applyNonOverlapping, eligibleFixes } from '../fix/apply.js';
import { fixSource } from '../fix/fix-source.js';
import { mergeReports, projectConfigResolver, settingsFromConfig, type SelectionOverrides } from './settings.js';

export type { Category, Diagnostic, DiagnosticFix, FileResult, LintReport, Position, Range, RuleMeta, Severity } from '../diagnostics.js';
export type { ResolvedConfig } from '../config/index.js';
export { ConfigError } from '../config/index.js';
export type { AddedIgnores } from '../fix/add-ignore.js';
export { addIgnoreComments } from '../fix/add-ignore.js';
export { formatReport, FORMAT_NAMES, type FormatName } from '../reporters/index.js';
export { VERSION } from '../cli/version.js';

/** Every rule modal-lint knows, with its documentation. */
export const rules: readonly RuleMeta[] = ALL_RULE_META;

export interface LinterOptions extends SelectionOverrides {
  /** Folder the config is searched from and report paths are relative to (default: `process.cwd()`). */
  cwd?: string;
  /** This config file instead of the closest one. */
  configPath?: string;
}

export interface FixOptions {
  /** Also apply unsafe fixes (they change behaviour; review them). */
  unsafe?: boolean;
}

export interface FixedText {
  /** The text with every eligible fix applied (the original when none applied or one would break the syntax). */
  text: string;
  fixCount: number;
  /** Findings that remain in `text`. */
  diagnostics: Diagnostic[];
  /** Why nothing was applied, when the fixes would have left a syntax error. */
  refused?: string;
}

/** A linter bound to a project's configs. Create one with {@link createLinter}. */
export interface Linter {
  /** The config that applies in `cwd` (a file below a nested config is linted with that one). */
  readonly config: ResolvedConfig;
  /** The lint settings of `config`. */
  readonly settings: LintSettings;
  /** Lints a text as if it were the file at `filePath` (which need not exist; imports resolve from its folder; the config nearest above it applies). */
  lintText(text: string, filePath: string): Promise<FileResult>;
  /** Lints files and folders (folders are searched as on the command line, honouring the config's excludes). */
  lintFiles(paths: string[]): Promise<LintReport>;
  /** Applies fixes to a text, linting again after each pass until no fix applies. */
  fixText(text: string, filePath: string, options?: FixOptions): Promise<FixedText>;
  /** Writes a suppression comment for every finding of a text. */
  addIgnores(text: string, filePath: string): Promise<AddedIgnores>;
}

/**
 * Loads the config that applies in `cwd` (throws `ConfigError` when it is invalid) and returns a
 * linter. Each file is linted with the settings of the config nearest above it, as on the command
 * line (`configPath`, when given, for every file); `config` and `settings` are those of `cwd`.
 */
export function createLinter(options: LinterOptions = {}): Linter {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const configs = projectConfigResolver(cwd, options.configPath);
  const byConfig = new Map<ResolvedConfig, LintSettings>();
  const settingsOf = (config: ResolvedConfig): LintSettings => {
    let settings = byConfig.get(config);
    if (!settings) byConfig.set(config, (settings = settingsFromConfig(config, cwd, options)));
    return settings;
  };
  const config = configs.forPath(cwd, true);
  const settings = settingsOf(config);
  const absolute = (filePath: string): string => path.resolve(cwd, filePath);
  /** Throws `ConfigError` when the config nearest above the file is invalid. */
  const settingsFor = (filePath: string): LintSettings => settingsOf(configs.forPath(filePath));
  const lintText = async (text: string, filePath: string): Promise<FileResult> => {
    const file = absolute(filePath);
    return (await lint([{ path: file, text }], settingsFor(file))).files[0]!;
  };
  return {
    config,
    settings,
    lintText,
    async lintFiles(paths) {
      const { discoverFiles } = await import('../discover/index.js');
      // Each folder's entries answer to the excludes of the config nearest to it.
      const walk = walkConfigs(configs, () => config);
      const found = await discoverFiles(paths, { cwd, config, configFor: walk.configFor, forceExclude: true });
      const configError = walk.error();
      if (configError) throw configError;
      // Files sharing a config are linted together, with its settings.
      const groups = new Map<LintSettings, SourceInput[]>();
      for (const file of found.files) {
        const fileSettings = settingsFor(file);
        const inputs = groups.get(fileSettings) ?? [];
        inputs.push({ path: file });
        groups.set(fileSettings, inputs);
      }
      if (groups.size === 0) groups.set(settings, []);
      const reports: LintReport[] = [];
      for (const [groupSettings, inputs] of groups) reports.push(await lint(inputs, groupSettings));
      const report = mergeReports(reports, cwd);
      for (const missing of found.missing) report.files.push({ path: missing, relativePath: path.relative(cwd, missing), diagnostics: [], failure: 'no such file or directory' });
      return report;
    },
    async fixText(text, filePath, fixOptions = {}) {
      const file = absolute(filePath);
      const fixed = await fixSource(file, text.replace(/^\uFEFF/, ''), settingsFor(file), fixOptions.unsafe ?? false);
      return { text: fixed.text, fixCount: fixed.fixCount, diagnostics: fixed.diagnostics, ...(fixed.refused ? { refused: fixed.refused } : {}) };
    },
    async addIgnores(text, filePath) {
      const result = await lintText(text, filePath);
      return addIgnoreComments(result.source ?? text, result.diagnostics);
    },
  };
}

/**
 * Applies the fixes of some findings to the text they were found in, in one pass: safe fixes,
 * and unsafe ones when asked. Fixes that overlap one already applied are left for a next pass.
 */
export function applyFixes(text: string, diagnostics: readonly Diagnostic[], options: FixOptions = {}): { text: string; applied: number; skipped: number } {
  const result = applyNonOverlapping(text, eligibleFixes([...diagnostics], options.unsafe ?? false));
  return { text: result.text, applied: result.applied.length, skipped: result.skipped };
}
