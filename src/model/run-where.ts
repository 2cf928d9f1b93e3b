import path from 'node:path';
import type { SyntaxNode } from '../parser/syntax.js';
import type { GuardKind } from './guards.js';
import { isHandled } from './handlers.js';
import { resolveAt } from './images.js';
import { callArguments, unwrapParens, type ImageChain, type ModalModel, type ModuleSummary, type Registration, type SummaryImport } from './model.js';
import {
  DEFAULT_TABLES, builderDistributions, importNamesOf, installedDistributions, normalizeDistributionName,
  type InstalledSet, type PackageTables,
} from './packages/index.js';
import {
  addRequirementToken, emptySpec, pyprojectName, readPyproject, readRequirementsFile, readShellCommand, readUvLock,
  type InstallSpec, type TextReader,
} from './packages/requirements.js';
import { STDLIB_MODULES } from './packages/stdlib-modules.js';
import { BASE_PYTHON_DISTRIBUTIONS } from './packages/tables.js';
import { enclosingScope } from './scope.js';

/*
 * What runs where: which modules `modal run` / `modal deploy` import on the local machine, which
 * image each registered function runs in, which Python packages and which local modules that
 * container has (modal-client 1.5.4: `_utils/function_utils.py` for the code a container receives,
 * `_image.py` for the image steps, `builder/<version>.txt` for what every image installs).
 */

// ---- modules `modal run` / `modal deploy` import --------------------------------------------

/** Guards under which a module-level import does not run when the module is imported locally. */
export const NOT_RUN_LOCALLY = new Set<GuardKind>(['container', 'image-imports', 'try-import', 'type-checking', 'main', 'function']);

/**
 * True for a module that `modal run` / `modal deploy` take as an entry point: it defines an App or
 * registers functions (also on an App imported from another module). A client script that only
 * looks up deployed objects is never imported by Modal.
 */
export function isEntryModule(model: ModalModel): boolean {
  return model.registrations.length > 0 || model.apps.some((app) => app.constructor !== 'lookup');
}

/**
 * True for a module that Modal imports, on the local machine and in containers: an entry module, or
 * a module of the run that an entry module imports at module level (directly or through further
 * modules). A client script that only looks up deployed objects, and a helper nothing imports at
 * module level, are not. Without a project view, every module counts.
 */
export function runsUnderModal(model: ModalModel): boolean {
  if (isEntryModule(model)) return true;
  const project = model.project;
  if (!project.importersOf || !project.moduleSummary) return true;
  const visited = new Set<string>([model.path]);
  let frontier = [model.path];
  for (let depth = 0; frontier.length > 0 && depth < 20; depth++) {
    const next: string[] = [];
    for (const file of frontier) {
      for (const importer of project.importersOf(file, model.path)) {
        if (visited.has(importer)) continue;
        visited.add(importer);
        if (project.moduleSummary(importer)?.registers) return true;
        next.push(importer);
      }
    }
    frontier = next;
  }
  return false;
}

function moduleLevel(model: ModalModel, node: SyntaxNode): boolean {
  return enclosingScope(node) === model.root;
}

/** The module-level imports that run when a module is imported on the local machine. */
export function moduleSummaryOf(model: ModalModel): ModuleSummary {
  const imports: SummaryImport[] = [];
  const byStatement = new Map<SyntaxNode, SummaryImport>();
  for (const binding of model.imports) {
    const statement = binding.statement;
    let entry = byStatement.get(statement);
    if (!entry) {
      if (!moduleLevel(model, statement) || model.guardsOf(statement).some((guard) => NOT_RUN_LOCALLY.has(guard.kind))) continue;
      entry = { module: binding.module, level: binding.level, importedNames: [], line: statement.startRow + 1 };
      byStatement.set(statement, entry);
      imports.push(entry);
    }
    if (binding.importedName !== undefined && binding.importedName !== '*') entry.importedNames.push(binding.importedName);
  }
  return { imports, registers: isEntryModule(model) };
}

/**
 * The project files an import loads: every package on the dotted path (`a/__init__.py` and
 * `a/b.py` for `import a.b`), and for `from M import x` the submodule `M/x.py` when there is one.
 */
export function importedFiles(resolve: (module: string, level: number) => string | null, entry: Pick<SummaryImport, 'module' | 'level' | 'importedNames'>): string[] {
  const files: string[] = [];
  const parts = entry.module === '' ? [] : entry.module.split('.');
  for (let i = 1; i <= parts.length; i++) {
    const file = resolve(parts.slice(0, i).join('.'), entry.level);
    if (file && !files.includes(file)) files.push(file);
  }
  for (const name of entry.importedNames) {
    const file = resolve(entry.module ? `${entry.module}.${name}` : name, entry.level);
    if (file && !files.includes(file)) files.push(file);
  }
  return files;
}

