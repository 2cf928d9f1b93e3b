import type { SyntaxNode } from '../parser/syntax.js';
import { callableFactOf, callableFactsOf, type CallableFact, type Signature } from './call-signatures.js';
import { callArguments, unwrapParens, type ModalModel } from './model.js';
import { enclosingScope } from './scope.js';

/**
 * What a call on a Modal Function handle reaches, when the linter can read its signature: a
 * registered function of this module or of a project module, a method of a registered class, or
 * either looked up with `Function.from_name` / `Cls.from_name` from an App of the project.
 */
export interface FunctionTarget {
  /** How the message names it: `thumbnail`, `Model.generate`. */
  label: string;
  signature: Signature | null;
  generator?: boolean;
  /** `function`: the name of a registered function itself (calling it directly fails); `method`: a method of an instance. */
  via: 'function' | 'method' | 'lookup';
}

const OPTION_METHODS = new Set(['with_options', 'with_concurrency', 'with_batching']);
const FUNCTION_LOOKUPS = new Set(['modal.Function.from_name', 'modal.Function.lookup']);
const CLS_LOOKUPS = new Set(['modal.Cls.from_name', 'modal.Cls.lookup']);
const MAX_DEPTH = 20;

const factsByModel = new WeakMap<ModalModel, Map<string, CallableFact>>();

/** The module's own registered functions and classes, read once per model. */
export function localCallables(model: ModalModel): Map<string, CallableFact> {
  let facts = factsByModel.get(model);
  if (!facts) factsByModel.set(model, (facts = callableFactsOf(model)));
  return facts;
}

/** The callable a name stands for: bound once, to a registered definition here or to one imported from a project module. */
function callableOfName(model: ModalModel, identifier: SyntaxNode): { fact: CallableFact | null; value: SyntaxNode | null } {
  const bindings = model.bindingsFor(identifier);
  if (bindings.length !== 1) return { fact: null, value: null };
  const binding = bindings[0]!;
  if (binding.kind === 'def' || binding.kind === 'class') {
    // Only a module-level definition is the one the module's facts describe.
    const fact = model.moduleBindingsOf(identifier.text)[0] === binding ? localCallables(model).get(identifier.text) ?? null : null;
    return { fact, value: null };
  }
  if (binding.kind === 'import') {
    const imported = model.importOf(identifier.text);
    const fact = imported && imported.statement === binding.statement ? model.importedExport(imported)?.callable ?? null : null;
    return { fact, value: null };
  }
  return { fact: null, value: binding.kind === 'assign' ? binding.value ?? null : null };
}

/** `(app_name, name)` of a `from_name` call, when both are strings. */
function lookedUp(model: ModalModel, call: SyntaxNode, kind: 'function' | 'cls'): CallableFact | null {
  const queries = model.projectQueries;
  if (!queries) return null;
  const args = callArguments(call);
  if (args.hasSplat) return null;
  const appName = model.resolve(args.keywords.get('app_name') ?? args.positional[0]);
  const name = model.resolve(args.keywords.get('name') ?? args.positional[1]);
  if (appName.kind !== 'str' || name.kind !== 'str') return null;
  const registered = queries.registrationsOfApp(model.path, appName.value);
  // Every registration of that App must be read: another one may register the name differently.
  if (!registered?.complete) return null;
  const fact = registered.callables.get(name.value) ?? null;
  return fact?.kind === kind ? fact : null;
}

/** The registered class an expression is (the class itself, not an instance), or null. */
export function modalClassFact(model: ModalModel, node: SyntaxNode | null, depth = 0): CallableFact | null {
  if (!node || depth > MAX_DEPTH) return null;
  const expr = unwrapParens(node);
  if (expr.type === 'identifier') {
    const { fact, value } = callableOfName(model, expr);
    if (fact) return fact.kind === 'cls' ? fact : null;
    return value ? modalClassFact(model, value, depth + 1) : null;
  }
  if (expr.type !== 'call') return null;
  const callee = expr.field('function');
  if (CLS_LOOKUPS.has(model.qualifiedName(callee) ?? '')) return lookedUp(model, expr, 'cls');
  if (callee?.type === 'attribute' && OPTION_METHODS.has(callee.field('attribute')!.text)) return modalClassFact(model, callee.field('object'), depth + 1);
  return null;
}

