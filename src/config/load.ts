import fs from 'node:fs';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { defaultConfig } from './defaults.js';
import { ConfigError } from './errors.js';
import { relativeInside } from './patterns.js';
import type { LoadConfigOptions, ResolvedConfig } from './types.js';
import { extendPath, formatKey, isTable, resolveSettings, type TomlTableValue } from './validate.js';

const PYPROJECT = 'pyproject.toml';
/** Checked in this order in each directory. */
const CONFIG_FILE_NAMES = ['.modal-lint.toml', 'modal-lint.toml', PYPROJECT] as const;
const PYPROJECT_KEY_PREFIX = ['tool', 'modal-lint'] as const;

interface ConfigFile {
  file: string;
  displayName: string;
  /** The modal-lint settings, or undefined for a pyproject.toml without `[tool.modal-lint]`. */
  settings: TomlTableValue | undefined;
}

/** Relative to cwd when the file is below it, otherwise absolute, so the message points somewhere unambiguous. */
function displayNameFor(file: string, cwd: string): string {
  return relativeInside(cwd, file) ?? file;
}

function isPyproject(file: string): boolean {
  return path.basename(file) === PYPROJECT;
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'config file not found';
  if (code === 'EISDIR') return 'is a directory, not a config file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot read: ${(error as Error).message}`;
}

function readText(file: string, displayName: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new ConfigError(`${displayName}: ${describeReadError(error)}`, { file });
  }
}

function parseToml(text: string, file: string, displayName: string): TomlTableValue {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.replace(/^Invalid TOML document: /, '').split('\n')[0];
    throw new ConfigError(
      `${displayName}:${error.line}:${error.column}: invalid TOML: ${reason}\n${error.codeblock.trimEnd()}`,
      { file, line: error.line, column: error.column },
    );
  }
}

/** A table under `[tool]` spelt almost like ours (`modal_lint`, `modallint`) is a typo, not another tool. */
function misspeltToolTable(tool: TomlTableValue): string | undefined {
  const name = PYPROJECT_KEY_PREFIX[1];
  return Object.keys(tool).find((key) => key !== name && key.toLowerCase().replace(/[-_]/g, '') === name.replace(/-/g, ''));
}

function pyprojectSettings(document: TomlTableValue, file: string, displayName: string): TomlTableValue | undefined {
  const tool = document.tool;
  if (!isTable(tool)) return undefined;
  if (!Object.hasOwn(tool, PYPROJECT_KEY_PREFIX[1])) {
    const typo = misspeltToolTable(tool);
    if (typo !== undefined) {
      throw new ConfigError(`${displayName}: [${formatKey(['tool', typo])}] is not read (did you mean [${formatKey(PYPROJECT_KEY_PREFIX)}]?)`, { file, key: formatKey(['tool', typo]) });
    }
    return undefined;
  }
  const settings = tool[PYPROJECT_KEY_PREFIX[1]];
  if (!isTable(settings)) {
    const key = formatKey(PYPROJECT_KEY_PREFIX);
    throw new ConfigError(`${displayName}: "${key}" must be a table`, { file, key });
  }
  return settings;
}

/** A .modal-lint.toml holds the settings at its top level; a `[tool.modal-lint]` header there is pyproject.toml's form. */
function standaloneSettings(document: TomlTableValue, file: string, displayName: string): TomlTableValue {
  const tool = document.tool;
  if (isTable(tool) && Object.keys(document).length === 1) {
    const wrapped = Object.hasOwn(tool, PYPROJECT_KEY_PREFIX[1]) ? PYPROJECT_KEY_PREFIX[1] : misspeltToolTable(tool);
    if (wrapped !== undefined) {
      throw new ConfigError(
        `${displayName}: [${formatKey(['tool', wrapped])}] is the pyproject.toml form (did you mean to write the settings at the top level of ${path.basename(file)}, without the [${formatKey(['tool', wrapped])}] header?)`,
        { file, key: 'tool' },
      );
    }
  }
  return document;
}

function readConfigFile(file: string, cwd: string): ConfigFile {
  const displayName = displayNameFor(file, cwd);
  const text = readText(file, displayName);
  // A pyproject.toml that never mentions us is not ours to validate, even when it is broken.
  if (isPyproject(file) && !/modal[-_]?lint/i.test(text)) {
    return { file, displayName, settings: undefined };
  }
  const document = parseToml(text, file, displayName);
  const settings = isPyproject(file) ? pyprojectSettings(document, file, displayName) : standaloneSettings(document, file, displayName);
  return { file, displayName, settings };
}

function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The config file of one folder, if it has one that holds modal-lint settings. */
function configInDir(dir: string, cwd: string): ConfigFile | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(dir, name);
    if (!isRegularFile(file)) continue;
    const config = readConfigFile(file, cwd);
    if (config.settings !== undefined) return config;
  }
  return undefined;
}

/** The nearest config at or above `dir`: the first candidate, walking upwards, that holds modal-lint settings. */
function findClosestConfig(dir: string, cwd: string): ConfigFile | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const config = configInDir(current, cwd);
    if (config) return config;
    if (path.dirname(current) === current) return undefined;
  }
}

