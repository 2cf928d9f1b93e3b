import type { SyntaxNode } from '../parser/syntax.js';
import { importBindings, type ImportBinding } from './imports.js';
import { callArguments, type ModalModel } from './model.js';
import { nameRole, readsModuleGlobal } from './names.js';
import { scopeBindings, scopeStatements, type Binding } from './scope.js';

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
/** Guards under which an import in a container either never runs or has a fallback. */
const NOT_RUN_THERE = new Set(['try-import', 'local', 'type-checking']);
/** Methods a web class runs in every container: the app builder and the `@modal.enter()` hooks. */
const STARTUP_DECORATORS = new Set(['modal.asgi_app', 'modal.wsgi_app', 'modal.enter']);

interface ModuleFacts {
  bindings: Map<string, Binding[]>;
  /** Module-level statements, descending into if/try/with. */
  statements: SyntaxNode[];
  /** Module-level definitions decorated by `@name.get(...)`-style handlers and calls `name.include_router(...)`-style, by `name`. */
  attachments: Map<string, SyntaxNode[]> | null;
  /** Results by name; `null` while being computed breaks cycles. */
  byName: Map<string, ByReference | null>;
  byNameWithImports: Map<string, ByReference | null>;
}

const factsByModel = new WeakMap<ModalModel, ModuleFacts>();

