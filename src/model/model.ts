import type { SyntaxNode } from '../parser/syntax.js';
import { inExclusiveBranches } from './branches.js';
import { conditionFacts, type Guard, type Locality } from './guards.js';
import { importBindings, type ImportBinding } from './imports.js';
import { callableFactsOf, type CallableFact } from './call-signatures.js';
import { pickledByReference } from './pickling.js';
import type { ProjectQueries } from './project-facts.js';
import { enclosingScope, scopeBindings, type Binding } from './scope.js';
import { possibleValues, resolveValue, UNKNOWN, type NameLookup, type Value } from './values.js';

/** What another module exports, as far as Modal is concerned. */
export type ExportKind = 'app' | 'image' | 'other';

export interface ModuleExport {
  kind: ExportKind;
  image?: ImageChain;
  /** For an App: its `image=` chain, `'default'` when it names none, null when it cannot be read. */
  appImage?: ImageChain | 'default' | null;
  /** A function, class or web app of that module: cloudpickle stores it as a reference to the module. */
  byReference?: boolean;
  /** A function or class registered on an App there: what calls into it may pass. */
  callable?: CallableFact;
}

/** Answers questions about names imported from other modules of the project. */
export interface ImportResolver {
  /** `undefined` when the module cannot be found (third-party, or outside the project). */
  exportOf(fromPath: string, binding: ImportBinding): ModuleExport | undefined;
  /** The project file a module name refers to, if any. */
  resolveModule?(fromPath: string, binding: Pick<ImportBinding, 'module' | 'level'>): string | null;
  /** The folder the run treats as the project root. */
  readonly projectRoot?: string;
  /** A project file's text (requirements, `pyproject.toml`, lock files), read once per run; undefined when absent. */
  readText?(fromPath: string, absolutePath: string): string | undefined;
  /** True when a directory exists (recorded as something the analysis of `fromPath` depends on). */
  isDirectory?(fromPath: string, absolutePath: string): boolean;
  /** The module-level imports of a project module that run when it is imported (see `ModuleSummary`). */
  moduleSummary?(filePath: string): ModuleSummary | undefined;
  /** Files of the run that import a module at their module level (the answer makes `fromPath`'s result depend on the whole run). */
  importersOf?(filePath: string, fromPath?: string): string[];
  /** True when a project module named `modal` may be what `import modal` loads. */
  shadowsModal?(fromPath: string): boolean;
  /** The model of a project file, to follow a call into a function defined there. */
  modelOf?(filePath: string): ModalModel | null;
  /** Questions about every file of the project (Apps by name, `with_options` calls). */
  queries?: ProjectQueries;
}

/** One import a module runs at its top level, outside any guard that keeps it from running locally. */
export interface SummaryImport {
  module: string;
  level: number;
  /** For `from M import a, b`: the names (they may be submodules). */
  importedNames: string[];
  /** 1-based line of the import statement. */
  line: number;
}

/** What other modules need to know about a module's import-time behaviour, kept after its tree is released. */
export interface ModuleSummary {
  imports: SummaryImport[];
  /** The module defines an App or registers functions. */
  registers: boolean;
}

export const NO_PROJECT: ImportResolver = { exportOf: () => undefined };

export type RegistrationKind = 'function' | 'cls' | 'server' | 'local_entrypoint';
const REGISTRATION_KINDS = new Set<string>(['function', 'cls', 'server', 'local_entrypoint']);

export const MODAL_DECORATORS = new Set([
  'enter', 'exit', 'method', 'fastapi_endpoint', 'web_endpoint', 'asgi_app', 'wsgi_app', 'web_server',
  'concurrent', 'batched', 'build', 'parameter', 'experimental.clustered',
]);

export interface AppDef {
  /** The variable the App is stored in (`app`, `stub`, `self.app`), if any. */
  variable: string | null;
  call: SyntaxNode;
  /** `App`, the removed `Stub`, or `App.lookup`. */
  constructor: 'App' | 'Stub' | 'lookup';
  /** The name argument (positional or `name=`), if given. */
  nameNode: SyntaxNode | null;
}

/** Keyword arguments of a call, by name, plus whether `**splat` or `*args` hide others. */
export interface CallArguments {
  positional: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
  keywordNodes: Map<string, SyntaxNode>;
  hasSplat: boolean;
}

