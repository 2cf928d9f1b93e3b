import path from 'node:path';
import type { SyntaxNode } from '../parser/syntax.js';
import type { GuardKind } from './guards.js';
import { isHandled } from './handlers.js';
import type { ImportBinding } from './imports.js';
import { type ModalModel, type ModuleSummary, type Registration, type SummaryImport } from './model.js';
import { chainKey, imageSourceOf, type ImageSource } from './environment/image-source.js';
import { isSerialized } from './environment/container.js';
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
  const seen = new Set<SyntaxNode>();
  const add = (statement: SyntaxNode, registrations: Registration[], where: ContainerImport['where']): void => {
    if (registrations.length === 0 || seen.has(statement)) return;
    seen.add(statement);
    if (!runsWhereImported(model, statement, where)) return;
    const imageBlock = imageBlockOf(model, statement);
    // `import os, pandas` imports two modules: each is its own entry.
    for (const module of importedModules(model, statement)) result.push({ statement, ...module, registrations, imageBlock, where });
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

/**
 * The module-level imports of a module that a container runs when it imports the module (a helper
 * shipped with `add_local_python_source`): those outside guards, `try` blocks that handle the
 * failure, tests of the interpreter and `with image.imports():` blocks.
 */
export function moduleLevelContainerImports(model: ModalModel): Array<ImportedModule & { line: number }> {
  const cached = moduleLevelImportsCache.get(model);
  if (cached) return cached;
  const result: Array<ImportedModule & { line: number }> = [];
  for (const statement of model.nodesOfType('import_statement', 'import_from_statement')) {
    if (!moduleLevel(model, statement) || !runsWhereImported(model, statement, 'module')) continue;
    if (model.guardsOf(statement).some((guard) => guard.kind === 'image-imports')) continue;
    for (const module of importedModules(model, statement)) result.push({ ...module, line: statement.startRow + 1 });
  }
  moduleLevelImportsCache.set(model, result);
  return result;
}

const moduleLevelImportsCache = new WeakMap<ModalModel, Array<ImportedModule & { line: number }>>();

/** False for an import that does not run where its module is imported: under a guard, a handler of its failure or a test of the interpreter. */
function runsWhereImported(model: ModalModel, statement: SyntaxNode, where: ContainerImport['where']): boolean {
  const guards = model.guardsOf(statement);
  if (guards.some((guard) => NOT_RUN_IN_CONTAINER.has(guard.kind))) return false;
  if (where === 'module' && guards.some((guard) => guard.kind === 'function')) return false;
  return !isHandled(statement, IMPORT_ERRORS) && !underEnvironmentTest(statement);
}

type ImportedModule = Pick<ContainerImport, 'moduleNode' | 'module' | 'level' | 'importedNames'>;
const importsByStatement = new WeakMap<ModalModel, Map<SyntaxNode, ImportBinding[]>>();

/** The modules one import statement imports, each with the names taken from it. */
function importedModules(model: ModalModel, statement: SyntaxNode): ImportedModule[] {
  let byStatement = importsByStatement.get(model);
  if (!byStatement) {
    byStatement = new Map();
    for (const binding of model.imports) {
      const list = byStatement.get(binding.statement);
      if (list) list.push(binding);
      else byStatement.set(binding.statement, [binding]);
    }
    importsByStatement.set(model, byStatement);
  }
  const modules = new Map<string, ImportedModule>();
  for (const binding of byStatement.get(statement) ?? []) {
    const key = `${binding.level}:${binding.module}`;
    let module = modules.get(key);
    if (!module) modules.set(key, (module = { moduleNode: binding.moduleNode, module: binding.module, level: binding.level, importedNames: [] }));
    if (binding.importedName && binding.importedName !== '*') module.importedNames.push(binding.importedName);
  }
  return [...modules.values()];
}
