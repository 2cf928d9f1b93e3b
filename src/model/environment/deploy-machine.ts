import path from 'node:path';
import type { SyntaxNode } from '../../parser/syntax.js';
import { callArguments, type ModalModel } from '../model.js';
import { pathExpressionValue } from './path-values.js';
import { DEFAULT_TABLES, importNamesOf, installedDistributions, type PackageTables } from '../packages/index.js';
import { emptySpec, readPyproject, readRequirementsFile, readUvLock, pyprojectName, type InstallSpec } from '../packages/requirements.js';

/*
 * The deploying machine: where `modal run` / `modal deploy` import the Modal file. modal-client
 * 1.5.4 `cli/import_refs.py` (`import_file_or_module`) puts the working directory on `sys.path`,
 * then inserts the script's folder before it; the project's root is where a user runs the command.
 */

/** Files or folders whose presence marks a project root. */
const ROOT_MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt'];

export interface DeployMachine {
  /** The nearest folder at or above the Modal file that holds `pyproject.toml`, `setup.py`, `setup.cfg`, `requirements.txt` or `.git`; null when none. */
  projectRoot: string | null;
  /** The folders `modal run app.py` imports from, first first: the script's folder, then the working directory (the project root). */
  sysPath: string[];
}

const machines = new WeakMap<ModalModel, DeployMachine>();

export function deployMachineOf(model: ModalModel): DeployMachine {
  let machine = machines.get(model);
  if (!machine) {
    const projectRoot = findProjectRoot(model);
    const folder = path.dirname(model.path);
    const sysPath = projectRoot && projectRoot !== folder ? [folder, projectRoot] : [folder];
    machine = { projectRoot, sysPath };
    machines.set(model, machine);
  }
  return machine;
}

function exists(model: ModalModel, file: string): boolean {
  return model.project.readText?.(model.path, file) !== undefined || (model.project.isDirectory?.(model.path, file) ?? false);
}