function factsOf(model: ModalModel): ModuleFacts {
  let facts = factsByModel.get(model);
  if (!facts) {
    facts = { bindings: scopeBindings(model.root), statements: [...scopeStatements(model.root)], attachments: null, byName: new Map(), byNameWithImports: new Map() };
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

/** Module-level handler definitions (`@web_app.get(...)`) and storing calls (`web_app.include_router(r)`), by the object they attach to. */
function attachmentsOf(model: ModalModel): Map<string, SyntaxNode[]> {
  const facts = factsOf(model);
  if (facts.attachments) return facts.attachments;
  const attachments = new Map<string, SyntaxNode[]>();
  const add = (receiver: SyntaxNode | null, statement: SyntaxNode): void => {
    if (receiver?.type !== 'identifier') return;
    const list = attachments.get(receiver.text);
    if (list) list.push(statement);
    else attachments.set(receiver.text, [statement]);
  };
  for (const statement of facts.statements) {
    if (statement.type === 'function_definition' || statement.type === 'class_definition') {
      for (const callee of decoratorCallees(statement)) {
        if (callee.type === 'attribute' && HANDLER_DECORATORS.has(lastName(callee))) add(callee.field('object'), statement);
      }
    }
    const call = statement.type === 'expression_statement' ? statement.namedChildren[0] : null;
    const callee = call?.type === 'call' ? call.field('function') : null;
    if (callee?.type === 'attribute' && STORING_METHODS.has(lastName(callee))) add(callee.field('object'), call!);
  }
  facts.attachments = attachments;
  return attachments;
}

/** `web_app = FastAPI(...)` with module-level handlers, routers, middleware or lifespans of this module attached to it. */
function webAppHoldsCode(model: ModalModel, name: string, constructor: SyntaxNode, followImports: boolean): boolean {
  const holds = (node: SyntaxNode | null | undefined): boolean =>
    node?.type === 'identifier' && pickledByReference(model, node.text, followImports) !== null;
  if (WEB_APP_CONSTRUCTORS.has(lastName(constructor.field('function')))) {
    const args = constructor.field('arguments');
    if (args && args.descendants().some((node) => node.type === 'identifier' && nameRole(node) === 'read' && holds(node))) return true;
  }
  for (const attached of attachmentsOf(model).get(name) ?? []) {
    if (attached.type !== 'call') {
      if (keepsIdentity(model, attached)) return true;
      continue;
    }
    const args = callArguments(attached);
    if ([...args.positional, ...args.keywords.values()].some(holds)) return true;
  }
  return false;
}

/**
 * True when a module name refers to another file of the project. A file never counts for itself:
 * `langserve.py` doing `from langserve import add_routes` means the installed package in the container.
 */
function isProjectModule(model: ModalModel, module: Pick<ImportBinding, 'module' | 'level'>): boolean {
  const file = model.moduleFileOf(module);
  return file !== null && file !== model.path;
}

/** The project module a binding imports, when the import names one (`import routes`, `from . import routes`). */
function importedModule(model: ModalModel, imported: ImportBinding): string | null {
  if (imported.importedName === undefined) {
    const module = imported.localName === imported.module.split('.')[0] ? imported.localName : imported.module;
    return isProjectModule(model, { module, level: 0 }) ? module : null;
  }
  const submodule = imported.module ? `${imported.module}.${imported.importedName}` : imported.importedName;
  return isProjectModule(model, { module: submodule, level: imported.level }) ? submodule : null;
}

function importByReference(model: ModalModel, imported: ImportBinding): ByReference | null {
  const module = importedModule(model, imported);
  if (module) return { kind: 'module', module: '.'.repeat(imported.level) + module };
  if (imported.importedName === undefined || imported.importedName === '*') return null;
  if (!isProjectModule(model, imported)) return null;
  return model.importedExport(imported)?.byReference ? { kind: 'imported', module: '.'.repeat(imported.level) + imported.module } : null;
}

/** An import statement in pickled code that names a project module: it runs where the code runs. */
function importStatementReference(model: ModalModel, statement: SyntaxNode): PickledReference | null {
  // `try: from .routes import r` / `except ImportError: ...` has a way out; `if modal.is_local():` never runs there.
  if (model.guardsOf(statement).some((guard) => NOT_RUN_THERE.has(guard.kind))) return null;
  for (const imported of importBindings(statement)) {
    const module = importedModule(model, imported) ?? (isProjectModule(model, imported) ? imported.module : null);
    if (module !== null) return { node: statement, name: statement.text.split('\n')[0]!, reason: { kind: 'import', module: '.'.repeat(imported.level) + module } };
  }
  return null;
}

/**
 * The references to code of the project in what cloudpickle packs for a serialized function or class,
 * in source order: every global its body (nested functions included) reads, names in parameter and
 * return annotations, and project imports the body runs. For a class, the whole class is pickled
 * (`serialize(info.user_cls)` in modal/_functions.py): its bases, class attributes bound to a plain
 * name and every method count, while imports count only in the methods every container runs (the
 * web method, `@modal.enter()` hooks and the `self.` methods they call). Decorators run locally.
 */
export function pickledReferences(model: ModalModel, definition: SyntaxNode): PickledReference[] {
  const found: PickledReference[] = [];
  const annotationsAreValues = !model.nodesOfType('future_import_statement').some((node) => /\bannotations\b/.test(node.text));
  const readName = (identifier: SyntaxNode | null | undefined): void => {
    if (identifier?.type !== 'identifier' || !readsModuleGlobal(identifier)) return;
    const role = nameRole(identifier);
    if (role !== 'read' && !(role === 'none' && annotationsAreValues && isSignatureAnnotation(identifier))) return;
    const reason = pickledByReference(model, identifier.text);
    if (reason) found.push({ node: identifier, name: identifier.text, reason });
  };
  const scanFunction = (fn: SyntaxNode, runs: boolean): void => {
    for (const parameter of fn.field('parameters')?.namedChildren ?? []) readName(parameter.field('value'));
    const signature = [...(fn.field('parameters')?.descendants() ?? []), ...(fn.field('return_type')?.descendants() ?? [])];
    for (const node of signature) if (isSignatureAnnotation(node)) readName(node);
    for (const node of fn.field('body')?.descendants() ?? []) {
      if (node.type === 'identifier') readName(node);
      else if (runs && (node.type === 'import_statement' || node.type === 'import_from_statement')) {
        const reference = importStatementReference(model, node);
        if (reference) found.push(reference);
      }
    }
  };
  const scanClass = (cls: SyntaxNode): void => {
    for (const base of cls.field('superclasses')?.namedChildren ?? []) readName(base.type === 'keyword_argument' ? base.field('value') : base);
    const running = startupMethods(model, cls);
    for (const statement of scopeStatements(cls)) {
      if (statement.type === 'function_definition') scanFunction(statement, running.has(statement));
      else if (statement.type === 'class_definition') scanClass(statement);
      else if (statement.type === 'expression_statement' && statement.namedChildren[0]?.type === 'assignment') readName(statement.namedChildren[0].field('right'));
    }
  };
  if (definition.type === 'class_definition') scanClass(definition);
  else scanFunction(definition, true);
  return found.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/** The methods of a class that run in every container: web and `@modal.enter()` methods, and the `self.` methods they call. */
function startupMethods(model: ModalModel, cls: SyntaxNode): Set<SyntaxNode> {
  const methods = new Map<string, SyntaxNode>();
  for (const statement of scopeStatements(cls)) if (statement.type === 'function_definition') methods.set(statement.field('name')!.text, statement);
  const queue = [...methods.values()].filter((method) => decoratorCallees(method).some((callee) => STARTUP_DECORATORS.has(model.qualifiedName(callee) ?? '')));
  const running = new Set(queue);
  while (queue.length > 0) {
    for (const node of queue.pop()!.descendants()) {
      const callee = node.type === 'call' ? node.field('function') : null;
      if (callee?.type !== 'attribute' || callee.field('object')?.text !== 'self') continue;
      const called = methods.get(lastName(callee));
      if (called && !running.has(called)) {
        running.add(called);
        queue.push(called);
      }
    }
  }
  return running;
}

/**
 * A name in a parameter or return annotation: evaluated when the `def` runs and kept in `__annotations__`,
 * which cloudpickle packs too (annotations of local variables are never evaluated).
 */
function isSignatureAnnotation(identifier: SyntaxNode): boolean {
  for (const ancestor of identifier.ancestors()) {
    if (ancestor.type !== 'type') {
      if (ancestor.type.endsWith('statement') || ancestor.type === 'block') return false;
      continue;
    }
    const holder = ancestor.parent;
    if (ancestor.fieldName === 'type' && (holder?.type === 'typed_parameter' || holder?.type === 'typed_default_parameter')) return true;
    if (ancestor.fieldName === 'return_type' && holder?.type === 'function_definition') return true;
  }
  return false;
}

/** True when the module has `if __name__ == "__main__":`: run as a script, its functions live in `__main__` and are pickled by value. */
export function runsAsScript(model: ModalModel): boolean {
  return factsOf(model).statements.some((statement) => {
    const first = statement.type === 'if_statement' ? statement.field('consequence')?.namedChildren[0] : undefined;
    return first !== undefined && model.guardsOf(first).some((guard) => guard.kind === 'main' && guard.node === statement);
  });
}