// ---- the image each registration runs in ----------------------------------------------------

export type ImageSource =
  | { kind: 'chain'; chain: ImageChain; /** The `image=` expression that names it. */ expression: SyntaxNode | null }
  | { kind: 'default' }
  | { kind: 'unknown' };

const UNKNOWN_IMAGE: ImageSource = { kind: 'unknown' };

function chainSource(model: ModalModel, expression: SyntaxNode): ImageSource {
  const chain = model.imageChainOf(expression);
  return chain ? { kind: 'chain', chain, expression } : UNKNOWN_IMAGE;
}

/**
 * The image a registered function, class or server runs in: its own `image=`, else its App's
 * (created here or imported from a project module), else Modal's default `debian_slim()`.
 */
export function imageSourceOf(model: ModalModel, registration: Registration): ImageSource {
  // Every import of a module asks about every registration: each is answered once.
  const cached = imageSourceCache.get(registration);
  if (cached?.model === model) return cached.source;
  const source = readImageSource(model, registration);
  imageSourceCache.set(registration, { model, source });
  return source;
}

const imageSourceCache = new WeakMap<Registration, { model: ModalModel; source: ImageSource }>();

function readImageSource(model: ModalModel, registration: Registration): ImageSource {
  const own = registration.args.keywords.get('image');
  if (own) return chainSource(model, own);
  if (registration.args.hasSplat) return UNKNOWN_IMAGE;
  // `app.image = ...` replaces the App's default image for registrations made after it.
  const setters = model.appImageAssignments(registration.appKey);
  if (setters.length > 0) {
    if (setters.some((assignment) => !moduleLevel(model, assignment))) return UNKNOWN_IMAGE;
    const before = setters.filter((assignment) => assignment.startIndex < registration.node.startIndex).at(-1);
    if (before) return chainSource(model, before.field('right')!);
  }
  const app = model.appOf(registration);
  if (app) {
    if (app.constructor === 'lookup') return UNKNOWN_IMAGE;
    const args = callArguments(app.call);
    const image = args.keywords.get('image');
    if (image) return chainSource(model, image);
    return args.hasSplat ? UNKNOWN_IMAGE : { kind: 'default' };
  }
  const appNode = unwrapParens(registration.appNode);
  if (appNode.type !== 'identifier') return UNKNOWN_IMAGE;
  const binding = model.importOf(appNode.text);
  const exported = binding ? model.importedExport(binding) : undefined;
  if (exported?.kind !== 'app' || exported.appImage === undefined || exported.appImage === null) return UNKNOWN_IMAGE;
  return exported.appImage === 'default' ? { kind: 'default' } : { kind: 'chain', chain: exported.appImage, expression: null };
}

/** How a finding names an image: `image`, `gpu_image`, or Modal's default image. */
export function imageLabel(source: ImageSource): string {
  if (source.kind === 'default') return "Modal's default image (`debian_slim()`)";
  if (source.kind === 'chain' && source.expression && source.expression.text.length <= 60 && !source.expression.text.includes('\n')) {
    return `the image \`${source.expression.text}\``;
  }
  return source.kind === 'chain' && source.chain.base ? `the \`Image.${source.chain.base.constructor}()\` image` : 'its image';
}

/** A key that is the same for two references to one image chain. */
export function chainKey(chain: ImageChain): SyntaxNode | null {
  return chain.steps.at(-1)?.call ?? chain.base?.call ?? null;
}

// ---- what an image contains -----------------------------------------------------------------

