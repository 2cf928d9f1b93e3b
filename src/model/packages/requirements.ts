import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { normalizeDistributionName, parseRequirement, type Requirement } from './index.js';

/**
 * What a set of install instructions installs, as far as it can be read: named requirements, and
 * the instructions that could not be read (a path, a URL, an editable install, a missing file).
 */
export interface InstallSpec {
  requirements: Requirement[];
  /** Descriptions of what could not be read; any makes the installed set unknown beyond `requirements`. */
  unreadable: string[];
  /** True when an instruction may install the project's own code (`pip install .`, `-e .`). */
  installsLocalCode: boolean;
}

export const emptySpec = (): InstallSpec => ({ requirements: [], unreadable: [], installsLocalCode: false });

/** Reads a file of the project once per run; undefined when it is absent or unreadable. */
export type TextReader = (absolutePath: string) => string | undefined;

/** pip options that take a value, in requirements files and on the command line. */
const OPTIONS_WITH_VALUE = new Set([
  '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--trusted-host', '-c', '--constraint',
  '--no-binary', '--only-binary', '--platform', '--python-version', '--implementation', '--abi', '--root',
  '--src', '--upgrade-strategy', '-C', '--config-settings', '--config-setting', '--index-strategy',
  '--torch-backend', '--python', '-p', '--hash', '--progress-bar', '--cache-dir', '--timeout', '--retries',
  '--resolution', '--prerelease', '--keyring-provider', '--link-mode', '--exclude-newer', '--index',
  '--default-index', '--extra-build-dependencies', '--global-option', '--install-option', '--log',
]);

/** Options that install into somewhere other than the environment the container runs. */
const OPTIONS_INSTALLING_ELSEWHERE = new Set(['-t', '--target', '--prefix', '--user']);

/** Adds one requirement token (a line of a requirements file, or a `pip install` argument) to a spec. */
export function addRequirementToken(spec: InstallSpec, token: string): void {
  const text = token.trim();
  if (!text) return;
  const requirement = /^(\.|\/|~|[A-Za-z][A-Za-z0-9+.-]*:\/\/|git\+)/.test(text) ? undefined : parseRequirement(text);
  if (requirement) {
    spec.requirements.push(requirement);
    return;
  }
  spec.unreadable.push(text);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) && !text.startsWith('git+')) spec.installsLocalCode = true;
}

function splitLogicalLines(text: string): string[] {
  return text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
}

/**
 * Reads a requirements file and the files it includes with `-r`. Constraint files (`-c`) install
 * nothing and are skipped; editable installs, paths and URLs are unreadable.
 */
export function readRequirementsFile(file: string, read: TextReader, spec: InstallSpec = emptySpec(), seen = new Set<string>()): InstallSpec {
  if (seen.has(file)) return spec;
  seen.add(file);
  const text = read(file);
  if (text === undefined) {
    spec.unreadable.push(`${path.basename(file)} (not found)`);
    return spec;
  }
  for (const raw of splitLogicalLines(text)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const include = /^(?:-r|--requirement)(?:\s+|=)(\S+)$/.exec(line) ?? /^-r(\S+)$/.exec(line);
    if (include) {
      readRequirementsFile(path.resolve(path.dirname(file), include[1]!), read, spec, seen);
      continue;
    }
    if (/^(?:-e|--editable)(?:\s|=)/.test(line)) {
      addRequirementToken(spec, line.replace(/^(?:-e|--editable)[\s=]+/, '').trim() || '.');
      if (!spec.installsLocalCode) spec.installsLocalCode = true;
      continue;
    }
    if (line.startsWith('-')) continue; // --index-url, -c, --hash and other options install nothing themselves
    // Options after a requirement (`pkg==1.0 --hash=sha256:...`) belong to that requirement.
    addRequirementToken(spec, line.replace(/\s+--?[A-Za-z].*$/, ''));
  }
  return spec;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Parsed TOML by text: every Modal file of a project reads the same `pyproject.toml` and `uv.lock`. */
const tomlByText = new Map<string, Record<string, unknown> | undefined>();
const TOML_CACHE_SIZE = 32;

/** Parses TOML, or undefined when it is not valid TOML. The result is shared: callers only read it. */
export function readToml(text: string): Record<string, unknown> | undefined {
  if (tomlByText.has(text)) return tomlByText.get(text);
  let data: Record<string, unknown> | undefined;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch {
    data = undefined;
  }
  if (tomlByText.size >= TOML_CACHE_SIZE) tomlByText.delete(tomlByText.keys().next().value!);
  tomlByText.set(text, data);
  return data;
}

/**
 * The requirements a `pyproject.toml` declares: `[project].dependencies`, and the optional groups
 * asked for (all of them when `optional` is null: what is installed is then at most that), PEP 735
 * dependency groups and uv's and Poetry's tables when `includeGroups` is set.
 */
export function readPyproject(file: string, read: TextReader, optional: readonly string[] | null, includeGroups: boolean, spec: InstallSpec = emptySpec()): InstallSpec {
  const text = read(file);
  const data = text === undefined ? undefined : readToml(text);
  if (!data) {
    spec.unreadable.push(`${path.basename(file)} (${text === undefined ? 'not found' : 'not valid TOML'})`);
    return spec;
  }
  const project = record(data.project);
  for (const item of stringList(project.dependencies)) addRequirementToken(spec, item);
  const extras = record(project['optional-dependencies']);
  for (const [name, items] of Object.entries(extras)) {
    if (optional === null || optional.some((wanted) => normalizeDistributionName(wanted) === normalizeDistributionName(name))) {
      for (const item of stringList(items)) addRequirementToken(spec, item);
    }
  }
  if (includeGroups) {
    for (const items of Object.values(record(data['dependency-groups']))) {
      // `{include-group = "x"}` entries name other groups, which are read here anyway.
      for (const item of stringList(items)) addRequirementToken(spec, item);
    }
    for (const item of stringList(record(record(data.tool).uv)['dev-dependencies'])) addRequirementToken(spec, item);
  }
  const poetry = record(record(data.tool).poetry);
  const poetryTables = [record(poetry.dependencies), ...(includeGroups ? Object.values(record(poetry.group)).map((group) => record(record(group).dependencies)) : [])];
  for (const table of poetryTables) {
    for (const name of Object.keys(table)) if (name.toLowerCase() !== 'python') addRequirementToken(spec, name);
  }
  return spec;
}

/**
 * Every package a `uv.lock` pins, except the project itself (installed by neither `uv sync
 * --no-install-project` nor at all when it is virtual). Other local members are unreadable.
 */
export function readUvLock(text: string, projectName: string | null, spec: InstallSpec = emptySpec()): InstallSpec | undefined {
  const data = readToml(text);
  if (!data || !Array.isArray(data.package)) return undefined;
  const own = projectName ? normalizeDistributionName(projectName) : null;
  for (const entry of data.package as unknown[]) {
    const pkg = record(entry);
    if (typeof pkg.name !== 'string') continue;
    const name = normalizeDistributionName(pkg.name);
    if (name === own) continue;
    const source = record(pkg.source);
    if ('editable' in source || 'virtual' in source || 'directory' in source || 'path' in source) {
      spec.unreadable.push(`${name} (local source)`);
      spec.installsLocalCode = true;
      continue;
    }
    spec.requirements.push({ name, extras: [] });
  }
  return spec;
}

/** The name a `pyproject.toml` gives its project, if any. */
export function pyprojectName(text: string | undefined): string | null {
  const data = text === undefined ? undefined : readToml(text);
  const name = record(data?.project).name;
  return typeof name === 'string' ? name : null;
}

/** Splits a shell command into words, honouring quotes; null for what is not a plain command. */
function shellWords(command: string): string[] | null {
  const words: string[] = [];
  let current = '';
  let quote: string | null = null;
  let inWord = false;
  for (const char of command) {
    if (quote) {
      if (char === quote) quote = null;
      else current += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
      continue;
    }
    if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      continue;
    }
    if ('$`<>*?{}'.includes(char)) return null; // expansions, redirections, globs: not plain
    current += char;
    inWord = true;
  }
  if (quote) return null;
  if (inWord) words.push(current);
  return words;
}