function findProjectRoot(model: ModalModel): string | null {
  if (!model.project.readText) return null;
  for (let dir = path.dirname(model.path); ; dir = path.dirname(dir)) {
    if (ROOT_MARKERS.some((marker) => model.project.readText!(model.path, path.join(dir, marker)) !== undefined) || exists(model, path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

/** A module of the project found on the deploying machine's `sys.path`. */
export interface ProjectModule {
  /** The file (`name.py`) or folder (`name/`) of the top-level module. */
  location: string;
  /** The `sys.path` folder it was found in. */
  folder: string;
  /** A folder without `__init__.py`: a namespace package, which an installed package of the same name takes precedence over. */
  namespace: boolean;
}

/**
 * The project module a dotted import names on the deploying machine, if any: `name.py` or
 * `name/__init__.py` in a `sys.path` folder, else a folder `name/` holding the imported submodule
 * (a namespace package such as `src/` with `src/utils.py`).
 */
export function projectModuleOf(model: ModalModel, dottedName: string): ProjectModule | null {
  const parts = dottedName.split('.');
  const top = parts[0]!;
  const folders = deploySysPath(model) ?? deployMachineOf(model).sysPath;
  for (const folder of folders) {
    const file = path.join(folder, `${top}.py`);
    if (file !== model.path && model.project.readText?.(model.path, file) !== undefined) return { location: file, folder, namespace: false };
    if (model.project.readText?.(model.path, path.join(folder, top, '__init__.py')) !== undefined) return { location: path.join(folder, top), folder, namespace: false };
  }
  for (const folder of folders) {
    const dir = path.join(folder, top);
    if (!model.project.isDirectory?.(model.path, dir)) continue;
    // A bare folder counts only when the imported submodule is in it (a data folder named like a package is not code).
    const rest = parts.slice(1);
    if (rest.length === 0) return { location: dir, folder, namespace: true };
    const sub = path.join(dir, ...rest);
    if (model.project.readText?.(model.path, `${sub}.py`) !== undefined || model.project.isDirectory?.(model.path, sub)) return { location: dir, folder, namespace: true };
  }
  return null;
}

const localPackagesCache = new WeakMap<ModalModel, Set<string> | null>();

/**
 * The top-level modules the project declares for its own environment: `[project]` dependencies and
 * groups of the root `pyproject.toml`, its `uv.lock`, and a root `requirements.txt` that the Modal
 * file does not hand to an image. Null when the project declares nothing.
 */
export function locallyDeclaredModules(model: ModalModel, tables: PackageTables = DEFAULT_TABLES): Set<string> | null {
  if (localPackagesCache.has(model)) return localPackagesCache.get(model)!;
  const root = deployMachineOf(model).projectRoot;
  let result: Set<string> | null = null;
  if (root) {
    const read = (file: string): string | undefined => model.project.readText?.(model.path, file);
    const spec: InstallSpec = emptySpec();
    let declared = false;
    const pyproject = read(path.join(root, 'pyproject.toml'));
    if (pyproject !== undefined) {
      readPyproject(path.join(root, 'pyproject.toml'), read, null, true, spec);
      declared = true;
    }
    const lock = read(path.join(root, 'uv.lock'));
    if (lock !== undefined && readUvLock(lock, pyprojectName(pyproject), spec)) declared = true;
    const requirements = path.join(root, 'requirements.txt');
    if (read(requirements) !== undefined && !handsToImage(model, 'requirements.txt')) {
      readRequirementsFile(requirements, read, spec);
      declared = true;
    }
    if (declared) {
      const installed = installedDistributions(spec.requirements, tables);
      result = new Set(Array.from(installed.distributions, (name) => importNamesOf(name, tables)).flat());
    }
  }
  localPackagesCache.set(model, result);
  return result;
}

/** True when the Modal file names a file of this name in a string (`requirements="requirements.txt"`): the file is the image's. */
function handsToImage(model: ModalModel, basename: string): boolean {
  return model.nodesOfType('string').some((node) => path.posix.basename(node.text.replace(/^[A-Za-z]*['"]{1,3}|['"]{1,3}$/g, '')) === basename);
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

const additionsCache = new WeakMap<ModalModel, SyntaxNode[] | null>();

/**
 * The folders the module adds to `sys.path` with `sys.path.append(X)` / `sys.path.insert(i, X)`,
 * as path expressions (each names one folder on the deploying machine and one in the container);
 * null when some change cannot be read (`sys.path = ...`, `extend`, `site`, `from sys import path`).
 * Reads such as `if folder not in sys.path:` change nothing.
 */
export function sysPathAdditions(model: ModalModel): SyntaxNode[] | null {
  if (additionsCache.has(model)) return additionsCache.get(model)!;
  let result: SyntaxNode[] | null = [];
  if (model.imports.some((binding) => binding.module === 'site' || (binding.module === 'sys' && binding.importedName === 'path'))) result = null;
  for (const node of model.nodesOfType('attribute')) {
    if (result === null) break;
    if (node.text !== 'sys.path' && !node.text.endsWith('.sys.path')) continue;
    const parent = node.parent;
    if (parent?.type === 'comparison_operator' || (parent?.type === 'call' && parent.field('function') !== node) || parent?.type === 'argument_list') continue;
    const method = parent?.type === 'attribute' && parent.field('object') === node ? parent.field('attribute')!.text : null;
    const call = parent?.parent?.type === 'call' && parent.parent.field('function') === parent ? parent.parent : null;
    const args = call ? callArguments(call) : null;
    const added = method === 'append' ? args?.positional[0] : method === 'insert' ? args?.positional[1] : undefined;
    if (added && pathExpressionValue(model, added, model.path, deployMachineOf(model).projectRoot ?? path.dirname(model.path)) !== null) result.push(added);
    else if (method !== 'index' && method !== 'count' && method !== 'copy') result = null;
  }
  additionsCache.set(model, result);
  return result;
}

/** The deploying machine's `sys.path` with the module's own additions: null when one cannot be read. */
export function deploySysPath(model: ModalModel): string[] | null {
  if (deploySysPaths.has(model)) return deploySysPaths.get(model)!;
  const additions = sysPathAdditions(model);
  const machine = deployMachineOf(model);
  const cwd = machine.projectRoot ?? path.dirname(model.path);
  const result = additions === null ? null : [...machine.sysPath, ...additions.map((node) => pathExpressionValue(model, node, model.path, cwd)!)];
  deploySysPaths.set(model, result);
  return result;
}

const deploySysPaths = new WeakMap<ModalModel, string[] | null>();
