import type { SyntaxNode } from '../parser/syntax.js';
import { importBindings, type ImportBinding } from './imports.js';
import { callArguments, type ModalModel, type Registration } from './model.js';
import { nameRole, readsModuleGlobal } from './names.js';
import { scopeBindings, scopeStatements, type Binding } from './scope.js';
import { resolveAt } from './images.js';

/**
 * Why cloudpickle stores a value as a reference to a project module instead of copying it
 * (modal/_vendor/cloudpickle.py `_should_pickle_by_reference`: functions and classes found under
 * their own name in an imported module other than `__main__`, and imported modules themselves).
 */
export type ByReference =
  | { kind: 'def' | 'class' | 'web-app'; node: SyntaxNode }
  /** A project module object, or a module-level import statement that runs where the code runs. */
  | { kind: 'module' | 'import'; module: string }
  /** A name imported from a project module, bound there to a function, class or web app. */
  | { kind: 'imported'; module: string };

export interface PickledReference {
  /** The identifier or import statement in the pickled code. */
  node: SyntaxNode;
  name: string;
  reason: ByReference;
}

/** Decorators that leave a module-level name bound to the function or class itself (or a `functools.wraps` copy of it). */
const IDENTITY_DECORATORS = new Set([
  'dataclass', 'total_ordering', 'final', 'unique', 'runtime_checkable', 'cache', 'lru_cache', 'contextmanager',
  'asynccontextmanager',
]);
/** FastAPI / Starlette / Flask methods that register a handler and return it unchanged. */
const HANDLER_DECORATORS = new Set([
  'get', 'post', 'put', 'delete', 'patch', 'options', 'head', 'trace', 'api_route', 'route', 'websocket', 'websocket_route',
  'middleware', 'exception_handler', 'errorhandler', 'on_event', 'before_request', 'after_request', 'teardown_request',
  'before_app_request', 'after_app_request', 'app_errorhandler',
]);
/** Methods that store what they are given in the app or router. */
const STORING_METHODS = new Set([
  'include_router', 'add_api_route', 'add_route', 'add_url_rule', 'add_api_websocket_route', 'add_websocket_route',
  'add_middleware', 'add_exception_handler', 'register_error_handler', 'add_event_handler', 'mount', 'register_blueprint', 'host',
]);
const WEB_APP_CONSTRUCTORS = new Set(['FastAPI', 'Starlette', 'Flask', 'Quart', 'APIRouter', 'Router', 'Blueprint']);
/** Image steps after which containers may hold the project's own modules. */
const SOURCE_STEPS = new Set([
  'add_local_python_source', 'add_local_dir', 'add_local_file', 'copy_local_dir', 'copy_local_file', 'from_dockerfile',
  'dockerfile_commands', 'run_commands', 'run_function', 'uv_sync', 'poetry_install_from_file', 'pip_install_from_pyproject',
  'pip_install_from_requirements',
]);
const INSTALL_STEPS = new Set(['pip_install', 'uv_pip_install']);

interface ModuleFacts {
  bindings: Map<string, Binding[]>;
  /** Module-level statements, descending into if/try/with. */
  statements: SyntaxNode[];
  /** Results by name; `null` while being computed breaks cycles. */
  byName: Map<string, ByReference | null>;
  byNameWithImports: Map<string, ByReference | null>;
}

const factsByModel = new WeakMap<ModalModel, ModuleFacts>();

function factsOf(model: ModalModel): ModuleFacts {
  let facts = factsByModel.get(model);
  if (!facts) {
    facts = { bindings: scopeBindings(model.root), statements: [...scopeStatements(model.root)], byName: new Map(), byNameWithImports: new Map() };
    factsByModel.set(model, facts);
  }
  return facts;
}

function lastName(node: SyntaxNode | null): string {
  if (node?.type === 'identifier') return node.text;
  if (node?.type === 'attribute') return node.field('attribute')?.text ?? '';
  return '';
}

function definitionOf(statement: SyntaxNode): SyntaxNode {
  return statement.type === 'decorated_definition' ? statement.field('definition')! : statement;
}

/** Requirement strings of `pip_install` / `uv_pip_install` arguments that can be read. */
function requirements(model: ModalModel, call: SyntaxNode): string[] {
  return callArguments(call).positional.flatMap((arg) => {
    const value = resolveAt(model, arg);
    const items = value.kind === 'list' ? value.items : [value];
    return items.flatMap((item) => (item.kind === 'str' ? [item.value.trim()] : []));
  });
}

/**
 * How a module-level name of this module is pickled when a by-value function reads it, or null when
 * it is copied (constants, objects of installed packages, Modal objects) or cannot be told.
 * `followImports` also reads names imported from project modules (through their exports).
 */
