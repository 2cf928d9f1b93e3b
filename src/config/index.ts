export { DEFAULT_EXCLUDES } from './defaults.js';
export { ConfigError } from './errors.js';
export { ConfigResolver, loadConfig, walkConfigs } from './load.js';
export { rulesIgnoredForFile } from './per-file-ignores.js';
export type {
  LoadConfigOptions,
  OptionSpec,
  OptionType,
  PerFileIgnore,
  ResolvedConfig,
  RuleOptionSpecs,
  RuleSeverity,
} from './types.js';