/** `@app.function(...)`, `@app.cls(...)`, `@app.server(...)`, `@app.local_entrypoint()`, or the same calls without `@`. */
export interface Registration {
  kind: RegistrationKind;
  /** The expression naming the App (`app` in `app.function`). */
  appNode: SyntaxNode;
  /** Key identifying the App within this file (its variable text). */
  appKey: string;
  /** The call, or the bare attribute when written without parentheses. */
  node: SyntaxNode;
  call: SyntaxNode | null;
  args: CallArguments;
  /** The decorated or wrapped `function_definition` / `class_definition`, when known. */
  target: SyntaxNode | null;
  /** The `decorator` node when used as a decorator. */
  decorator: SyntaxNode | null;
}

/** A `modal.*` decorator on a function or method (`enter`, `method`, `asgi_app`...). */
export interface ModalDecorator {
  name: string;
  decorator: SyntaxNode;
  call: SyntaxNode | null;
  args: CallArguments;
}

export interface ModalFunction {
  definition: SyntaxNode;
  name: string;
  isAsync: boolean;
  decorators: ModalDecorator[];
  /** Registration of this function (for top-level functions). */
  registration: Registration | null;
  /** The class this function is a method of, if that class is a Modal class. */
  owner: ModalClass | null;
}

export interface ModalClass {
  definition: SyntaxNode;
  name: string;
  registration: Registration;
  methods: ModalFunction[];
}

export interface ImageStep {
  method: string;
  call: SyntaxNode;
}

export interface ImageChain {
  /** The `modal.Image.<constructor>` call, or null when the base comes from elsewhere. */
  base: { constructor: string; call: SyntaxNode } | null;
  steps: ImageStep[];
}

export const WEB_DECORATORS = new Set(['fastapi_endpoint', 'web_endpoint', 'asgi_app', 'wsgi_app', 'web_server']);

const argumentsOfCall = new WeakMap<SyntaxNode, CallArguments>();

/** The arguments of a call, read once per call node (rules ask for the same calls again and again). */
export function callArguments(call: SyntaxNode | null): CallArguments {
  if (!call) return readCallArguments(null);
  let result = argumentsOfCall.get(call);
  if (!result) argumentsOfCall.set(call, (result = readCallArguments(call)));
  return result;
}

function readCallArguments(call: SyntaxNode | null): CallArguments {
  const result: CallArguments = { positional: [], keywords: new Map(), keywordNodes: new Map(), hasSplat: false };
  const list = call?.field('arguments');
  if (!list) return result;
  for (const arg of list.namedChildren) {
    if (arg.type === 'keyword_argument') {
      const name = arg.field('name')?.text;
      const value = arg.field('value');
      if (name && value) {
        result.keywords.set(name, value);
        result.keywordNodes.set(name, arg);
      }
    } else if (arg.type === 'dictionary_splat' || arg.type === 'list_splat') result.hasSplat = true;
    else result.positional.push(arg);
  }
  return result;
}

export function unwrapParens(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildren.length === 1) current = current.namedChildren[0]!;
  return current;
}

/** The Modal model of one module: built once, read by every rule. */
export class ModalModel {
  readonly imports: ImportBinding[] = [];
  readonly apps: AppDef[] = [];
  readonly registrations: Registration[] = [];
  readonly functions: ModalFunction[] = [];
  readonly classes: ModalClass[] = [];
  /** Local names bound to the `modal` module (`modal`, `m`). */
  private readonly modalModuleNames = new Set<string>();
  /** Local names imported from modal: local name -> qualified name (`I` -> `modal.Image`). */
  private readonly modalImportedNames = new Map<string, string>();
  private readonly moduleBindings: Map<string, Binding[]>;
  private readonly scopeTables = new Map<SyntaxNode, Map<string, Binding[]>>();
  /** App keys (variable texts) known in this module. */
  private readonly appKeys = new Set<string>();
  private readonly importedByName = new Map<string, ImportBinding>();
  readonly lookup: NameLookup = (identifier) => this.boundValue(identifier);
  private typeIndex: Map<string, SyntaxNode[]> | undefined;
  /** Lists of several types merged in source order, by their comma-joined types. */
  private readonly mergedTypes = new Map<string, SyntaxNode[]>();
  private identifiersByName: Map<string, SyntaxNode[]> | undefined;
  private readonly qualifiedNames = new Map<SyntaxNode, string | null>();

  constructor(
    readonly path: string,
    readonly root: SyntaxNode,
    readonly project: ImportResolver = NO_PROJECT,
  ) {
    this.moduleBindings = scopeBindings(root);
    this.scopeTables.set(root, this.moduleBindings);
    this.collectImports();
    this.collectApps();
    this.collectRegistrations();
  }

  get source(): string {
    return this.root.source;
  }

