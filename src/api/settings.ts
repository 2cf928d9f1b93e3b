import path from 'node:path';
import { loadConfig, rulesIgnoredForFile, type ResolvedConfig, type RuleOptionSpecs } from '../config/index.js';
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
