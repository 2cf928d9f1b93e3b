import type { Severity } from '../diagnostics.js';
import { RULES } from '../rules/index.js';
import type { Rule } from '../rules/types.js';
import { UNUSED_SUPPRESSION } from './suppressions.js';
import type { RuleMeta } from '../diagnostics.js';

/** Every rule id the tool knows, including the engine's own `unused-suppression`. */
export const ALL_RULE_META: readonly RuleMeta[] = [...RULES, UNUSED_SUPPRESSION];
export const KNOWN_RULE_IDS: ReadonlySet<string> = new Set(ALL_RULE_META.map((rule) => rule.id));

export interface RuleSelection {
  /** `null` or `'ALL'`: every rule. */
  select: string[] | 'ALL' | null;
  ignore: string[];
  severities: Record<string, Severity | 'off'>;
}

export interface EnabledRules {
  rules: Rule[];
  /** Enabled rule ids with their effective severity (includes `unused-suppression`). */
  severities: Map<string, Severity>;
  /** Rules whose severity the configuration sets: it then applies to every message of the rule. */
  configured: Set<string>;
  meta: RuleMeta[];
}

/** The enabled rules of a selection; `rules` replaces the built-in set (an embedding tool's own rules). */
export function enabledRules(selection: RuleSelection, rules: readonly Rule[] = RULES): EnabledRules {
  const selected = selection.select === null || selection.select === 'ALL' ? null : new Set(selection.select);
  const ignored = new Set(selection.ignore);
  const severities = new Map<string, Severity>();
  const configured = new Set<string>();
  const meta: RuleMeta[] = [];
  for (const rule of rules === RULES ? ALL_RULE_META : [...rules, UNUSED_SUPPRESSION]) {
    if ((selected && !selected.has(rule.id)) || ignored.has(rule.id)) continue;
    const severity = selection.severities[rule.id] ?? rule.defaultSeverity;
    if (severity === 'off') continue;
    severities.set(rule.id, severity);
    if (selection.severities[rule.id] !== undefined) configured.add(rule.id);
    meta.push(rule);
  }
  return { rules: rules.filter((rule) => severities.has(rule.id)), severities, configured, meta };
}

/** Option defaults of a rule overlaid with the configured values. */
export function ruleOptions(rule: Rule, configured: Record<string, unknown> | undefined): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(rule.options ?? {})) options[name] = configured?.[name] ?? spec.default;
  return options;
}