  /** The identifiers spelled `name`, in source order (one index per model instead of a scan per name). */
  identifiersNamed(name: string): readonly SyntaxNode[] {
    if (!this.identifiersByName) {
      this.identifiersByName = new Map();
      for (const node of this.nodesOfType('identifier')) {
        const list = this.identifiersByName.get(node.text);
        if (list) list.push(node);
        else this.identifiersByName.set(node.text, [node]);
      }
    }
    return this.identifiersByName.get(name) ?? [];
  }

  /** All nodes of the given types, in source order: the parser's index, or one walk per model. */
  nodesOfType(...types: string[]): SyntaxNode[] {
    if (!this.typeIndex && this.root.nodesByType) this.typeIndex = this.root.nodesByType;
    if (!this.typeIndex) {
      this.typeIndex = new Map();
      for (const node of this.root.descendants()) {
        const list = this.typeIndex.get(node.type);
        if (list) list.push(node);
        else this.typeIndex.set(node.type, [node]);
      }
    }
    if (types.length === 1) return this.typeIndex.get(types[0]!) ?? [];
    const key = types.join(',');
    let merged = this.mergedTypes.get(key);
    if (!merged) {
      merged = types.flatMap((type) => this.typeIndex!.get(type) ?? []).sort((a, b) => a.startIndex - b.startIndex);
      this.mergedTypes.set(key, merged);
    }
    return merged;
  }

  /** True when the module imports modal or registers functions on an App. */
  get isModalFile(): boolean {
    return this.modalModuleNames.size > 0 || this.modalImportedNames.size > 0 || this.registrations.length > 0 || this.apps.length > 0;
  }

  // ---- names -------------------------------------------------------------------------------

  private collectImports(): void {
    for (const node of this.nodesOfType('import_statement', 'import_from_statement')) {
      for (const binding of importBindings(node)) {
        this.imports.push(binding);
        if (binding.level === 0 && (binding.module === 'modal' || binding.module.startsWith('modal.'))) {
          if (binding.importedName === undefined) {
            // `import modal.experimental` binds `modal`; `import modal.gpu as g` binds the submodule.
            const isAliasedSubmodule = binding.localName !== binding.module.split('.')[0];
            if (isAliasedSubmodule) this.modalImportedNames.set(binding.localName, binding.module);
            else this.modalModuleNames.add(binding.localName);
          } else if (binding.importedName !== '*') {
            this.modalImportedNames.set(binding.localName, `${binding.module}.${binding.importedName}`);
          }
        }
        if (enclosingScope(node) === this.root) this.importedByName.set(binding.localName, binding);
      }
    }
  }

  /** `modal.App` for `m.App`, `App` (from modal import App), `modal.App`; null when not a Modal name. */
  qualifiedName(node: SyntaxNode | null): string | null {
    if (!node) return null;
    // Import tables are complete once the constructor has read the imports: a node's name never changes.
    let name = this.qualifiedNames.get(node);
    if (name === undefined) this.qualifiedNames.set(node, (name = this.readQualifiedName(node)));
    return name;
  }

  private readQualifiedName(node: SyntaxNode): string | null {
    const expr = unwrapParens(node);
    if (expr.type === 'identifier') {
      if (this.modalModuleNames.has(expr.text)) return 'modal';
      return this.modalImportedNames.get(expr.text) ?? null;
    }
    if (expr.type === 'attribute') {
      const base = this.qualifiedName(expr.field('object'));
      const attribute = expr.field('attribute')?.text;
      return base && attribute ? `${base}.${attribute}` : null;
    }
    return null;
  }

  /** True for a call of `modal.is_local()` under any alias. */
  isLocalCall = (call: SyntaxNode): boolean => call.type === 'call' && this.qualifiedName(call.field('function')) === 'modal.is_local';

  /** Module-level import binding for a name, if the name was imported. */
  importOf(name: string): ImportBinding | undefined {
    return this.importedByName.get(name);
  }

  /** The project file an import names (`routes.py` for `from .routes import r`); null for third-party modules. */
  moduleFileOf(binding: Pick<ImportBinding, 'module' | 'level'>): string | null {
    return this.project.resolveModule?.(this.path, binding) ?? null;
  }

  /** True when `modal` in this file may be a project module that shadows the Modal package. */
  get modalShadowed(): boolean {
    return this.project.shadowsModal?.(this.path) ?? false;
  }

  /** The model of the project module an import names (`helpers` in `from helpers import f`); null for third-party modules. */
  projectModelOf(binding: Pick<ImportBinding, 'module' | 'level'>): ModalModel | null {
    const file = this.moduleFileOf(binding);
    return file && file !== this.path ? this.project.modelOf?.(file) ?? null : null;
  }

  /** Every module-level binding of a name, in source order. */
  moduleBindingsOf(name: string): Binding[] {
    return this.moduleBindings.get(name) ?? [];
  }