export interface ImageContents {
  /** Why the image's Python packages cannot be known (a Dockerfile, a custom registry image...), or null. */
  opaque: string | null;
  /** What its install steps name. */
  spec: InstallSpec;
  /** Top-level module names the image adds from local code (`add_local_python_source`, files under `/root`). */
  localModules: Set<string>;
  /** Why local code the image may add cannot be known, or null. */
  localOpaque: string | null;
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
function projectFile(model: ModalModel, relative: string): string {
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

function remoteModuleName(remote: string): string | null | 'root' {
  const normal = path.posix.normalize(remote).replace(/\/+$/, '');
  if (normal === '/root') return 'root';
  if (!normal.startsWith('/root/')) return null;
  const first = normal.slice('/root/'.length).split('/')[0]!;
  return first.endsWith('.py') ? first.slice(0, -3) : first;
}

const contentsCache = new WeakMap<SyntaxNode, ImageContents>();

/** Reads what an image chain installs and which local code it adds. */
export function imageContents(model: ModalModel, source: ImageSource): ImageContents {
  if (source.kind === 'unknown') return { opaque: 'the image cannot be followed', spec: emptySpec(), localModules: new Set(), localOpaque: 'the image cannot be followed' };
  if (source.kind === 'default') return { opaque: null, spec: emptySpec(), localModules: new Set(), localOpaque: null };
  const key = chainKey(source.chain);
  const cached = key ? contentsCache.get(key) : undefined;
  if (cached) return cached;
  const contents = readChain(model, source.chain);
  if (key) contentsCache.set(key, contents);
  return contents;
}

function readChain(model: ModalModel, chain: ImageChain): ImageContents {
  const contents: ImageContents = { opaque: null, spec: emptySpec(), localModules: new Set(), localOpaque: null };
  const opaque = (why: string): ImageContents => {
    contents.opaque ??= why;
    contents.localOpaque ??= why;
    return contents;
  };
  if (!chain.base) return opaque('the base image is built elsewhere');
  const { constructor, call: baseCall } = chain.base;
  if (constructor === 'from_registry') {
    const tag = firstString(model, baseCall, 0, 'tag');
    if (!tag || !PLAIN_REGISTRY_IMAGES.has(registryRepository(tag))) return opaque(`\`from_registry(${tag ? JSON.stringify(tag) : '...'})\` has packages of its own`);
  } else if (constructor !== 'debian_slim' && constructor !== 'micromamba') {
    return opaque(`\`Image.${constructor}\` cannot be read`);
  }
  const read = reader(model);
  for (const step of chain.steps) {
    const call = step.call;
    const args = callArguments(call);
    switch (step.method) {
      case 'pip_install':
      case 'uv_pip_install': {
        addPackages(contents.spec, positionalStrings(model, call));
        if (args.keywords.has('requirements')) {
          for (const file of keywordStrings(model, call, 'requirements') ?? []) {
            if (file === null) contents.spec.unreadable.push('requirements=');
            else readRequirementsFile(projectFile(model, file), read, contents.spec);
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
        addExtraOptions(model, contents.spec, call);
        break;
      }
      case 'pip_install_from_pyproject': {
        const file = firstString(model, call, 0, 'pyproject_toml');
        const optional = keywordStrings(model, call, 'optional_dependencies');
        const groups = optional === undefined ? [] : optional.includes(null) ? null : (optional as string[]);
        if (!file) contents.spec.unreadable.push('pyproject file');
        else readPyproject(projectFile(model, file), read, groups, false, contents.spec);
        addExtraOptions(model, contents.spec, call);
        break;
      }
      case 'uv_sync': {
        const dir = firstString(model, call, 0, 'uv_project_dir');
        contents.localOpaque ??= '`uv_sync` may install the project';
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
        break;
      }
      case 'micromamba_install': {
        addPackages(contents.spec, positionalStrings(model, call));
        if (args.keywords.has('spec_file') && resolveAt(model, args.keywords.get('spec_file')).kind !== 'none') contents.spec.unreadable.push('spec_file');
        break;
      }
      case 'run_commands': {
        for (const command of positionalStrings(model, call)) {
          if (command === null || !readShellCommand(command, contents.spec)) return opaque('a `run_commands` step cannot be read');
        }
        break;
      }
      case 'apt_install': {
        for (const item of positionalStrings(model, call)) {
          if (item === null || /^python3?-/.test(item)) contents.spec.unreadable.push(item ?? 'apt package');
        }
        break;
      }
      case 'env': {
        const value = resolveAt(model, args.positional[0] ?? args.keywords.get('vars'));
        if (value.kind !== 'dict' || value.entries.some((entry) => entry.key.kind !== 'str' || /^(PYTHONPATH|PYTHONHOME|PYTHONUSERBASE|VIRTUAL_ENV)$/.test(entry.key.value))) {
          contents.localOpaque ??= 'an `env` step may change where Python looks for modules';
          if (value.kind !== 'dict') contents.spec.unreadable.push('env');
        }
        break;
      }
      case 'workdir':
        contents.localOpaque ??= 'a `workdir` step changes the folder Python imports from';
        break;
      case 'add_local_python_source':
        for (const name of positionalStrings(model, call)) {
          if (name === null) contents.localOpaque ??= 'an `add_local_python_source` argument cannot be read';
          else contents.localModules.add(name.split('.')[0]!);
        }
        break;
      case 'add_local_dir':
      case 'copy_local_dir':
      case 'add_local_file':
      case 'copy_local_file': {
        let remote = firstString(model, call, 1, 'remote_path');
        const isFile = step.method.endsWith('_file');
        if (remote === undefined && !isFile) remote = '/root';
        if (remote && isFile && remote.endsWith('/')) {
          const local = firstString(model, call, 0, 'local_path');
          remote = local ? remote + path.basename(local) : null;
        }
        if (!remote || !remote.startsWith('/')) {
          contents.localOpaque ??= `an \`${step.method}\` destination cannot be read`;
          break;
        }
        const name = remoteModuleName(remote);
        if (name === 'root') contents.localOpaque ??= `\`${step.method}\` copies into \`/root\``;
        else if (name) contents.localModules.add(name);
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
  if (contents.spec.installsLocalCode) contents.localOpaque ??= 'an install step may install the project';
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
  if (contents.opaque) return 'unknown';
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

// ---- code that runs in containers ---------------------------------------------------------

/** Guards under which an import does not run (or does not fail) in the container. */
const NOT_RUN_IN_CONTAINER = new Set<GuardKind>(['local', 'try-import', 'type-checking', 'main']);

const IMPORT_ERRORS: ReadonlySet<string> = new Set(['ImportError', 'ModuleNotFoundError']);

/** Tests of the running interpreter or of what is installed: an import under one may be meant not to run. */
const ENVIRONMENT_TEST = /\b(sys\.version_info|sys\.platform|platform\.|os\.name|find_spec|importlib|TYPE_CHECKING|PY\d|hasattr)/;

function underEnvironmentTest(statement: SyntaxNode): boolean {
  for (const ancestor of statement.ancestors()) {
    if (ancestor.type === 'function_definition' || ancestor.type === 'class_definition') return false;
    if (ancestor.type !== 'if_statement') continue;
    const conditions = [ancestor.field('condition'), ...ancestor.fields('alternative').map((clause) => clause.field('condition'))];
    if (conditions.some((condition) => condition && ENVIRONMENT_TEST.test(condition.text))) return true;
  }
  return false;
}

/** One import statement that runs in the containers of some registrations of this module. */
export interface ContainerImport {
  statement: SyntaxNode;
  moduleNode: SyntaxNode;
  module: string;
  level: number;
  importedNames: string[];
  /** The registrations whose containers run it. */
  registrations: Registration[];
  /** The receiver of a `with <image>.imports():` block around it: it fails only in containers of that image. */
  imageBlock: SyntaxNode | null;
  /** Where it sits: at module level (every container of the module) or in a registered body. */
  where: 'module' | 'body';
}

function imageBlockOf(model: ModalModel, statement: SyntaxNode): SyntaxNode | null {
  const guard = model.guardsOf(statement).find((candidate) => candidate.kind === 'image-imports');
  return guard ? model.imageImportsReceiver(guard.node) : null;
}

/** How a finding names a registration: its function or class name. */
export function registrationName(registration: Registration): string {
  return registration.target?.field('name')?.text ?? registration.appNode.text;
}

/** True when a path lies inside a folder (or is it). */
export function isInsideFolder(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** `serialized=` of a registration: false by default, null when it cannot be read. */
export function isSerialized(model: ModalModel, registration: Registration): boolean | null {
  const node = registration.args.keywords.get('serialized');
  if (!node) return false;
  const value = resolveAt(model, node);
  return value.kind === 'bool' ? value.value : value.kind === 'none' ? false : null;
}

const containerImportsCache = new WeakMap<ModalModel, ContainerImport[]>();

/**
 * Imports that run in this module's containers: the bodies of registered functions and classes,
 * and the module's own module-level imports (every container imports the module that defines its
 * function, except for `serialized=True` registrations, which are pickled instead).
 */
export function containerImports(model: ModalModel): ContainerImport[] {
  const cached = containerImportsCache.get(model);
  if (cached) return cached;
  const result: ContainerImport[] = [];
  const containers = model.registrations.filter((registration) => registration.kind !== 'local_entrypoint');
  const imported = containers.filter((registration) => isSerialized(model, registration) === false);
  const byStatement = new Map<SyntaxNode, ContainerImport>();
  const add = (statement: SyntaxNode, registrations: Registration[], where: ContainerImport['where']): void => {
    if (registrations.length === 0 || byStatement.has(statement)) return;
    const guards = model.guardsOf(statement);
    if (guards.some((guard) => NOT_RUN_IN_CONTAINER.has(guard.kind))) return;
    if (where === 'module' && guards.some((guard) => guard.kind === 'function')) return;
    if (isHandled(statement, IMPORT_ERRORS) || underEnvironmentTest(statement)) return;
    const bindings = model.imports.filter((binding) => binding.statement === statement);
    const first = bindings[0];
    if (!first) return;
    const entry: ContainerImport = {
      statement, moduleNode: first.moduleNode, module: first.module, level: first.level,
      importedNames: bindings.flatMap((binding) => (binding.importedName && binding.importedName !== '*' ? [binding.importedName] : [])),
      registrations, imageBlock: imageBlockOf(model, statement), where,
    };
    byStatement.set(statement, entry);
    result.push(entry);
  };
  const statements = model.nodesOfType('import_statement', 'import_from_statement');
  for (const registration of containers) {
    const target = registration.target;
    if (!target) continue;
    for (const statement of statements) {
      if (statement.startIndex >= target.startIndex && statement.endIndex <= target.endIndex) add(statement, [registration], 'body');
    }
  }
  for (const statement of statements) if (moduleLevel(model, statement)) add(statement, imported, 'module');
  result.sort((a, b) => a.statement.startIndex - b.statement.startIndex);
  containerImportsCache.set(model, result);
  return result;
}

/** The registrations of an import whose container image can fail on it (a `with image.imports():` block limits it to that image). */
export function registrationsAt(model: ModalModel, entry: ContainerImport): Array<{ registration: Registration; image: ImageSource }> {
  const blockKey = entry.imageBlock ? (() => {
    const chain = model.imageChainOf(entry.imageBlock);
    return chain ? chainKey(chain) : null;
  })() : undefined;
  const result: Array<{ registration: Registration; image: ImageSource }> = [];
  for (const registration of entry.registrations) {
    const image = imageSourceOf(model, registration);
    if (blockKey !== undefined) {
      if (blockKey === null || image.kind !== 'chain' || chainKey(image.chain) !== blockKey) continue;
    }
    result.push({ registration, image });
  }
  return result;
}

/** True when the module changes `sys.path`: imports may then come from anywhere. */
export function changesSysPath(model: ModalModel): boolean {
  return model.nodesOfType('attribute').some((node) => node.text === 'sys.path' || node.text.endsWith('.sys.path'))
    || model.imports.some((binding) => binding.module === 'site' || (binding.module === 'sys' && binding.importedName === 'path'));
}

// ---- local modules ---------------------------------------------------------------------------

/** How the module would be imported by `modal run` / `modal deploy`: as a script, or as part of a package. */
export interface EntryLayout {
  mode: 'script' | 'package';
  /** The folder on `sys.path`: the script's folder, or the folder above the top-level package. */
  searchRoot: string;
  /** The top-level package folder, in package mode. */
  packageDir: string | null;
}

/**
 * Script or package: `modal run app.py` imports a file as a script even inside a package
 * (`cli/import_refs.py`); a module that uses relative imports or imports its own package is meant
 * for `modal run -m`, which ships the whole top-level package (`_utils/function_utils.py`).
 */
export function entryLayout(model: ModalModel): EntryLayout {
  const folder = path.dirname(model.path);
  const hasInit = (dir: string): boolean => model.project.readText?.(model.path, path.join(dir, '__init__.py')) !== undefined;
  let packageDir: string | null = null;
  for (let dir = folder; hasInit(dir); ) {
    packageDir = dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const packageName = packageDir ? path.basename(packageDir) : null;
  const asPackage = model.imports.some((binding) => binding.level > 0 || (packageName !== null && binding.level === 0 && binding.module.split('.')[0] === packageName));
  if (asPackage && packageDir) return { mode: 'package', searchRoot: path.dirname(packageDir), packageDir };
  return { mode: 'script', searchRoot: folder, packageDir: null };
}

/** The file or folder a top-level module name refers to in a folder, if the project has one. */
export function localModulePath(model: ModalModel, folder: string, name: string): string | null {
  const file = path.join(folder, `${name}.py`);
  if (model.project.readText?.(model.path, file) !== undefined) return file;
  const dir = path.join(folder, name);
  return model.project.isDirectory?.(model.path, dir) ? dir : null;
}

/** True when a top-level name is a module of the project anywhere the analysis could resolve it. */
export function isProjectModule(model: ModalModel, name: string): boolean {
  if (model.moduleFileOf({ module: name, level: 0 })) return true;
  return localModulePath(model, path.dirname(model.path), name) !== null;
}
