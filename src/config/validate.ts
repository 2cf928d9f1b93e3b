import { defaultConfig } from './defaults.js';
import { ConfigError } from './errors.js';
import { closestMatch } from './suggest.js';
import type { OptionSpec, OptionType, PerFileIgnore, ResolvedConfig, RuleOptionSpecs, RuleSeverity } from './types.js';

export type TomlTableValue = Record<string, unknown>;

/** Where the settings being validated come from, for error messages. */
export interface SettingsSource {
  /** Absolute path of the config file. */
  file: string;
  /** How the file is named in messages. */
  displayName: string;
  /** Key segments above the settings: `tool`, `modal-lint` in pyproject.toml. */
  keyPrefix: readonly string[];
  rules: RuleOptionSpecs;
}

const SETTING_KEYS = [
  'extend',
  'select',
  'extend-select',
  'ignore',
  'exclude',
  'extend-exclude',
  'per-file-ignores',
  'max-warnings',
  'rules',
] as const;

const SEVERITIES: readonly RuleSeverity[] = ['error', 'warning', 'info', 'off'];
const SEVERITY_KEY = 'severity';
const ALL_RULES = 'ALL';

const EXPECTED_OPTION_TYPE: Record<OptionType, string> = {
  string: 'a string',
  'string[]': 'a list of strings',
  number: 'a number',
  boolean: 'true or false',
};

export function isTable(value: unknown): value is TomlTableValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** Spells a key the way it would be written in TOML, quoting segments that need it. */
export function formatKey(segments: readonly string[]): string {
  return segments.map((segment) => (BARE_KEY.test(segment) ? segment : JSON.stringify(segment))).join('.');
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return 'a date';
  if (Array.isArray(value)) return 'a list';
  return 'a table';
}

function didYouMean(word: string, candidates: Iterable<string>): string {
  const suggestion = closestMatch(word, candidates);
  return suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
}

class SettingsReader {
  constructor(private readonly source: SettingsSource) {}

  key(segments: readonly string[]): string {
    return formatKey([...this.source.keyPrefix, ...segments]);
  }

  fail(segments: readonly string[], problem: string): never {
    throw new ConfigError(`${this.source.displayName}: ${problem}`, {
      file: this.source.file,
      key: this.key(segments),
    });
  }

  failType(segments: readonly string[], expected: string, value: unknown): never {
    this.fail(segments, `"${this.key(segments)}" must be ${expected}, got ${describeValue(value)}`);
  }

  rejectUnknownKeys(table: TomlTableValue, known: readonly string[]): void {
    for (const name of Object.keys(table)) {
      if (!known.includes(name)) this.fail([name], `unknown key "${this.key([name])}"${didYouMean(name, known)}`);
    }
  }

  ruleId(id: string, listSegments: readonly string[], idSegments: readonly string[] = listSegments): string {
    if (!this.source.rules.has(id)) {
      this.fail(idSegments, `unknown rule "${id}" in ${this.key(listSegments)}${didYouMean(id, this.source.rules.keys())}`);
    }
    return id;
  }

  /** A list of rule ids; `"ALL"` (alone or in the list, as Ruff accepts both) selects every rule. */
  ruleIds(value: unknown, segments: readonly string[]): string[] | typeof ALL_RULES {
    if (value === ALL_RULES) return ALL_RULES;
    if (!isStringList(value)) this.failType(segments, `a list of rule ids or "${ALL_RULES}"`, value);
    const ids = value.filter((id) => id !== ALL_RULES).map((id) => this.ruleId(id, segments));
    return value.includes(ALL_RULES) ? ALL_RULES : [...new Set(ids)];
  }

  expandedRuleIds(value: unknown, segments: readonly string[]): string[] {
    const ids = this.ruleIds(value, segments);
    return ids === ALL_RULES ? [...this.source.rules.keys()] : ids;
  }

  patterns(value: unknown, segments: readonly string[]): string[] {
    if (!isStringList(value)) this.failType(segments, 'a list of gitignore-style patterns', value);
    return [...value];
  }

  perFileIgnores(value: unknown, segments: readonly string[]): PerFileIgnore[] {
    if (!isTable(value)) this.failType(segments, 'a table of pattern = [rule ids]', value);
    return Object.entries(value).map(([pattern, rules]) => ({
      pattern,
      rules: this.expandedRuleIds(rules, [...segments, pattern]),
    }));
  }