  /** Questions about the whole project; null when the model is built for one file alone. */
  get projectQueries(): ProjectQueries | null {
    return this.project.queries ?? null;
  }

  /** What a project module exports under an imported name; undefined when the module is not the project's. */
  importedExport(binding: ImportBinding): ModuleExport | undefined {
    return this.project.exportOf(this.path, binding);
  }

  // ---- bindings and values -----------------------------------------------------------------

  private bindingsOf(scope: SyntaxNode): Map<string, Binding[]> {
    let table = this.scopeTables.get(scope);
    if (!table) {
      table = scopeBindings(scope);
      this.scopeTables.set(scope, table);
    }
    return table;
  }

  /** The bindings visible for an identifier: its own function's, else the module's. */
  bindingsFor(identifier: SyntaxNode): Binding[] {
    const name = identifier.text;
    for (let scope = enclosingScope(identifier); ; scope = enclosingScope(scope)) {
      if (scope === this.root) return this.moduleBindings.get(name) ?? [];
      const local = scope.type === 'class_definition' ? undefined : this.bindingsOf(scope).get(name);
      if (local) return local;
      if (scope === scope.parent || !scope.parent) return [];
    }
  }

  /** The value expression of a name bound exactly once by a plain assignment. */
  boundValue(identifier: SyntaxNode): SyntaxNode | null {
    const bindings = this.bindingsFor(identifier);
    if (bindings.length !== 1) return null;
    const [binding] = bindings;
    return binding!.kind === 'assign' && binding!.value ? binding!.value : null;
  }

  /** The assignment that a use sees in straight-line module code: the last one before it. */
  latestBindingBefore(identifier: SyntaxNode): Binding | null {
    const bindings = this.bindingsFor(identifier);
    let latest: Binding | null = null;
    for (const binding of bindings) {
      if (binding.statement.startIndex >= identifier.startIndex || binding.statement.contains(identifier)) continue;
      // `image = a` under `if` never reaches a use under `elif` / `else`.
      if (!inExclusiveBranches(binding.statement, identifier)) latest = binding;
    }
    return latest;
  }

  resolve(node: SyntaxNode | null | undefined): Value {
    return node ? resolveValue(node, this.lookup) : UNKNOWN;
  }

  possibleValues(node: SyntaxNode | null | undefined): Value[] {
    return possibleValues(node, this.lookup);
  }

  // ---- guards ------------------------------------------------------------------------------

  /** Every guard around a node, innermost first. */
  guardsOf(node: SyntaxNode): Guard[] {
    const guards: Guard[] = [];
    let child = node;
    for (const ancestor of node.ancestors()) {
      this.guardOfBranch(ancestor, child, guards);
      child = ancestor;
    }
    return guards;
  }

  private guardOfBranch(ancestor: SyntaxNode, child: SyntaxNode, guards: Guard[]): void {
    switch (ancestor.type) {
      case 'function_definition':
      case 'lambda':
        if (child.fieldName === 'body') guards.push({ kind: 'function', node: ancestor });
        return;
      case 'if_statement':
        this.ifStatementGuard(ancestor, child, guards);
        return;
      case 'conditional_expression': {
        const [whenTrue, condition, whenFalse] = ancestor.namedChildren;
        const facts = conditionFacts(condition ?? null, this.isLocalCall);
        const locality: Locality = child === whenTrue ? facts.whenTrue : child === whenFalse ? facts.whenFalse : null;
        if (locality) guards.push({ kind: locality, node: ancestor });
        return;
      }
      case 'boolean_operator': {
        // In `modal.is_local() and f()`, `f()` runs only locally.
        const op = ancestor.field('operator')?.text ?? ancestor.children.find((c) => !c.isNamed)?.text;
        if (child !== ancestor.field('right')) return;
        const facts = conditionFacts(ancestor.field('left'), this.isLocalCall);
        const locality = op === 'and' ? facts.whenTrue : op === 'or' ? facts.whenFalse : null;
        if (locality) guards.push({ kind: locality, node: ancestor });
        return;
      }
      case 'with_statement':
        if (child.fieldName === 'body' && this.isImageImportsBlock(ancestor)) guards.push({ kind: 'image-imports', node: ancestor });
        return;
      case 'try_statement':
        if (child.fieldName === 'body' && catchesImportError(ancestor)) guards.push({ kind: 'try-import', node: ancestor });
        return;
      default:
        return;
    }
  }

