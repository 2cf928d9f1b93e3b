import path from 'node:path';
import { ConfigResolver, loadConfig, rulesIgnoredForFile, type ResolvedConfig, type RuleOptionSpecs } from '../config/index.js';
import type { LintReport } from '../diagnostics.js';
import type { LintSettings } from '../engine/lint.js';
import { ALL_RULE_META, KNOWN_RULE_IDS } from '../engine/rule-set.js';
import { RULES } from '../rules/index.js';
import { VERSION } from '../cli/version.js';

/** Every rule id with the options it accepts, for validating a config file. */
export function ruleOptionSpecs(): RuleOptionSpecs {
  const specs = new Map<string, Record<string, { type: 'string' | 'string[]' | 'number' | 'boolean'; description: string }>>();
  for (const rule of ALL_RULE_META) specs.set(rule.id, {});
  for (const rule of RULES) specs.set(rule.id, { ...(rule.options ?? {}) });
  return specs;
}

/**
 * The config that applies in `cwd`: `configPath` when given, else the closest `.modal-lint.toml`,
 * `modal-lint.toml` or `pyproject.toml` with `[tool.modal-lint]` in `cwd` or above; defaults when
 * there is none. Throws `ConfigError` for an invalid file.
 */
export function loadProjectConfig(cwd: string, configPath?: string): ResolvedConfig {
  return loadConfig({ cwd, explicitPath: configPath ? path.resolve(cwd, configPath) : undefined, rules: ruleOptionSpecs() });
}

/**
 * The config of each file: `configPath` for every file when given, else the nearest config above
 * the file (as the command line finds it). `forPath` throws `ConfigError` for an invalid file.
 */
export function projectConfigResolver(cwd: string, configPath?: string): ConfigResolver {
  return new ConfigResolver({ cwd, explicitPath: configPath ? path.resolve(cwd, configPath) : undefined, rules: ruleOptionSpecs() });
}

export interface SelectionOverrides {
  /** Only these rules (replaces the config's `select`); `ALL` is every rule. */
  select?: string[] | 'ALL';
  /** Also run these rules (added to the selection, after `select`). */
  extendSelect?: string[];
  /** Also skip these rules (added to the config's `ignore`); `ALL` skips every rule. */
  ignore?: string[] | 'ALL';
}

/** Lint settings from a config, with command-line style overrides; `root` is what reports are relative to. */
export function settingsFromConfig(config: ResolvedConfig, root: string, overrides: SelectionOverrides = {}): LintSettings {
  let select = overrides.select === undefined ? config.select : overrides.select === 'ALL' || overrides.select.includes('ALL') ? 'ALL' : overrides.select;
  if (overrides.extendSelect?.includes('ALL')) select = 'ALL';
  else if (overrides.extendSelect && Array.isArray(select)) select = [...new Set([...select, ...overrides.extendSelect])];
  const extraIgnores = overrides.ignore === undefined ? [] : overrides.ignore === 'ALL' || overrides.ignore.includes('ALL') ? [...KNOWN_RULE_IDS] : overrides.ignore;
  return {
    root,
    toolVersion: VERSION,
    select,
    ignore: [...config.ignore, ...extraIgnores],
    severities: config.severities,
    ruleOptions: config.ruleOptions,
    ignoredForFile: (filePath) => rulesIgnoredForFile(config, filePath),
  };
}

/** One report from the reports of files linted in groups (one group per config), files in path order. */
export function mergeReports(reports: LintReport[], root: string): LintReport {
  if (reports.length === 1) return reports[0]!;
  const rules = new Map<string, LintReport['rules'][number]>();
  const severities: LintReport['severities'] = {};
  for (const report of reports) {
    for (const rule of report.rules) rules.set(rule.id, rule);
    for (const [id, severity] of Object.entries(report.severities)) severities[id] ??= severity;
  }
  const files = reports.flatMap((report) => report.files).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, files, rules: [...rules.values()], severities, toolVersion: VERSION };
}
