import fs from 'node:fs';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { defaultConfig } from './defaults.js';
import { ConfigError } from './errors.js';
import { relativeInside } from './patterns.js';
import type { LoadConfigOptions, ResolvedConfig } from './types.js';
import { formatKey, isTable, resolveSettings, type TomlTableValue } from './validate.js';

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

function pyprojectSettings(document: TomlTableValue, file: string, displayName: string): TomlTableValue | undefined {
  const tool = document.tool;
  if (!isTable(tool) || !Object.hasOwn(tool, PYPROJECT_KEY_PREFIX[1])) return undefined;
  const settings = tool[PYPROJECT_KEY_PREFIX[1]];
  if (!isTable(settings)) {
    const key = formatKey(PYPROJECT_KEY_PREFIX);
    throw new ConfigError(`${displayName}: "${key}" must be a table`, { file, key });
  }
  return settings;
}

function readConfigFile(file: string, cwd: string): ConfigFile {
  const displayName = displayNameFor(file, cwd);
  const text = readText(file, displayName);
  // A pyproject.toml that never mentions us is not ours to validate, even when it is broken.
  if (isPyproject(file) && !text.includes(PYPROJECT_KEY_PREFIX[1])) {
    return { file, displayName, settings: undefined };
  }
  const document = parseToml(text, file, displayName);
  const settings = isPyproject(file) ? pyprojectSettings(document, file, displayName) : document;
  return { file, displayName, settings };
}

function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The config closest to cwd: the first candidate, walking upwards, that holds modal-lint settings. */
function findClosestConfig(cwd: string): ConfigFile | undefined {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const file = path.join(dir, name);
      if (!isRegularFile(file)) continue;
      const config = readConfigFile(file, cwd);
      if (config.settings !== undefined) return config;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function loadConfig(options: LoadConfigOptions): ResolvedConfig {
  const cwd = path.resolve(options.cwd);
  const configFile =
    options.explicitPath === undefined
      ? findClosestConfig(cwd)
      : readConfigFile(path.resolve(cwd, options.explicitPath), cwd);
  if (configFile === undefined) return defaultConfig(cwd);

  const baseDir = path.dirname(configFile.file);
  if (configFile.settings === undefined) return { ...defaultConfig(baseDir), path: configFile.file };
  return resolveSettings(
    configFile.settings,
    {
      file: configFile.file,
      displayName: configFile.displayName,
      keyPrefix: isPyproject(configFile.file) ? PYPROJECT_KEY_PREFIX : [],
      rules: options.rules,
    },
    baseDir,
  );
}