  private ifStatementGuard(statement: SyntaxNode, child: SyntaxNode, guards: Guard[]): void {
    const condition = statement.field('condition');
    if (child === condition) return;
    if (child.fieldName === 'consequence') {
      if (isTypeCheckingTest(condition)) guards.push({ kind: 'type-checking', node: statement });
      if (isMainTest(condition)) guards.push({ kind: 'main', node: statement });
      if (this.isInsideReceiver(statement) !== null) guards.push({ kind: 'image-imports', node: statement });
      const locality = conditionFacts(condition, this.isLocalCall).whenTrue;
      if (locality) guards.push({ kind: locality, node: statement });
      return;
    }
    // `elif` / `else`: every earlier test was false; an `elif` test was also true.
    let locality: Locality = conditionFacts(condition, this.isLocalCall).whenFalse;
    for (const clause of statement.fields('alternative')) {
      if (clause === child) {
        if (clause.type === 'elif_clause') {
          const own = conditionFacts(clause.field('condition'), this.isLocalCall).whenTrue;
          locality ??= own;
        }
        if (locality) guards.push({ kind: locality, node: statement });
        return;
      }
      if (clause.type === 'elif_clause') locality ??= conditionFacts(clause.field('condition'), this.isLocalCall).whenFalse;
    }
  }

  /** `with image.imports():` (any receiver) guards container-only imports. */
  isImageImportsBlock(statement: SyntaxNode): boolean {
    return this.imageImportsReceiver(statement) !== null;
  }

  /**
   * The image of `if app.is_inside(image):`, the pre-0.64.35 form of `with image.imports():` (true
   * only in that image's containers; removed since, which `removed-api` reports), or null.
   */
  private isInsideReceiver(statement: SyntaxNode): SyntaxNode | null {
    const condition = statement.type === 'if_statement' ? unwrapParens(statement.field('condition') ?? statement) : null;
    if (condition?.type !== 'call') return null;
    const callee = condition.field('function');
    if (callee?.type !== 'attribute' || callee.field('attribute')?.text !== 'is_inside') return null;
    const args = callArguments(condition);
    if (args.positional.length !== 1 || args.keywords.size > 0 || !this.isAppExpression(callee.field('object')!)) return null;
    return args.positional[0]!;
  }

  /** The receiver of `with <image>.imports():` (the image expression), or the image of `if app.is_inside(image):`; null otherwise. */
  imageImportsReceiver(statement: SyntaxNode): SyntaxNode | null {
    if (statement.type === 'if_statement') return this.isInsideReceiver(statement);
    for (const node of statement.descendants()) {
      if (node.type !== 'with_item') continue;
      const value = node.field('value');
      const call = value?.type === 'as_pattern' ? value.namedChildren[0] : value;
      if (call?.type !== 'call') continue;
      const callee = call.field('function');
      if (callee?.type === 'attribute' && callee.field('attribute')?.text === 'imports' && callArguments(call).positional.length === 0) return callee.field('object');
    }
    return null;
  }

  /** True when the node runs in the container only (so local-machine problems do not apply). */
  localityOf(node: SyntaxNode): Locality {
    for (const guard of this.guardsOf(node)) if (guard.kind === 'local' || guard.kind === 'container') return guard.kind;
    return null;
  }

  // ---- apps and registrations ---------------------------------------------------------------

  private appConstructor(call: SyntaxNode): AppDef['constructor'] | null {
    if (call.type !== 'call') return null;
    const name = this.qualifiedName(call.field('function'));
    if (name === 'modal.App') return 'App';
    // `AioStub`, the async Stub of modal-client before 0.49.2429 (commit 8f03f7963 made it raise).
    if (name === 'modal.Stub' || name === 'modal.aio.AioStub' || name === 'modal.stub.AioStub') return 'Stub';
    if (name === 'modal.App.lookup') return 'lookup';
    return null;
  }

  private collectApps(): void {
    for (const node of this.nodesOfType('call')) {
      const constructor = this.appConstructor(node);
      if (!constructor) continue;
      const args = callArguments(node);
      const nameNode = args.keywords.get('name') ?? args.positional[0] ?? null;
      let variable: string | null = null;
      const parent = node.parent;
      if (parent?.type === 'assignment' && parent.field('right') === node) {
        const left = parent.field('left')!;
        if (left.type === 'identifier' || left.type === 'attribute') variable = left.text;
      }
      this.apps.push({ variable, call: node, constructor, nameNode });
      if (variable) this.appKeys.add(variable);
    }
  }

