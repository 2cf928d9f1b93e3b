import path from 'node:path';
import type { SyntaxNode } from '../../parser/syntax.js';
import { addLocalCopies, resolveAt } from '../images.js';
import { callArguments, type ImageChain, type ModalModel } from '../model.js';
import {
  DEFAULT_TABLES, builderDistributions, importNamesOf, installedDistributions, normalizeDistributionName,
  type InstalledSet, type PackageTables,
} from '../packages/index.js';
import {
  addRequirementToken, emptySpec, pyprojectName, readPyproject, readRequirementsFile, readShellCommand, readUvLock,
  type InstallSpec, type TextReader,
} from '../packages/requirements.js';
import { STDLIB_MODULES } from '../packages/stdlib-modules.js';
import { BASE_PYTHON_DISTRIBUTIONS } from '../packages/tables.js';
import { chainKey, type ImageSource } from './image-source.js';

/*
 * What an image holds: the Python packages its steps install (modal-client 1.5.4 `_image.py`, and
 * `builder/<version>.txt` for what every image installs), the files it puts at container paths, the
 * container's `sys.path` and working directory, and, for each of these, whether a step the model
 * cannot read may change it. An unreadable step changes only what it can: an `env` step changes
 * neither packages nor files, a build command changes files only by fetching code (it never sees
 * the local project, only what earlier `copy=True` steps put in the image).
 */

/** A file or folder an image step puts into the container. */
export interface ShippedPath {
  /** The absolute container path. */
  remote: string;
  /** The local source as written, when it can be read. */
  local: string | null;
  kind: 'file' | 'dir';
  /** The step that ships it (`add_local_dir`, `add_local_python_source`, ...). */
  step: string;
}

export interface ImageContents {
  /** Why some Python packages of the image cannot be known (a Dockerfile, a custom registry image...), or null. */
  packagesUnknown: string | null;
  /** What its install steps name. */
  spec: InstallSpec;
  /** Where each named distribution came from: the step, or the requirements file it was read from. */
  origins: Map<string, string>;
  /** The requirements files the install steps read, as the code names them, in step order. */
  requirementFiles: string[];
  /** Top-level modules shipped with `add_local_python_source` (placed in `/root`). */
  pythonSources: Set<string>;
  /** Files and folders at container paths. */
  files: ShippedPath[];
  /** Why some files of the image cannot be known (an unreadable destination, a Dockerfile, a command that fetches code), or null. */
  filesUnknown: string | null;
  /** The working directory: `/root` on Modal's images unless a `workdir` step changes it. */
  workdir: string;
  /** Folders a `PYTHONPATH` in an `env` step adds to `sys.path`. */
  pythonPath: string[];
  /** Why `sys.path` or the working directory cannot be known (an unreadable `env` or `workdir`, a registry image), or null. */
  sysPathUnknown: string | null;
}

function emptyContents(): ImageContents {
  return {
    packagesUnknown: null, spec: emptySpec(), origins: new Map(), requirementFiles: [], pythonSources: new Set(), files: [], filesUnknown: null,
    workdir: '/root', pythonPath: [], sysPathUnknown: null,
  };
}

/** Registry images with an operating system and at most a bare Python: no packages of their own. */
const PLAIN_REGISTRY_IMAGES = new Set([
  'python', 'ubuntu', 'debian', 'nvidia/cuda', 'alpine', 'amazonlinux', 'centos', 'fedora', 'rockylinux', 'almalinux',
  'busybox', 'buildpack-deps',
]);

function registryRepository(tag: string): string {
  let name = tag.split('@')[0]!;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon >= 0) name = name.slice(0, colon);
  const parts = name.split('/');
  // `docker.io/library/python`, `nvcr.io/nvidia/cuda`: drop a registry host and Docker Hub's `library/`.
  if (parts.length > 1 && /[.:]/.test(parts[0]!) ) parts.shift();
  if (parts[0] === 'library') parts.shift();
  return parts.join('/').toLowerCase();
}

/** Resolved strings of a step's positional arguments (`"a", ["b", "c"], *PKGS`); null for any that cannot be read. */
function positionalStrings(model: ModalModel, call: SyntaxNode): Array<string | null> {
  const result: Array<string | null> = [];
  for (const arg of call.field('arguments')?.namedChildren ?? []) {
    if (arg.type === 'keyword_argument') continue;
    if (arg.type === 'dictionary_splat') {
      result.push(null);
      continue;
    }
    const expr = arg.type === 'list_splat' ? arg.namedChildren[0] ?? null : arg;
    result.push(...stringsOf(model, expr));
  }
  return result;
}