/** A pattern written for `from` that means the same from `to`: anchored patterns become absolute paths. */
function rebasePattern(pattern: string, from: string, to: string): string {
  if (from === to) return pattern;
  const negation = pattern.startsWith('!') ? '!' : '';
  let body = pattern.slice(negation.length);
  if (body.startsWith('./')) body = `/${body.slice(2)}`;
  const anchored = body.startsWith('/') || body.replace(/\/+$/, '').includes('/');
  // Unanchored patterns match by name wherever they are; absolute paths need no rebasing.
  if (!anchored || body.startsWith(from + path.sep)) return pattern;
  return negation + path.join(from, body) + (body.endsWith('/') ? '/' : '');
}

function rebase(config: ResolvedConfig, to: string): ResolvedConfig {
  const from = config.baseDir;
  if (from === to) return config;
  return {
    ...config,
    exclude: config.exclude.map((pattern) => rebasePattern(pattern, from, to)),
    extendExclude: config.extendExclude.map((pattern) => rebasePattern(pattern, from, to)),
    perFileIgnores: config.perFileIgnores.map((entry) => ({ ...entry, pattern: rebasePattern(entry.pattern, from, to) })),
  };
}

function resolveConfigFile(configFile: ConfigFile, options: LoadConfigOptions, cwd: string, chain: readonly string[]): ResolvedConfig {
  const baseDir = path.dirname(configFile.file);
  if (configFile.settings === undefined) return { ...defaultConfig(baseDir), path: configFile.file };
  const source = {
    file: configFile.file,
    displayName: configFile.displayName,
    keyPrefix: isPyproject(configFile.file) ? PYPROJECT_KEY_PREFIX : [],
    rules: options.rules,
  };
  const extend = extendPath(configFile.settings, source);
  let base: ResolvedConfig | undefined;
  if (extend !== undefined) {
    const target = path.resolve(baseDir, extend.replace(/^~(?=\/|$)/, process.env.HOME ?? '~'));
    if (chain.includes(target) || target === configFile.file) {
      throw new ConfigError(`${configFile.displayName}: "extend" makes a cycle: ${[...chain, configFile.file, target].map((file) => displayNameFor(file, cwd)).join(' -> ')}`, { file: configFile.file, key: 'extend' });
    }
    const extended = readConfigFile(target, cwd);
    if (extended.settings === undefined) {
      throw new ConfigError(`${configFile.displayName}: "extend" names ${extended.displayName}, which has no [${formatKey(PYPROJECT_KEY_PREFIX)}] table`, { file: configFile.file, key: 'extend' });
    }
    base = rebase(resolveConfigFile(extended, options, cwd, [...chain, configFile.file]), baseDir);
  }
  return resolveSettings(configFile.settings, source, baseDir, base);
}

export function loadConfig(options: LoadConfigOptions): ResolvedConfig {
  const cwd = path.resolve(options.cwd);
  const configFile =
    options.explicitPath === undefined
      ? findClosestConfig(cwd, cwd)
      : readConfigFile(path.resolve(cwd, options.explicitPath), cwd);
  if (configFile === undefined) return defaultConfig(cwd);
  return resolveConfigFile(configFile, options, cwd, []);
}

/** The config of each file: the nearest one above it (cached per folder), or the one given with `--config`. */
export class ConfigResolver {
  private readonly byDir = new Map<string, ResolvedConfig>();
  private readonly byFile = new Map<string, ResolvedConfig>();
  private explicit: ResolvedConfig | undefined;

  constructor(private readonly options: LoadConfigOptions) {}

  /** Throws ConfigError for an invalid file. */
  forPath(absolutePath: string, isDirectory = false): ResolvedConfig {
    if (this.options.explicitPath !== undefined) {
      this.explicit ??= loadConfig(this.options);
      return this.explicit;
    }
    return this.forDir(isDirectory ? absolutePath : path.dirname(absolutePath));
  }

  /** A folder's own config, else its parent's (each folder is looked at once per run). */
  private forDir(dir: string): ResolvedConfig {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    const cwd = path.resolve(this.options.cwd);
    const own = configInDir(dir, cwd);
    const parent = path.dirname(dir);
    const config = own ? this.resolved(own, cwd) : parent === dir ? defaultConfig(cwd) : this.forDir(parent);
    this.byDir.set(dir, config);
    return config;
  }

  private resolved(file: ConfigFile, cwd: string): ResolvedConfig {
    let config = this.byFile.get(file.file);
    if (!config) {
      config = resolveConfigFile(file, this.options, cwd, []);
      this.byFile.set(file.file, config);
    }
    return config;
  }
}

/**
 * The config of each folder a walk enters, for its excludes. A config that cannot be read gives
 * `fallback` during the walk (the walker would swallow the error) and is kept in `error` for the
 * caller to report once the walk is over.
 */
export function walkConfigs(configs: ConfigResolver, fallback: () => ResolvedConfig): { configFor: (dir: string) => ResolvedConfig; error: () => ConfigError | undefined } {
  let first: ConfigError | undefined;
  const configFor = (dir: string): ResolvedConfig => {
    try {
      return configs.forPath(dir, true);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      first ??= error;
      return fallback();
    }
  };
  return { configFor, error: () => first };
}