  /** True when an expression names an App: a local App variable, or an App imported from a module of the project. */
  isAppExpression(node: SyntaxNode, usedAs: RegistrationKind | null = null): boolean {
    const expr = unwrapParens(node);
    if (this.appConstructor(expr)) return true;
    if (expr.type !== 'identifier' && expr.type !== 'attribute') return false;
    if (this.appKeys.has(expr.text)) return true;
    if (expr.type !== 'identifier') return false;
    const imported = this.importedByName.get(expr.text);
    if (!imported || imported.importedName === undefined) return false;
    const exported = this.project.exportOf(this.path, imported);
    if (exported) return exported.kind === 'app';
    // A module the linter cannot read: in a file that imports modal (or from a local package),
    // `.function(`, `.cls(` and `.local_entrypoint(` on an imported name are Modal's.
    const importsModal = this.modalModuleNames.size > 0 || this.modalImportedNames.size > 0;
    return usedAs !== null && usedAs !== 'server' && (imported.level > 0 || importsModal);
  }

  private registrationAt(node: SyntaxNode): { kind: RegistrationKind; appNode: SyntaxNode; call: SyntaxNode | null } | null {
    const call = node.type === 'call' ? node : null;
    const callee = call ? call.field('function') : node;
    if (callee?.type !== 'attribute') return null;
    const kind = callee.field('attribute')?.text ?? '';
    if (!REGISTRATION_KINDS.has(kind)) return null;
    const appNode = callee.field('object')!;
    if (!this.isAppExpression(appNode, kind as RegistrationKind)) return null;
    return { kind: kind as RegistrationKind, appNode, call };
  }

  private collectRegistrations(): void {
    const byDefinition = new Map<SyntaxNode, Registration>();
    for (const node of this.nodesOfType('decorator', 'call')) {
      if (node.type === 'decorator') {
        const expression = node.namedChildren[0];
        if (!expression) continue;
        const found = this.registrationAt(expression);
        if (!found) continue;
        const target = node.parent?.field('definition') ?? null;
        const registration = this.makeRegistration(found, expression, target, node);
        if (target) byDefinition.set(target, registration);
      } else if (node.type === 'call' && node.parent?.type !== 'decorator') {
        const found = this.registrationAt(node);
        if (found) this.makeRegistration(found, node, this.wrappedTarget(node), null);
      }
    }
    this.collectFunctions(byDefinition);
  }

  private makeRegistration(
    found: { kind: RegistrationKind; appNode: SyntaxNode; call: SyntaxNode | null },
    node: SyntaxNode,
    target: SyntaxNode | null,
    decorator: SyntaxNode | null,
  ): Registration {
    const registration: Registration = {
      kind: found.kind,
      appNode: found.appNode,
      appKey: unwrapParens(found.appNode).text,
      node,
      call: found.call,
      args: callArguments(found.call),
      target,
      decorator,
    };
    this.registrations.push(registration);
    return registration;
  }

  /** `app.function(**cfg)(fn)` and `wrap = app.cls(...)` then `wrap(Model)`: find what gets registered. */
  private wrappedTarget(call: SyntaxNode): SyntaxNode | null {
    const parent = call.parent;
    let argument: SyntaxNode | undefined;
    if (parent?.type === 'call' && parent.field('function') === call) {
      argument = callArguments(parent).positional[0];
    } else if (parent?.type === 'assignment' && parent.field('left')?.type === 'identifier') {
      const wrapper = parent.field('left')!.text;
      for (const node of this.nodesOfType('call')) {
        if (node.field('function')?.type === 'identifier' && node.field('function')!.text === wrapper) {
          argument = callArguments(node).positional[0];
          break;
        }
      }
    }
    if (argument?.type !== 'identifier') return null;
    const binding = this.bindingsFor(argument).find((b) => b.kind === 'def' || b.kind === 'class');
    return binding ? (binding.statement.type === 'decorated_definition' ? binding.statement.field('definition') : binding.statement) : null;
  }

  modalDecoratorsOf(definition: SyntaxNode): ModalDecorator[] {
    const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : null;
    if (!decorated) return [];
    const result: ModalDecorator[] = [];
    for (const decorator of decorated.children) {
      if (decorator.type !== 'decorator') continue;
      const expression = decorator.namedChildren[0];
      if (!expression) continue;
      const call = expression.type === 'call' ? expression : null;
      const name = this.qualifiedName(call ? call.field('function') : expression);
      if (!name?.startsWith('modal.')) continue;
      const short = name.slice('modal.'.length);
      if (MODAL_DECORATORS.has(short)) result.push({ name: short, decorator, call, args: callArguments(call) });
    }
    return result;
  }

