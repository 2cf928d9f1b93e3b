import path from 'node:path';
import type { SyntaxNode } from '../../parser/syntax.js';
import { resolveAt } from '../images.js';
import { callArguments, type ModalModel, type Registration } from '../model.js';
import { imageContents, projectFile, type ImageContents, type ShippedPath } from './image-contents.js';
import { imageSourceOf, type ImageSource } from './image-source.js';
import { sysPathAdditions } from './deploy-machine.js';
import { legacyMountsOf, type MountedFile } from './legacy-mounts.js';
import { pathExpressionValue } from './path-values.js';
import { normalizeDistributionName } from '../packages/index.js';

/*
 * One container of a registration: its image, what Modal ships on its own (modal-client 1.5.4
 * `_utils/function_utils.py`, `get_entrypoint_mount`: the entry file in script mode, its top-level
 * package under `modal run -m`, nothing for `serialized=True`), the files image steps and pre-1.0
 * mounts add, and the folders Python imports from (`/root`, where the entry lands; the working
 * directory; `PYTHONPATH`).
 */

export type Presence = 'yes' | 'no' | 'unknown';

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
  let layout = entryLayouts.get(model);
  if (!layout) entryLayouts.set(model, (layout = readEntryLayout(model)));
  return layout;
}

const entryLayouts = new WeakMap<ModalModel, EntryLayout>();

function readEntryLayout(model: ModalModel): EntryLayout {
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
  // `import trailcaml` beside a `trailcaml.py` imports that module (the script's folder comes first on `sys.path`), not the package around it.
  const ownPackageShadowed = packageName !== null && (model.project.readText?.(model.path, path.join(folder, `${packageName}.py`)) !== undefined || (model.project.isDirectory?.(model.path, path.join(folder, packageName)) ?? false));
  const asPackage = model.imports.some((binding) => binding.level > 0 || (packageName !== null && !ownPackageShadowed && binding.level === 0 && binding.module.split('.')[0] === packageName));
  if (asPackage && packageDir) return { mode: 'package', searchRoot: path.dirname(packageDir), packageDir };
  return { mode: 'script', searchRoot: folder, packageDir: null };
}

export interface Container {
  /** The registration, or null for an image a helper module builds. */
  registration: Registration | null;
  image: ImageSource;
  contents: ImageContents;
  /** Pre-1.0 `mounts=` of the registration and its App. */
  mounts: MountedFile[];
  entry: EntryLayout;
  /** False for `serialized=True`: the function is pickled and no source of the project is shipped. */
  entryShipped: boolean;
  /** The container path of the Modal file (`/root/app.py`, or `/root/pkg/app.py` under `modal run -m`). */
  entryFile: string;
  /** Folders Python imports from, besides site-packages; null when an unreadable step may change them. */
  sysPath: string[] | null;
  /** The working directory. */
  workdir: string;
}

const containers = new WeakMap<Registration, { model: ModalModel; container: Container }>();

/** The container a registration runs in. */
export function containerOf(model: ModalModel, registration: Registration): Container {
  const cached = containers.get(registration);
  if (cached?.model === model) return cached.container;
  const image = imageSourceOf(model, registration);
  const contents = imageContents(model, image);
  const entry = entryLayout(model);
  const entryFile = containerEntryFile(model, entry);
  const sysPath = containerSysPath(model, contents, entryFile);
  const entryShipped = registration.kind === 'local_entrypoint' || isSerialized(model, registration) !== true;
  const container: Container = { registration, image, contents, mounts: legacyMountsOf(model, registration), entry, entryShipped, entryFile, sysPath, workdir: contents.workdir };
  containers.set(registration, { model, container });
  return container;
}

/** Registrations that run in containers and import this module there (not `serialized=True`, which are pickled). */
export function importingContainers(model: ModalModel): Container[] {
  return model.registrations
    .filter((registration) => registration.kind !== 'local_entrypoint' && isSerialized(model, registration) === false)
    .map((registration) => containerOf(model, registration));
}

/** `serialized=` of a registration: false by default, null when it cannot be read. */
export function isSerialized(model: ModalModel, registration: Registration): boolean | null {
  const node = registration.args.keywords.get('serialized');
  if (!node) return false;
  const value = resolveAt(model, node);
  return value.kind === 'bool' ? value.value : value.kind === 'none' ? false : null;
}

