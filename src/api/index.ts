/**
 * The Node API of modal-lint: lint a text or files with a project's config, get findings and
 * their fixes, apply fixes, write suppression comments. The command line and the language
 * server are built on it.
 */
import path from 'node:path';
import type { ResolvedConfig } from '../config/index.js';
import type { Diagnostic, FileResult, LintReport, RuleMeta } from '../diagnostics.js';
import { lint, type LintSettings } from '../engine/lint.js';
import { ALL_RULE_META } from '../engine/rule-set.js';
import { addIgnoreComments, type AddedIgnores } from '../fix/add-ignore.js';
import { applyFixes as applyNonOverlapping, eligibleFixes } from '../fix/apply.js';
import { fixSource } from '../fix/fix-source.js';
import { loadProjectConfig, settingsFromConfig, type SelectionOverrides } from './settings.js';

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

/** A linter bound to a project's config. Create one with {@link createLinter}. */
export interface Linter {
  readonly config: ResolvedConfig;
  readonly settings: LintSettings;
  /** Lints a text as if it were the file at `filePath` (which need not exist; imports resolve from its folder). */
  lintText(text: string, filePath: string): Promise<FileResult>;
  /** Lints files and folders (folders are searched as on the command line, honouring the config's excludes). */
  lintFiles(paths: string[]): Promise<LintReport>;
  /** Applies fixes to a text, linting again after each pass until no fix applies. */
  fixText(text: string, filePath: string, options?: FixOptions): Promise<FixedText>;
  /** Writes a suppression comment for every finding of a text. */
  addIgnores(text: string, filePath: string): Promise<AddedIgnores>;
}

/** Loads the config that applies in `cwd` (throws `ConfigError` when it is invalid) and returns a linter using it. */
export function createLinter(options: LinterOptions = {}): Linter {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const config = loadProjectConfig(cwd, options.configPath);
  const settings = settingsFromConfig(config, cwd, options);
  const absolute = (filePath: string): string => path.resolve(cwd, filePath);
  const lintText = async (text: string, filePath: string): Promise<FileResult> => (await lint([{ path: absolute(filePath), text }], settings)).files[0]!;
  return {
    config,
    settings,
    lintText,
    async lintFiles(paths) {
      const { discoverFiles } = await import('../discover/index.js');
      const found = await discoverFiles(paths, { cwd, config, forceExclude: true });
      const report = await lint(found.files.map((file) => ({ path: file })), settings);
      for (const missing of found.missing) report.files.push({ path: missing, relativePath: path.relative(cwd, missing), diagnostics: [], failure: 'no such file or directory' });
      return report;
    },
    async fixText(text, filePath, fixOptions = {}) {
      const fixed = await fixSource(absolute(filePath), text.replace(/^\uFEFF/, ''), settings, fixOptions.unsafe ?? false);
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