  private collectFunctions(byDefinition: Map<SyntaxNode, Registration>): void {
    const classes = new Map<SyntaxNode, ModalClass>();
    for (const registration of this.registrations) {
      const target = registration.target;
      if (target?.type === 'class_definition' && (registration.kind === 'cls' || registration.kind === 'server') && !classes.has(target)) {
        const modalClass: ModalClass = { definition: target, name: target.field('name')!.text, registration, methods: [] };
        classes.set(target, modalClass);
        this.classes.push(modalClass);
      }
    }
    for (const node of this.nodesOfType('function_definition')) {
      const decorators = this.modalDecoratorsOf(node);
      const registration = byDefinition.get(node) ?? this.registrations.find((r) => r.target === node && !r.decorator) ?? null;
      const ownerDefinition = node.parent?.parent?.type === 'class_definition' ? node.parent.parent
        : node.parent?.type === 'decorated_definition' && node.parent.parent?.parent?.type === 'class_definition' ? node.parent.parent.parent : null;
      const owner = ownerDefinition ? classes.get(ownerDefinition) ?? null : null;
      if (decorators.length === 0 && !registration && !owner) continue;
      const fn: ModalFunction = {
        definition: node,
        name: node.field('name')!.text,
        isAsync: node.children.some((child) => child.type === 'async'),
        decorators,
        registration,
        owner,
      };
      this.functions.push(fn);
      owner?.methods.push(fn);
    }
  }

  /** The registration that governs a function: its own, or its class's. */
  registrationOf(fn: ModalFunction): Registration | null {
    return fn.registration ?? fn.owner?.registration ?? null;
  }

  /** The App definition a registration refers to, when the App is created in this module. */
  appOf(registration: Registration): AppDef | null {
    return this.apps.find((app) => app.variable === registration.appKey) ?? null;
  }

  /** The `modal.*` web decorator of a function (`asgi_app`, `fastapi_endpoint`, ...), if any. */
  webDecoratorOf(fn: ModalFunction): ModalDecorator | null {
    return fn.decorators.find((decorator) => WEB_DECORATORS.has(decorator.name)) ?? null;
  }

  /** Functions and methods registered through one registration (the function itself, or the class's methods). */
  functionsOf(registration: Registration): ModalFunction[] {
    return this.functions.filter((fn) => fn.registration === registration || fn.owner?.registration === registration);
  }

  /** The items of a list argument, following names bound once to a list (`secrets=SECRETS`); null when unknown. */
  listItems(node: SyntaxNode | null | undefined): SyntaxNode[] | null {
    const value = this.resolve(node);
    return value.kind === 'list' ? value.nodes : null;
  }

  /**
   * The secret expressions attached to a registration: its own `secrets=` items and its App's.
   * `null` when some list cannot be read statically.
   */
  secretsOf(registration: Registration): SyntaxNode[] | null {
    const lists = [registration.args.keywords.get('secrets')];
    const app = this.appOf(registration);
    if (app) lists.push(callArguments(app.call).keywords.get('secrets'));
    const items: SyntaxNode[] = [];
    for (const list of lists) {
      if (!list) continue;
      const read = this.listItems(list);
      if (!read) return null;
      items.push(...read);
    }
    return items;
  }

  /**
   * The image a registered function or class runs in: its `image=`, else its App's `image=`.
   * `null` when the image comes from somewhere the model cannot follow, or is Modal's default.
   */
  imageOf(registration: Registration): ImageChain | null {
    const own = registration.args.keywords.get('image');
    if (own) return this.imageChainOf(own);
    const app = this.appOf(registration);
    const appImage = app ? callArguments(app.call).keywords.get('image') : undefined;
    return appImage ? this.imageChainOf(appImage) : null;
  }

  /** The call that created the object a name or expression refers to, following single assignments. */
  originCall(node: SyntaxNode | null | undefined, depth = 0): SyntaxNode | null {
    if (!node || depth > 20) return null;
    const expr = unwrapParens(node);
    if (expr.type === 'call') return expr;
    if (expr.type !== 'identifier') return null;
    return this.originCall(this.boundValue(expr), depth + 1);
  }

  /** True when an expression is proven to be a `modal.Dict` (`Dict.from_name`, `Dict.ephemeral`, through constants). */
  isModalDict(node: SyntaxNode | null | undefined): boolean {
    const call = this.originCall(node);
    const name = call ? this.qualifiedName(call.field('function')) : null;
    return name === 'modal.Dict.from_name' || name === 'modal.Dict.ephemeral' || name === 'modal.Dict.from_id';
  }

  // ---- images ------------------------------------------------------------------------------