/** Every file or folder placed at a readable container path, with `null` entries for mounts whose path cannot be read. */
function shippedPaths(container: Container): Array<ShippedPath | null> {
  const mounted = container.mounts.flatMap((mount): Array<ShippedPath | null> => {
    if (mount.kind === 'python-packages') return mount.modules.map((name) => ({ remote: `/root/${name.split('.')[0]}`, local: null, kind: 'dir', step: 'Mount.from_local_python_packages' }));
    if (mount.kind === 'unknown' || mount.remote === null) return [null];
    return [{ remote: mount.remote, local: mount.local, kind: mount.kind, step: `Mount.from_local_${mount.kind}` }];
  });
  return [...container.contents.files, ...mounted];
}

/** True when `inner` is `outer` or lies inside it (container paths). */
function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer === '/' ? '/' : `${outer}/`);
}

/** Whether a local path (as an image step names it) has an entry at `relative` below it: yes, no, or unknown. */
function localHas(model: ModalModel, local: string | null, relative: string): Presence {
  if (local === null) return 'unknown';
  const folder = projectFile(model, local);
  // A shipped folder this checkout does not have (built, downloaded, or named from another working directory) may hold anything.
  if (!model.project.isDirectory?.(model.path, folder)) return 'unknown';
  const file = path.join(folder, ...relative.split('/').filter(Boolean));
  return model.project.readText?.(model.path, file) !== undefined || model.project.isDirectory?.(model.path, file) ? 'yes' : 'no';
}

/**
 * Whether the container can import a top-level module from shipped files (installed packages are
 * `imagePackagePresence`'s): the entry file or package, `add_local_python_source`, files or
 * folders at a `sys.path` folder, legacy mounts.
 */
export function shippedModulePresence(model: ModalModel, container: Container, top: string): Presence {
  if (container.entryShipped && (container.entry.mode === 'script' ? path.basename(model.path, '.py') === top : path.basename(container.entry.packageDir!) === top)) return 'yes';
  if (container.contents.pythonSources.has(top)) return 'yes';
  let result: Presence = 'no';
  const paths = shippedPaths(container);
  for (const shipped of paths) {
    if (shipped === null) {
      result = 'unknown';
      continue;
    }
    for (const folder of container.sysPath ?? ['/root']) {
      if (shipped.remote === path.posix.join(folder, top) || shipped.remote === path.posix.join(folder, `${top}.py`)) return 'yes';
      if (shipped.kind !== 'dir' || !within(folder, shipped.remote)) continue;
      const relative = path.posix.relative(shipped.remote, folder);
      const found = localHas(model, shipped.local, `${relative}/${top}.py`) === 'yes' ? 'yes' : localHas(model, shipped.local, `${relative}/${top}`);
      if (found === 'yes') return 'yes';
      if (found === 'unknown') result = 'unknown';
    }
  }
  if (container.contents.filesUnknown || container.contents.spec.installsLocalCode) return 'unknown';
  // `sys.path` may hold any shipped folder when an `env` or `workdir` step cannot be read.
  if (container.sysPath === null && paths.length > 0) return 'unknown';
  return result;
}

/** Whether a file or folder exists at a container path (from shipped files; the image's own files are not modelled beyond these). */
export function containerPathPresence(container: Container, remote: string): Presence {
  const target = path.posix.normalize(remote);
  if (target === '/' || target === '/root' || target === container.workdir || (container.entryShipped && within(container.entryFile, target))) return 'yes';
  if (container.entryShipped && container.entry.mode === 'package' && within(target, path.posix.dirname(container.entryFile))) return 'unknown';
  for (const shipped of shippedPaths(container)) {
    if (shipped === null) return 'unknown';
    // Inside a shipped folder the file may exist on the deploying machine even when this checkout lacks it (data is often not committed).
    if (within(shipped.remote, target) || (shipped.kind === 'dir' && within(target, shipped.remote))) return 'yes';
  }
  return container.contents.filesUnknown ? 'unknown' : 'no';
}

/** True when the container holds local files beyond the entry module, or may (a step or mount the model cannot read). */
export function shipsLocalFiles(container: Container): boolean {
  // Python sources (`add_local_python_source`) bring `.py` files only, not the data a read looks for.
  return container.contents.filesUnknown !== null
    || shippedPaths(container).some((shipped) => shipped === null || (shipped.step !== 'add_local_python_source' && shipped.step !== 'Mount.from_local_python_packages'));
}