/** The registered class of an instance expression (`Model()`, a name bound only to one, `self` in its methods), or null. */
export function modalInstanceFact(model: ModalModel, node: SyntaxNode | null, depth = 0): CallableFact | null {
  if (!node || depth > MAX_DEPTH) return null;
  const expr = unwrapParens(node);
  if (expr.type === 'call') return modalClassFact(model, expr.field('function'), depth + 1);
  if (expr.type !== 'identifier') return null;
  const owner = selfClassOf(model, expr);
  if (owner) return owner;
  const { fact, value } = callableOfName(model, expr);
  return !fact && value ? modalInstanceFact(model, value, depth + 1) : null;
}

/** For `self` (the first parameter) inside a method of a class registered in this module: that class. */
export function selfClassOf(model: ModalModel, identifier: SyntaxNode): CallableFact | null {
  const method = enclosingScope(identifier);
  if (method.type !== 'function_definition') return null;
  const fn = model.functions.find((candidate) => candidate.definition === method);
  const first = method.field('parameters')?.namedChildren[0];
  if (!fn?.owner || first?.type !== 'identifier' || first.text !== identifier.text) return null;
  // `self` rebound inside the method is another object.
  if (model.bindingsFor(identifier).some((binding) => binding.kind !== 'other')) return null;
  const fact = localCallables(model).get(fn.owner.name);
  return fact?.kind === 'cls' && fn.owner.registration.kind === 'cls' ? fact : null;
}

/** The registered function or method a Function handle expression reaches, or null when not proven. */
export function functionTarget(model: ModalModel, node: SyntaxNode | null, depth = 0): FunctionTarget | null {
  if (!node || depth > MAX_DEPTH) return null;
  const expr = unwrapParens(node);
  if (expr.type === 'identifier') {
    const { fact, value } = callableOfName(model, expr);
    if (fact) return fact.kind === 'function' ? { label: fact.name, signature: fact.signature, generator: fact.generator, via: 'function' } : null;
    return value ? functionTarget(model, value, depth + 1) : null;
  }
  if (expr.type === 'call') {
    const callee = expr.field('function');
    if (FUNCTION_LOOKUPS.has(model.qualifiedName(callee) ?? '')) {
      const fact = lookedUp(model, expr, 'function');
      return fact ? { label: fact.name, signature: fact.signature, generator: fact.generator, via: 'lookup' } : null;
    }
    if (callee?.type === 'attribute' && OPTION_METHODS.has(callee.field('attribute')!.text)) return functionTarget(model, callee.field('object'), depth + 1);
    // `app.function(...)(fn)`: the registration wraps a function defined here.
    const registration = model.registrations.find((candidate) => candidate.kind === 'function' && candidate.node === callee);
    const fact = registration ? callableFactOf(model, registration) : null;
    return fact?.kind === 'function' ? { label: fact.name, signature: fact.signature, generator: fact.generator, via: 'function' } : null;
  }
  if (expr.type === 'attribute') {
    const cls = modalInstanceFact(model, expr.field('object'));
    const name = expr.field('attribute')!.text;
    if (!cls?.methods || !Object.hasOwn(cls.methods, name)) return null;
    return { label: `${cls.name}.${name}`, signature: cls.methods[name] ?? null, via: 'method' };
  }
  return null;
}

/** The keyword names of a `kwargs=` value: a dict literal with string keys or `dict(a=...)`; null when not readable. */
export function keywordsOfMapping(model: ModalModel, node: SyntaxNode): string[] | null {
  const expr = unwrapParens(node);
  if (expr.type === 'dictionary') {
    const names: string[] = [];
    for (const pair of expr.namedChildren) {
      if (pair.type === 'comment') continue;
      if (pair.type !== 'pair') return null;
      const key = model.resolve(pair.field('key'));
      if (key.kind !== 'str') return null;
      names.push(key.value);
    }
    return names;
  }
  if (expr.type === 'call' && expr.field('function')?.text === 'dict' && model.bindingsFor(expr.field('function')!).length === 0) {
    const args = callArguments(expr);
    return args.hasSplat || args.positional.length > 0 ? null : [...args.keywords.keys()];
  }
  return null;
}