  nonNegativeInteger(value: unknown, segments: readonly string[]): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      this.failType(segments, 'an integer >= 0', value);
    }
    return value;
  }

  severity(value: unknown, segments: readonly string[]): RuleSeverity {
    const severity = SEVERITIES.find((candidate) => candidate === value);
    if (severity === undefined) {
      const expected = SEVERITIES.map((name) => `"${name}"`).join(', ');
      this.fail(segments, `invalid severity ${describeValue(value)} for "${this.key(segments)}"; expected one of ${expected}`);
    }
    return severity;
  }

  optionValue(spec: OptionSpec, value: unknown, segments: readonly string[]): unknown {
    const valid =
      spec.type === 'string[]' ? isStringList(value) : typeof value === spec.type;
    if (!valid) this.failType(segments, EXPECTED_OPTION_TYPE[spec.type], value);
    if (spec.values && !spec.values.includes(value as string)) {
      this.failType(segments, `one of ${spec.values.map((name) => `"${name}"`).join(', ')}`, value);
    }
    return Array.isArray(value) ? [...value] : value;
  }

  ruleTable(
    id: string,
    table: TomlTableValue,
    segments: readonly string[],
  ): { severity?: RuleSeverity; options: Record<string, unknown> } {
    const specs = this.source.rules.get(id) ?? {};
    this.rejectUnknownOptions(id, table, specs, segments);
    const options: Record<string, unknown> = {};
    let severity: RuleSeverity | undefined;
    for (const [name, value] of Object.entries(table)) {
      if (name === SEVERITY_KEY) severity = this.severity(value, [...segments, name]);
      else options[name] = this.optionValue(specs[name]!, value, [...segments, name]);
    }
    return severity === undefined ? { options } : { severity, options };
  }

  rejectUnknownOptions(
    id: string,
    table: TomlTableValue,
    specs: Readonly<Record<string, OptionSpec>>,
    segments: readonly string[],
  ): void {
    const declared = Object.keys(specs);
    const known = [SEVERITY_KEY, ...declared];
    for (const name of Object.keys(table)) {
      if (known.includes(name)) continue;
      const optionSegments = [...segments, name];
      const hint =
        didYouMean(name, known) ||
        (declared.length === 0 ? ` (rule "${id}" has no options)` : ` (options of "${id}": ${declared.join(', ')})`);
      this.fail(optionSegments, `unknown key "${this.key(optionSegments)}"${hint}`);
    }
  }

  rules(value: unknown, segments: readonly string[], config: ResolvedConfig): void {
    if (!isTable(value)) this.failType(segments, 'a table of rule id = severity or { severity, options }', value);
    for (const [id, setting] of Object.entries(value)) {
      const ruleSegments = [...segments, id];
      this.ruleId(id, segments, ruleSegments);
      if (typeof setting === 'string') {
        config.severities[id] = this.severity(setting, ruleSegments);
      } else if (isTable(setting)) {
        const { severity, options } = this.ruleTable(id, setting, ruleSegments);
        if (severity !== undefined) config.severities[id] = severity;
        if (Object.keys(options).length > 0) config.ruleOptions[id] = options;
      } else {
        this.failType(ruleSegments, 'a severity or an inline table { severity = ..., <option> = ... }', setting);
      }
    }
  }
}

/** The `extend` setting (a path, relative to the config file), checked; undefined when absent. */
export function extendPath(settings: TomlTableValue, source: SettingsSource): string | undefined {
  if (!Object.hasOwn(settings, 'extend')) return undefined;
  const value = settings.extend;
  if (typeof value !== 'string' || value.trim() === '') new SettingsReader(source).failType(['extend'], 'the path of another config file', value);
  return value as string;
}

/**
 * Checks the modal-lint settings table and turns it into a ResolvedConfig; throws ConfigError on
 * the first problem. With `base` (the config named by `extend`), the settings apply on top of it.
 */
export function resolveSettings(settings: TomlTableValue, source: SettingsSource, baseDir: string, base?: ResolvedConfig): ResolvedConfig {
  const reader = new SettingsReader(source);
  reader.rejectUnknownKeys(settings, SETTING_KEYS);
  const config: ResolvedConfig = base
    ? { ...base, baseDir, path: source.file, severities: { ...base.severities }, ruleOptions: { ...base.ruleOptions }, extends: [...(base.extends ?? []), base.path!] }
    : { ...defaultConfig(baseDir), path: source.file };
  const has = (key: (typeof SETTING_KEYS)[number]): boolean => Object.hasOwn(settings, key);

  if (has('select')) config.select = reader.ruleIds(settings.select, ['select']);
  if (has('extend-select')) {
    const extra = reader.ruleIds(settings['extend-select'], ['extend-select']);
    // Added to the selection; with no selection (every rule) or `ALL` there is nothing to add.
    if (extra === ALL_RULES) config.select = ALL_RULES;
    else if (Array.isArray(config.select)) config.select = [...new Set([...config.select, ...extra])];
  }
  if (has('ignore')) config.ignore = reader.expandedRuleIds(settings.ignore, ['ignore']);
  if (has('exclude')) config.exclude = reader.patterns(settings.exclude, ['exclude']);
  if (has('extend-exclude')) config.extendExclude = [...(base?.extendExclude ?? []), ...reader.patterns(settings['extend-exclude'], ['extend-exclude'])];
  if (has('per-file-ignores')) {
    config.perFileIgnores = reader.perFileIgnores(settings['per-file-ignores'], ['per-file-ignores']);
  }
  if (has('max-warnings')) config.maxWarnings = reader.nonNegativeInteger(settings['max-warnings'], ['max-warnings']);
  if (has('rules')) reader.rules(settings.rules, ['rules'], config);
  return config;
}