/**
 * The container path an expression names, as code in the container computes it: `__file__` is the
 * entry file's container path, relative paths are read from the working directory. Null when it
 * cannot be read.
 */
export function containerPathOf(model: ModalModel, container: Container, node: SyntaxNode | null | undefined): string | null {
  return pathExpressionValue(model, node, container.entryFile, container.workdir);
}

/** Image steps that put local files into an image. */
const SHIPPING_STEPS = new Set(['add_local_file', 'add_local_dir', 'add_local_python_source', 'copy_local_file', 'copy_local_dir', 'dockerfile_commands', 'from_dockerfile']);

/**
 * The containers that run this module's top-level code, as far as the module itself tells: those
 * of its registrations, and, for a helper module, those of images it builds with local files (a
 * module that ships files is likely imported by the registrations that use them).
 */
export function moduleContainers(model: ModalModel): Container[] {
  const result = importingContainers(model);
  const seen = new Set(result.map((container) => container.contents));
  // The image of an App defined here runs this module even before a function is registered on it.
  for (const app of model.apps) {
    const expression = app.constructor === 'lookup' ? undefined : callArguments(app.call).keywords.get('image');
    if (!expression) continue;
    const chain = model.imageChainOf(expression);
    const image: ImageSource = chain ? { kind: 'chain', chain, expression } : { kind: 'unknown' };
    const contents = imageContents(model, image);
    if (seen.has(contents)) continue;
    seen.add(contents);
    result.push(pseudoContainer(model, image, contents));
  }
  for (const call of model.nodesOfType('call')) {
    const callee = call.field('function');
    const method = callee?.type === 'attribute' ? callee.field('attribute')!.text : null;
    if (!method || !SHIPPING_STEPS.has(method)) continue;
    const chain = model.imageChainOf(call);
    const image: ImageSource = chain ? { kind: 'chain', chain, expression: call } : { kind: 'unknown' };
    const contents = imageContents(model, image);
    if (seen.has(contents)) continue;
    seen.add(contents);
    result.push(pseudoContainer(model, image, contents));
  }
  return result;
}

function pseudoContainer(model: ModalModel, image: ImageSource, contents: ImageContents): Container {
  const entry = entryLayout(model);
  const entryFile = containerEntryFile(model, entry);
  return { registration: null, image, contents, mounts: [], entry, entryShipped: true, entryFile, sysPath: containerSysPath(model, contents, entryFile), workdir: contents.workdir };
}

/** Where the module's own file lands in the container: below `/root`, as its search root lays it out. */
function containerEntryFile(model: ModalModel, entry: EntryLayout): string {
  return path.posix.join('/root', ...path.relative(entry.searchRoot, model.path).split(path.sep));
}

/** The container's `sys.path`: `/root`, the working directory, `PYTHONPATH`, and the folders the module adds itself; null when one cannot be read. */
function containerSysPath(model: ModalModel, contents: ImageContents, entryFile: string): string[] | null {
  // Folders the module adds to `sys.path` itself (`sys.path.append(str(Path(__file__).parent / "lib"))`) name container folders too.
  const additions = (sysPathAdditions(model) ?? []).map((node) => pathExpressionValue(model, node, entryFile, contents.workdir));
  return contents.sysPathUnknown || additions.includes(null) ? null : [...new Set(['/root', contents.workdir, ...contents.pythonPath, ...(additions as string[])])];
}

/** A requirement that may install the project: a local path, a VCS or URL. */
const PROJECT_SOURCE = /^(\.|\/|~|-e|-r|--editable|git\+|file:|hg\+|svn\+)|:\/\//;

/**
 * True when the container may import one of the project's `modules` (top-level names): it ships
 * that module where Python imports from, or installs it (a package named like it, a local path, a
 * VCS or URL, the project itself), or a step the model cannot read may do either.
 */
export function mayImportProjectModule(model: ModalModel, container: Container, modules: string[]): boolean {
  if (modules.some((module) => shippedModulePresence(model, container, module) !== 'no')) return true;
  const spec = container.contents.spec;
  if (spec.installsLocalCode || spec.unreadable.some((item) => PROJECT_SOURCE.test(item))) return true;
  const names = new Set(modules.map(normalizeDistributionName));
  return spec.requirements.some((requirement) => names.has(normalizeDistributionName(requirement.name)));
}