function stringsOf(model: ModalModel, node: SyntaxNode | null | undefined): Array<string | null> {
  const value = resolveAt(model, node);
  if (value.kind === 'str') return [value.value];
  if (value.kind === 'list') return value.items.map((item, index) => (item.kind === 'str' ? item.value : requirementPrefix(value.nodes[index])));
  if (value.kind === 'none') return [];
  return [requirementPrefix(node)];
}

/**
 * The name part of an f-string requirement whose version is computed (`f"torch=={TORCH_VERSION}"`):
 * the name is certain even when the version is not.
 */
function requirementPrefix(node: SyntaxNode | null | undefined): string | null {
  if (!node || node.type !== 'string') return null;
  const literal = node.text.replace(/^[A-Za-z]*(['"]{1,3})/, '');
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9,._ -]*\])?)\s*(?:==|>=|<=|~=|!=|<|>)[^{]*\{/.exec(literal);
  return match ? match[1]! : null;
}

function keywordStrings(model: ModalModel, call: SyntaxNode, keyword: string): Array<string | null> | undefined {
  const node = callArguments(call).keywords.get(keyword);
  return node ? stringsOf(model, node) : undefined;
}

function firstString(model: ModalModel, call: SyntaxNode, position: number, keyword: string): string | null | undefined {
  const args = callArguments(call);
  const node = args.keywords.get(keyword) ?? args.positional[position];
  if (!node) return undefined;
  const value = resolveAt(model, node);
  return value.kind === 'str' ? value.value : null;
}

/** Reads a file of the project once per run, recording it as something the result depends on. */
function reader(model: ModalModel): TextReader {
  return (file) => model.project.readText?.(model.path, file);
}

/** A path as the image builder resolves it: relative to the Modal file's folder, else to the project root. */
export function projectFile(model: ModalModel, relative: string): string {
  if (path.isAbsolute(relative)) return relative;
  const beside = path.resolve(path.dirname(model.path), relative);
  const root = model.project.projectRoot;
  if (!root || model.project.readText?.(model.path, beside) !== undefined || model.project.isDirectory?.(model.path, beside)) return beside;
  return path.resolve(root, relative);
}

/** Adds a step's package arguments to a spec; unreadable ones are recorded as such. */
function addPackages(spec: InstallSpec, items: Array<string | null>): void {
  for (const item of items) {
    if (item === null) spec.unreadable.push('an argument that cannot be read');
    else addRequirementToken(spec, item);
  }
}

/** `extra_options="--no-build-isolation"` installs nothing more; anything else might. */
function addExtraOptions(model: ModalModel, spec: InstallSpec, call: SyntaxNode): void {
  const options = keywordStrings(model, call, 'extra_options');
  if (!options) return;
  for (const option of options) {
    if (option === null) spec.unreadable.push('extra_options');
    else if (option.split(/\s+/).some((word) => word && (!word.startsWith('-') || /^(-r|--requirement|-e|--editable|-c|--constraint)\b/.test(word)))) {
      spec.unreadable.push(`extra_options ${option}`);
    }
  }
}


/** Programs that can bring code into the image: a VCS clone, a download, an install, an archive. */
const FETCHING_PROGRAMS = /\b(git|hg|svn|curl|wget|gsutil|aws|gcloud|huggingface-cli|hf|rsync|scp|tar|unzip|pip3?|uv|poetry|conda|mamba|micromamba|npm|cargo)\b|:\/\//;
/** Programs that move files already in the image (which earlier `copy=True` steps may have put there). */
const MOVING_PROGRAMS = /\b(cp|mv|ln|rsync|install|tar|unzip)\b/;

/** The destination a download names (`wget -O /opt/x`, `curl -o /opt/x`, `wget -P /opt`, `git clone URL /opt/x`), if absolute. */
function downloadDestination(words: string[]): string | null {
  const program = words[0] ?? '';
  if (program === 'curl' || program === 'wget') {
    const at = words.findIndex((word) => ['-O', '-o', '-P', '--output', '--output-document', '--directory-prefix'].includes(word));
    const destination = at >= 0 ? words[at + 1] : undefined;
    return destination?.startsWith('/') ? destination : null;
  }
  if (program === 'git' && words[1] === 'clone') {
    const operands = words.slice(2).filter((word) => !word.startsWith('-'));
    return operands.length === 2 && operands[1]!.startsWith('/') ? operands[1]! : null;
  }
  return null;
}

/**
 * True when a build command may put code where the container imports from: it fetches something
 * other than into a named folder outside `/root`, or moves files earlier `copy=True` steps added.
 * A build never sees the local project otherwise.
 */
function commandMayShipCode(command: string, copiedBefore: boolean): boolean {
  return command.split(/&&|\|\||;|\n|\|/).some((segment) => {
    const words = segment.trim().split(/\s+/).filter((word) => word !== '' && word !== 'sudo');
    if (words.length === 0) return false;
    if (copiedBefore && MOVING_PROGRAMS.test(words[0]!)) return true;
    if (!FETCHING_PROGRAMS.test(segment)) return false;
    const destination = downloadDestination(words);
    return destination === null || destination === '/root' || destination.startsWith('/root/');
  });
}

const contentsCache = new WeakMap<SyntaxNode, ImageContents>();
const DEFAULT_CONTENTS = emptyContents();

function unknownContents(why: string): ImageContents {
  return { ...emptyContents(), packagesUnknown: why, filesUnknown: why, sysPathUnknown: why };
}

/** Reads what an image chain installs, which files it ships and where Python imports from. */
export function imageContents(model: ModalModel, source: ImageSource): ImageContents {
  if (source.kind === 'unknown') return unknownContents('the image cannot be followed');
  if (source.kind === 'default') return DEFAULT_CONTENTS;
  const key = chainKey(source.chain);
  const cached = key ? contentsCache.get(key) : undefined;
  if (cached) return cached;
  const contents = readChain(model, source.chain);
  if (key) contentsCache.set(key, contents);
  return contents;
}

function addRequirementFile(contents: ImageContents, file: string): void {
  if (!contents.requirementFiles.includes(file)) contents.requirementFiles.push(file);
}

/** Adds the requirements a step added to `spec` since `before` to the origins, naming the step. */
function recordOrigins(contents: ImageContents, before: number, origin: string): void {
  for (const requirement of contents.spec.requirements.slice(before)) {
    if (!contents.origins.has(requirement.name)) contents.origins.set(requirement.name, origin);
  }
}

function readChain(model: ModalModel, chain: ImageChain): ImageContents {
  const contents = emptyContents();
  const opaque = (why: string): ImageContents => {
    contents.packagesUnknown ??= why;
    contents.filesUnknown ??= why;
    contents.sysPathUnknown ??= why;
    return contents;
  };
  if (!chain.base) return opaque('the base image is built elsewhere');
  const { constructor, call: baseCall } = chain.base;
  if (constructor === 'from_registry') {
    const tag = firstString(model, baseCall, 0, 'tag');
    if (!tag || !PLAIN_REGISTRY_IMAGES.has(registryRepository(tag))) return opaque(`\`from_registry(${tag ? JSON.stringify(tag) : '...'})\` has packages of its own`);
    // A registry image may set its own working directory and environment.
    contents.sysPathUnknown = `\`from_registry(${JSON.stringify(tag)})\` may set its own working directory`;
  } else if (constructor !== 'debian_slim' && constructor !== 'micromamba') {
    return opaque(`\`Image.${constructor}\` cannot be read`);
  }
  const read = reader(model);
  let copiedBefore = false;
  for (const step of chain.steps) {
    const call = step.call;
    const args = callArguments(call);
    const before = contents.spec.requirements.length;
    switch (step.method) {
      case 'pip_install':
      case 'uv_pip_install': {
        addPackages(contents.spec, positionalStrings(model, call));
        recordOrigins(contents, before, `\`${step.method}\``);
        if (args.keywords.has('requirements')) {
          for (const file of keywordStrings(model, call, 'requirements') ?? []) {
            const count = contents.spec.requirements.length;
            if (file === null) contents.spec.unreadable.push('requirements=');
            else readRequirementsFile(projectFile(model, file), read, contents.spec);
            if (file !== null) {
              recordOrigins(contents, count, `\`${file}\``);
              addRequirementFile(contents, file);
            }
          }
        }
        addExtraOptions(model, contents.spec, call);
        if (args.hasSplat) contents.spec.unreadable.push('**kwargs');
        break;
      }
      case 'pip_install_from_requirements': {
        const file = firstString(model, call, 0, 'requirements_txt');
        if (!file) contents.spec.unreadable.push('requirements file');
        else readRequirementsFile(projectFile(model, file), read, contents.spec);
        recordOrigins(contents, before, file ? `\`${file}\`` : `\`${step.method}\``);
        if (file) addRequirementFile(contents, file);
        addExtraOptions(model, contents.spec, call);
        break;
      }
      case 'pip_install_from_pyproject': {
        const file = firstString(model, call, 0, 'pyproject_toml');
        const optional = keywordStrings(model, call, 'optional_dependencies');
        const groups = optional === undefined ? [] : optional.includes(null) ? null : (optional as string[]);
        if (!file) contents.spec.unreadable.push('pyproject file');
        else readPyproject(projectFile(model, file), read, groups, false, contents.spec);
        recordOrigins(contents, before, file ? `\`${file}\`` : `\`${step.method}\``);
        addExtraOptions(model, contents.spec, call);
        break;
      }
      case 'uv_sync': {
        const dir = firstString(model, call, 0, 'uv_project_dir');
        // `uv sync` installs the project itself unless told not to: its modules may be importable.
        contents.spec.installsLocalCode = true;
        if (dir === null) {
          contents.spec.unreadable.push('uv_project_dir');
          break;
        }
        const folder = projectFile(model, dir ?? './');
        const pyproject = read(path.join(folder, 'pyproject.toml'));
        const lock = read(path.join(folder, 'uv.lock'));
        if (lock === undefined || !readUvLock(lock, pyprojectName(pyproject), contents.spec)) {
          readPyproject(path.join(folder, 'pyproject.toml'), read, null, true, contents.spec);
        }
        recordOrigins(contents, before, lock === undefined ? '`pyproject.toml` (`uv_sync`)' : '`uv.lock` (`uv_sync`)');
        break;
      }
      case 'micromamba_install': {
        addPackages(contents.spec, positionalStrings(model, call));
        recordOrigins(contents, before, `\`${step.method}\``);
        if (args.keywords.has('spec_file') && resolveAt(model, args.keywords.get('spec_file')).kind !== 'none') contents.spec.unreadable.push('spec_file');
        break;
      }
      case 'run_commands': {
        for (const command of positionalStrings(model, call)) {
          if (command !== null && readShellCommand(command, contents.spec)) continue;
          contents.packagesUnknown ??= 'a `run_commands` step cannot be read';
          if (command === null || commandMayShipCode(command, copiedBefore)) contents.filesUnknown ??= 'a `run_commands` step may fetch code into the image';
        }
        recordOrigins(contents, before, '`run_commands`');
        break;
      }
      case 'apt_install': {
        for (const item of positionalStrings(model, call)) {
          if (item === null || /^python3?-/.test(item)) contents.spec.unreadable.push(item ?? 'apt package');
        }
        break;
      }
      case 'env': {
        // Environment variables change neither packages nor files; `PYTHONPATH` and friends change where Python imports from.
        const value = resolveAt(model, args.positional[0] ?? args.keywords.get('vars'));
        if (value.kind !== 'dict') {
          contents.sysPathUnknown ??= 'an `env` step cannot be read';
          break;
        }
        for (const entry of value.entries) {
          if (entry.key.kind !== 'str') contents.sysPathUnknown ??= 'an `env` step cannot be read';
          else if (entry.key.value === 'PYTHONPATH') {
            if (entry.value.kind === 'str' && !entry.value.value.includes('$')) contents.pythonPath.push(...entry.value.value.split(':').filter((folder) => folder.startsWith('/')));
            else contents.sysPathUnknown ??= 'an `env` step sets `PYTHONPATH` to a value that cannot be read';
          } else if (/^(PYTHONHOME|PYTHONUSERBASE|VIRTUAL_ENV|PYTHONSTARTUP)$/.test(entry.key.value)) {
            contents.sysPathUnknown ??= `an \`env\` step sets \`${entry.key.value}\``;
          }
        }
        break;
      }
      case 'workdir': {
        const folder = firstString(model, call, 0, 'path');
        if (folder && folder.startsWith('/')) contents.workdir = path.posix.normalize(folder);
        else contents.sysPathUnknown ??= 'a `workdir` step cannot be read';
        break;
      }
      case 'add_local_python_source':
        for (const name of positionalStrings(model, call)) {
          if (name === null) contents.filesUnknown ??= 'an `add_local_python_source` argument cannot be read';
          else {
            const top = name.split('.')[0]!;
            contents.pythonSources.add(top);
            contents.files.push({ remote: `/root/${top}`, local: null, kind: 'dir', step: step.method });
          }
        }
        if (args.hasSplat) contents.filesUnknown ??= 'an `add_local_python_source` argument cannot be read';
        if (addLocalCopies(model, step) !== false) copiedBefore = true;
        break;
      case 'add_local_dir':
      case 'copy_local_dir':
      case 'add_local_file':
      case 'copy_local_file': {
        const isFile = step.method.endsWith('_file');
        const local = firstString(model, call, 0, 'local_path') ?? null;
        let remote = firstString(model, call, 1, 'remote_path');
        // `copy_local_dir` / `copy_local_file` default to the working directory (`"."` / `"./"`).
        if (remote === undefined) remote = step.method.startsWith('copy_') ? './' : isFile ? null : '/root';
        if (remote && isFile && remote.endsWith('/')) remote = local ? remote + path.posix.basename(local) : null;
        if (!remote) {
          contents.filesUnknown ??= `an \`${step.method}\` destination cannot be read`;
          break;
        }
        const target = path.posix.resolve(contents.workdir, remote);
        contents.files.push({ remote: target, local, kind: isFile ? 'file' : 'dir', step: step.method });
        if (step.method.startsWith('copy_') || addLocalCopies(model, step) !== false) copiedBefore = true;
        break;
      }
      case 'entrypoint':
      case 'shell':
      case 'cmd':
        break;
      case 'pip_install_private_repos':
        contents.spec.unreadable.push('private repositories');
        break;
      default:
        return opaque(`\`${step.method}\` cannot be read`);
    }
  }
  return contents;
}

// ---- packages ---------------------------------------------------------------------------------

/** Modules every container has besides the standard library: the client Modal mounts (`mount.py`). */
const MODAL_CLIENT_MODULES = new Set(['modal', 'modal_proto', 'modal_version', 'synchronicity']);


/** What decides which packages are present beyond the code: the tables and the image builder version. */
export interface PackageSettings {
  tables: PackageTables;
  builderVersion: string;
}

export const DEFAULT_PACKAGE_SETTINGS: PackageSettings = { tables: DEFAULT_TABLES, builderVersion: '2025.06' };

const installedCache = new WeakMap<ImageContents, Map<PackageSettings, InstalledSet | null>>();

function installedSet(contents: ImageContents, settings: PackageSettings): InstalledSet | null {
  let bySettings = installedCache.get(contents);
  if (!bySettings) installedCache.set(contents, (bySettings = new Map()));
  if (bySettings.has(settings)) return bySettings.get(settings)!;
  const builder = builderDistributions(settings.builderVersion);
  let installed: InstalledSet | null = null;
  if (builder) {
    installed = installedDistributions(contents.spec.requirements, settings.tables);
    // Builder and base packages are whole, pinned trees: present, with nothing unknown behind them.
    for (const name of [...builder, ...BASE_PYTHON_DISTRIBUTIONS]) installed.distributions.add(normalizeDistributionName(name));
  }
  bySettings.set(settings, installed);
  return installed;
}

/**
 * Whether a container with this image can import a top-level module: 'yes', 'no' (proven absent:
 * every install step is read and every installed distribution is known), or 'unknown'.
 */
export function imageProvides(contents: ImageContents, topLevelModule: string, settings: PackageSettings = DEFAULT_PACKAGE_SETTINGS): 'yes' | 'no' | 'unknown' {
  if (STDLIB_MODULES.has(topLevelModule) || MODAL_CLIENT_MODULES.has(topLevelModule)) return 'yes';
  if (contents.packagesUnknown) return 'unknown';
  const installed = installedSet(contents, settings);
  if (!installed) return 'unknown';
  let provided = providedModules.get(installed);
  if (!provided) {
    provided = new Set(Array.from(installed.distributions, (name) => importNamesOf(name, settings.tables)).flat());
    providedModules.set(installed, provided);
  }
  if (provided.has(topLevelModule)) return 'yes';
  return contents.spec.unreadable.length > 0 || installed.unknown.size > 0 ? 'unknown' : 'no';
}

/** The top-level modules an installed set provides, computed once per set. */
const providedModules = new WeakMap<InstalledSet, Set<string>>();

const suggested = new Map<string, string>();

/** The distribution to suggest for a module: one the tables say provides it, else the module's name. */
export function distributionFor(topLevelModule: string, tables: PackageTables = DEFAULT_TABLES): string {
  const key = tables === DEFAULT_TABLES ? topLevelModule : null;
  if (key !== null && suggested.has(key)) return suggested.get(key)!;
  const found = findDistribution(topLevelModule, tables);
  if (key !== null) suggested.set(key, found);
  return found;
}

function findDistribution(topLevelModule: string, tables: PackageTables): string {
  for (const name of Object.keys(tables.distributions)) {
    if (tables.distributions[name]!.imports?.includes(topLevelModule) && importNamesOf(name, tables).includes(topLevelModule)) return name;
  }
  return topLevelModule.replace(/_/g, '-');
}