export function pickledByReference(model: ModalModel, name: string, followImports = true): ByReference | null {
  const facts = factsOf(model);
  const cache = followImports ? facts.byNameWithImports : facts.byName;
  if (cache.has(name)) return cache.get(name)!;
  cache.set(name, null);
  const bindings = facts.bindings.get(name) ?? [];
  let result: ByReference | null = null;
  for (const binding of bindings) {
    // Every binding must agree: `try: from x import f` / `except ImportError: def f()` is not known.
    result = bindingByReference(model, binding, name, followImports);
    if (!result) break;
  }
  cache.set(name, result);
  return result;
}

function bindingByReference(model: ModalModel, binding: Binding, name: string, followImports: boolean): ByReference | null {
  if (binding.kind === 'def' || binding.kind === 'class') {
    const definition = definitionOf(binding.statement);
    return keepsIdentity(model, definition) ? { kind: binding.kind, node: definition } : null;
  }
  if (binding.kind === 'import') {
    const imported = importBindings(binding.statement).find((b) => b.localName === name);
    return imported && followImports ? importByReference(model, imported) : null;
  }
  if (binding.kind === 'assign' && binding.value) {
    if (binding.value.type === 'identifier') return pickledByReference(model, binding.value.text, followImports);
    if (binding.value.type === 'call' && webAppHoldsCode(model, name, binding.value, followImports)) return { kind: 'web-app', node: binding.statement };
  }
  return null;
}

/** A `def` or `class` whose decorators all leave the module attribute bound to it (so never a Modal Function or Cls). */
function keepsIdentity(model: ModalModel, definition: SyntaxNode): boolean {
  for (const callee of decoratorCallees(definition)) {
    if (model.qualifiedName(callee)?.startsWith('modal')) return false;
    const isHandler = callee.type === 'attribute' && HANDLER_DECORATORS.has(lastName(callee));
    if (!isHandler && !IDENTITY_DECORATORS.has(lastName(callee))) return false;
  }
  return true;
}

/** What each decorator of a definition calls or names (`web_app.get` in `@web_app.get("/")`). */
function decoratorCallees(definition: SyntaxNode): SyntaxNode[] {
  const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : null;
  return (decorated?.children ?? []).flatMap((decorator) => {
    const expression = decorator.type === 'decorator' ? decorator.namedChildren[0] : undefined;
    const callee = expression?.type === 'call' ? expression.field('function') : expression;
    return callee ? [callee] : [];
  });
}

/** `web_app = FastAPI(...)` with module-level handlers, routers, middleware or lifespans of this module attached to it. */
function webAppHoldsCode(model: ModalModel, name: string, constructor: SyntaxNode, followImports: boolean): boolean {
  const holds = (node: SyntaxNode | null | undefined): boolean =>
    node?.type === 'identifier' && pickledByReference(model, node.text, followImports) !== null;
  if (WEB_APP_CONSTRUCTORS.has(lastName(constructor.field('function')))) {
    const args = constructor.field('arguments');
    if (args && args.descendants().some((node) => node.type === 'identifier' && nameRole(node) === 'read' && holds(node))) return true;
  }
  for (const statement of factsOf(model).statements) {
    if (statement.type === 'function_definition' || statement.type === 'class_definition') {
      const attached = decoratorCallees(statement).some(
        (callee) => callee.type === 'attribute' && callee.field('object')?.text === name && HANDLER_DECORATORS.has(lastName(callee)),
      );
      if (attached && keepsIdentity(model, statement)) return true;
      continue;
    }
    const call = statement.type === 'expression_statement' ? statement.namedChildren[0] : null;
    const callee = call?.type === 'call' ? call.field('function') : null;
    if (callee?.type !== 'attribute' || callee.field('object')?.text !== name || !STORING_METHODS.has(lastName(callee))) continue;
    const args = callArguments(call!);
    if ([...args.positional, ...args.keywords.values()].some(holds)) return true;
  }
  return false;
}

/** The project module a binding imports, when the import names one (`import routes`, `from . import routes`). */
function importedModule(model: ModalModel, imported: ImportBinding): string | null {
  if (imported.importedName === undefined) {
    const module = imported.localName === imported.module.split('.')[0] ? imported.localName : imported.module;
    return model.moduleFileOf({ module, level: 0 }) ? module : null;
  }
  const submodule = imported.module ? `${imported.module}.${imported.importedName}` : imported.importedName;
  return model.moduleFileOf({ module: submodule, level: imported.level }) ? submodule : null;
}