  /** Follows an image expression through calls, assignments and imports to its chain of steps. */
  imageChainOf(node: SyntaxNode | null | undefined, depth = 0): ImageChain | null {
    if (!node || depth > 50) return null;
    const expr = unwrapParens(node);
    if (expr.type === 'call') {
      const callee = expr.field('function');
      const qualified = this.qualifiedName(callee);
      if (qualified?.startsWith('modal.Image.')) {
        return { base: { constructor: qualified.slice('modal.Image.'.length), call: expr }, steps: [] };
      }
      if (callee?.type === 'attribute') {
        const inner = this.imageChainOf(callee.field('object'), depth + 1);
        if (!inner) return null;
        return { base: inner.base, steps: [...inner.steps, { method: callee.field('attribute')!.text, call: expr }] };
      }
      return null;
    }
    if (expr.type === 'identifier') {
      let binding = this.latestBindingBefore(expr) ?? this.bindingsFor(expr).at(-1) ?? null;
      // The image that is built is the one the deploying machine binds: under `if modal.is_local(): image = a
      // else: image = b`, `a`; the container's branch runs only after the image is chosen.
      if (binding && this.localityOf(binding.statement) === 'container' && this.localityOf(expr) !== 'container') {
        const deployed = this.bindingsFor(expr).filter((candidate) => candidate.statement.startIndex < binding!.statement.startIndex && this.localityOf(candidate.statement) !== 'container').at(-1);
        if (deployed) binding = deployed;
      }
      if (binding?.kind === 'assign' && binding.value) return this.imageChainOf(binding.value, depth + 1);
      if (binding?.kind === 'import') {
        const imported = this.importedByName.get(expr.text);
        const exported = imported ? this.project.exportOf(this.path, imported) : undefined;
        if (exported?.kind === 'image') return exported.image ?? { base: null, steps: [] };
      }
    }
    return null;
  }

  /** The image an App created in this module names: its chain, `'default'` for none, null when unreadable. */
  private appImageOf(variable: string): ImageChain | 'default' | null {
    const app = this.apps.find((candidate) => candidate.variable === variable);
    if (!app || app.constructor === 'lookup') return null;
    const setter = this.appImageAssignments(variable);
    if (setter.length > 0) {
      const last = setter.at(-1)!;
      return setter.every((assignment) => enclosingScope(assignment) === this.root) ? this.imageChainOf(last.field('right')) : null;
    }
    const args = callArguments(app.call);
    const image = args.keywords.get('image');
    if (image) return this.imageChainOf(image);
    return args.hasSplat ? null : 'default';
  }

  /** `app.image = ...` assignments (the `App.image` setter, modal-client `app.py`), in source order. */
  appImageAssignments(variable: string): SyntaxNode[] {
    return this.nodesOfType('assignment').filter((assignment) => {
      const left = assignment.field('left');
      return left?.type === 'attribute' && left.field('attribute')?.text === 'image' && left.field('object')?.text === variable && assignment.field('right') !== null;
    });
  }

  /** Module-level names bound to Apps and to images: what other modules may import. */
  exports(): Map<string, ModuleExport> {
    const result = new Map<string, ModuleExport>();
    const callables = this.registrations.length > 0 ? callableFactsOf(this) : null;
    for (const [name, bindings] of this.moduleBindings) {
      const last = bindings.at(-1)!;
      if (this.appKeys.has(name)) result.set(name, { kind: 'app', appImage: this.appImageOf(name) });
      else if (last.kind === 'assign' && last.value) {
        const image = this.imageChainOf(last.value);
        result.set(name, image ? { kind: 'image', image } : { kind: 'other' });
      } else result.set(name, { kind: 'other' });
      // Names this module imports itself are not followed: exports stay cheap and free of cycles.
      if (pickledByReference(this, name, false)) result.get(name)!.byReference = true;
      const callable = bindings.length === 1 ? callables?.get(name) : undefined;
      if (callable && (last.kind === 'def' || last.kind === 'class')) result.get(name)!.callable = callable;
    }
    return result;
  }
}

function catchesImportError(statement: SyntaxNode): boolean {
  for (const clause of statement.children) {
    if (clause.type !== 'except_clause') continue;
    const caught = clause.namedChildren.find((child) => child.type !== 'block' && child.type !== 'comment');
    if (!caught) return true; // bare `except:`
    const names = caught.type === 'as_pattern' ? caught.namedChildren[0]!.text : caught.text;
    if (/\b(ImportError|ModuleNotFoundError|Exception|BaseException)\b/.test(names)) return true;
  }
  return false;
}

function isTypeCheckingTest(condition: SyntaxNode | null): boolean {
  if (!condition) return false;
  const text = condition.text;
  return text === 'TYPE_CHECKING' || text === 'typing.TYPE_CHECKING' || text === 't.TYPE_CHECKING';
}

function isMainTest(condition: SyntaxNode | null): boolean {
  if (condition?.type !== 'comparison_operator') return false;
  const parts = condition.namedChildren.map((child) => child.text.replace(/'/g, '"'));
  return parts.length === 2 && parts.includes('__name__') && parts.includes('"__main__"');
}