/** Commands that install no Python package and add no Python code. */
const INERT_COMMANDS = new Set(['apt-get', 'apt', 'mkdir', 'rm', 'chmod', 'chown', 'ln', 'echo', 'ls', 'touch', 'cd', 'export', 'which', 'true', 'nvidia-smi', 'sleep', 'nproc', 'df', 'du', 'env', 'printenv', 'locale-gen', 'ldconfig']);

function pipInstallArguments(words: string[]): string[] | null {
  let rest = words;
  const program = path.basename(rest[0] ?? '');
  if (/^python(3(\.\d+)?)?$/.test(program) && rest[1] === '-m' && /^pip3?$/.test(rest[2] ?? '')) rest = rest.slice(3);
  else if (program === 'uv' && rest[1] === 'pip') rest = rest.slice(2);
  else if (/^pip3?(\.\d+)?$/.test(program)) rest = rest.slice(1);
  else return null;
  return rest[0] === 'install' ? rest.slice(1) : null;
}

/**
 * Reads the Python packages a `run_commands` command installs. Returns null when the command does
 * something that cannot be read (any command other than plain `pip install`, `uv pip install`,
 * `python -m pip install` and a few that install no Python code).
 */
export function readShellCommand(command: string, spec: InstallSpec = emptySpec()): InstallSpec | null {
  for (const segment of command.split(/&&|\|\||;|\n/)) {
    const words = shellWords(segment.trim());
    if (words === null) return null;
    if (words.length === 0) continue;
    const args = pipInstallArguments(words);
    if (args === null) {
      const program = path.basename(words[0]!);
      if (INERT_COMMANDS.has(program) && !(program === 'apt-get' || program === 'apt' ? words.some((word) => /^python3?-/.test(word)) : false)) continue;
      if (/^pip3?$/.test(program) && ['uninstall', 'list', 'freeze', 'show', 'cache', 'config', 'check'].includes(words[1] ?? '')) continue;
      return null;
    }
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (OPTIONS_INSTALLING_ELSEWHERE.has(arg) || arg.startsWith('--target=') || arg.startsWith('--prefix=')) return null;
      if (arg === '-r' || arg === '--requirement' || arg.startsWith('--requirement=') || arg === '-e' || arg === '--editable') {
        // A file or a path inside the image: not readable from here.
        spec.unreadable.push(`${arg} ${args[i + 1] ?? ''}`.trim());
        spec.installsLocalCode = true;
        if (!arg.includes('=')) i++;
        continue;
      }
      if (OPTIONS_WITH_VALUE.has(arg)) {
        i++;
        continue;
      }
      if (arg.startsWith('-')) continue;
      addRequirementToken(spec, arg);
    }
  }
  return spec;
}