function importByReference(model: ModalModel, imported: ImportBinding): ByReference | null {
  const module = importedModule(model, imported);
  if (module) return { kind: 'module', module: '.'.repeat(imported.level) + module };
  if (imported.importedName === undefined || imported.importedName === '*') return null;
  if (!model.moduleFileOf(imported)) return null;
  return model.importedExport(imported)?.byReference ? { kind: 'imported', module: '.'.repeat(imported.level) + imported.module } : null;
}

/** An import statement in pickled code that names a project module: it runs where the code runs. */
function importStatementReference(model: ModalModel, statement: SyntaxNode): PickledReference | null {
  // `try: from .routes import r` / `except ImportError: ...` has a way out.
  if (model.guardsOf(statement).some((guard) => guard.kind === 'try-import')) return null;
  for (const imported of importBindings(statement)) {
    const module = importedModule(model, imported) ?? (model.moduleFileOf(imported) ? imported.module : null);
    if (module !== null) return { node: statement, name: statement.text.split('\n')[0]!, reason: { kind: 'import', module: '.'.repeat(imported.level) + module } };
  }
  return null;
}

/**
 * The references to code of the project in what cloudpickle packs for a serialized function or class,
 * in source order: every global a function body (nested scopes included) reads and every import it
 * runs; for a class, its bases, the bodies of all its methods (the whole class is pickled, modal/_functions.py
 * `serialize(info.user_cls)`), and class attributes bound to a plain name. Decorators are evaluated
 * locally and not re-read; annotations are left out.
 */
export function pickledReferences(model: ModalModel, definition: SyntaxNode): PickledReference[] {
  const found: PickledReference[] = [];
  const readName = (identifier: SyntaxNode | null | undefined): void => {
    if (identifier?.type !== 'identifier' || nameRole(identifier) !== 'read' || !readsModuleGlobal(identifier)) return;
    const reason = pickledByReference(model, identifier.text);
    if (reason) found.push({ node: identifier, name: identifier.text, reason });
  };
  const scanFunction = (fn: SyntaxNode): void => {
    for (const parameter of fn.field('parameters')?.namedChildren ?? []) readName(parameter.field('value'));
    for (const node of fn.field('body')?.descendants() ?? []) {
      if (node.type === 'identifier') readName(node);
      else if (node.type === 'import_statement' || node.type === 'import_from_statement') {
        const reference = importStatementReference(model, node);
        if (reference) found.push(reference);
      }
    }
  };
  const scanClass = (cls: SyntaxNode): void => {
    for (const base of cls.field('superclasses')?.namedChildren ?? []) readName(base.type === 'keyword_argument' ? base.field('value') : base);
    for (const statement of scopeStatements(cls)) {
      if (statement.type === 'function_definition') scanFunction(statement);
      else if (statement.type === 'class_definition') scanClass(statement);
      else if (statement.type === 'expression_statement' && statement.namedChildren[0]?.type === 'assignment') readName(statement.namedChildren[0].field('right'));
    }
  };
  if (definition.type === 'class_definition') scanClass(definition);
  else scanFunction(definition);
  return found.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/** True when the module has `if __name__ == "__main__":`: run as a script, its functions live in `__main__` and are pickled by value. */
export function runsAsScript(model: ModalModel): boolean {
  return factsOf(model).statements.some((statement) => {
    const first = statement.type === 'if_statement' ? statement.field('consequence')?.namedChildren[0] : undefined;
    return first !== undefined && model.guardsOf(first).some((guard) => guard.kind === 'main' && guard.node === statement);
  });
}

/**
 * True when the container of a registration may hold the project's own modules after all: its image
 * (or its App's) adds local source, runs build commands, installs a local path, a VCS URL or a package
 * named like one of `modules`, or cannot be read.
 */
export function imageMayHoldProjectCode(model: ModalModel, registration: Registration, modules: string[]): boolean {
  const app = model.appOf(registration);
  const expression = registration.args.keywords.get('image') ?? (app ? callArguments(app.call).keywords.get('image') : undefined);
  if (!expression) return app === null;
  const chain = model.imageChainOf(expression);
  if (!chain?.base || SOURCE_STEPS.has(chain.base.constructor)) return true;
  const names = new Set(modules.map(normalisedName));
  for (const step of chain.steps) {
    if (SOURCE_STEPS.has(step.method)) return true;
    if (!INSTALL_STEPS.has(step.method)) continue;
    for (const requirement of requirements(model, step.call)) {
      if (/^(\.|\/|-e|git\+|file:)|:\/\//.test(requirement)) return true;
      if (names.has(normalisedName(requirement.split(/[\s\[<>=!~;@]/)[0]!))) return true;
    }
  }
  return false;
}

function normalisedName(name: string): string {
  return name.toLowerCase().replace(/[-.]/g, '_');
}
