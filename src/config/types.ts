import type { Severity } from '../diagnostics.js';

export type OptionType = 'string' | 'string[]' | 'number' | 'boolean';

export interface OptionSpec {
  type: OptionType;
  description: string;
  /** For a string option: the values it accepts. */
  values?: readonly string[];
}

/**
 * Every known rule id, each mapped to the options it accepts (an empty record
 * for a rule without options). Any rule id missing here is unknown to the config.
 */
export type RuleOptionSpecs = ReadonlyMap<string, Readonly<Record<string, OptionSpec>>>;

export type RuleSeverity = Severity | 'off';

export interface PerFileIgnore {
  /** Gitignore-style pattern relative to `baseDir`; a leading `!` applies the entry to files NOT matching. */
  pattern: string;
  rules: string[];
}

export interface ResolvedConfig {
  /** Absolute path of the config file, when one was used. */
  path?: string;
  /** Config files this one inherits through `extend`, outermost first. */
  extends?: string[];
  /** Directory that patterns in the config are relative to (absolute). */
  baseDir: string;
  /** `null` when the config does not choose: the caller's default rule set applies. */
  select: string[] | 'ALL' | null;
  ignore: string[];
  /** Effective base excludes: the configured `exclude`, or DEFAULT_EXCLUDES when not configured. */
  exclude: string[];
  extendExclude: string[];
  perFileIgnores: PerFileIgnore[];
  /** Only the rules whose severity the config sets. */
  severities: Record<string, RuleSeverity>;
  /** Only the rules the config gives options to. */
  ruleOptions: Record<string, Record<string, unknown>>;
  maxWarnings?: number;
}

export interface LoadConfigOptions {
  cwd: string;
  explicitPath?: string;
  rules: RuleOptionSpecs;
}
