import type { SyntaxNode } from '../parser/syntax.js';
import { inExclusiveBranches } from './branches.js';
import { conditionFacts, type Locality } from './guards.js';
import type { ModalModel } from './model.js';
import { blockStatements, enclosingScope, type Binding } from './scope.js';
import type { Value } from './values.js';

/**
 * One value an expression may hold: the expression that produces it (in the module of `model`),
 * and on which side of `modal.is_local()` it is chosen (`null`: either side).
 */
export interface PossibleOrigin {
  /** The producing expression; null for the implicit `None` of a function that falls off its end. */
  node: SyntaxNode | null;
  model: ModalModel;
  locality: Locality;
  /** A node of the asking module to report at: the expression itself, or the call that led to another module. */
  site: SyntaxNode;
}

/** How deep names, calls and returns are followed; past it the value is unknown. */
const MAX_DEPTH = 24;
/** How many origins one expression may have before the rest are left unknown. */
const MAX_ORIGINS = 64;
/** Decorators that return the function unchanged (or a caching wrapper with the same results). */
const TRANSPARENT_DECORATORS = new Set(['cache', 'lru_cache', 'cached', 'wraps']);
/** Compound statements whose body always runs once the statement runs. */
const TRANSPARENT_STATEMENTS = new Set(['with_statement', 'block', 'decorated_definition', 'expression_statement']);

interface ReturnOrigin {
  node: SyntaxNode | null;
  locality: Locality;
}

interface FlowCache {
  returns: Map<SyntaxNode, ReturnOrigin[] | 'pending'>;
}

const caches = new WeakMap<ModalModel, FlowCache>();

function cacheOf(model: ModalModel): FlowCache {
  let cache = caches.get(model);
  if (!cache) caches.set(model, (cache = { returns: new Map() }));
  return cache;
}

/** Both facts at once; `undefined` when they contradict (a path that cannot run). */
export function combineLocality(first: Locality, second: Locality): Locality | undefined {
  if (first === null) return second;
  if (second === null || first === second) return first;
  return undefined;
}

/**
 * The expressions a value may come from: both arms of `a if c else b`, every binding of a name
 * that can reach the use, and the `return` values of a function of the project that is called
 * (same module, or imported from a project module). `is_local()` tests on the way say on which
 * side each one is chosen. What cannot be followed further is itself an origin (resolve it to
 * `unknown`). Recursion and import cycles end: a function met again on its own path is unknown.
 */
export function possibleOrigins(model: ModalModel, node: SyntaxNode | null | undefined): PossibleOrigin[] {
  if (!node) return [];
  const out: PossibleOrigin[] = [];
  expand(model, node, null, undefined, 0, out, new Set());
  return out;
}

function expand(
  model: ModalModel,
  node: SyntaxNode,
  locality: Locality,
  site: SyntaxNode | undefined,
  depth: number,
  out: PossibleOrigin[],
  /** Functions whose returns are being followed on this path: met again, they are unknown. */
  active: Set<SyntaxNode>,
): void {
  const leaf = (): void => {
    out.push({ node, model, locality, site: site ?? node });
  };
  if (depth > MAX_DEPTH || out.length >= MAX_ORIGINS) return leaf();
  switch (node.type) {
    case 'parenthesized_expression':
      if (node.namedChildren.length !== 1) return leaf();
      return expand(model, node.namedChildren[0]!, locality, site, depth + 1, out, active);
    case 'conditional_expression': {
      const [whenTrue, condition, whenFalse] = node.namedChildren;
      if (!whenTrue || !whenFalse) return leaf();
      const facts = conditionFacts(condition ?? null, model.isLocalCall);
      const first = combineLocality(locality, facts.whenTrue);
      const second = combineLocality(locality, facts.whenFalse);
      if (first !== undefined) expand(model, whenTrue, first, site, depth + 1, out, active);
      if (second !== undefined) expand(model, whenFalse, second, site, depth + 1, out, active);
      return;
    }
    case 'identifier': {
      const reaching = reachingBindings(model, node);
      if (reaching.length === 0) return leaf();
      for (const { binding, locality: bindingLocality } of reaching) {
        const combined = combineLocality(locality, bindingLocality);
        if (combined === undefined) continue;
        if (binding.kind === 'assign' && binding.value) expand(model, binding.value, combined, site, depth + 1, out, active);
        else out.push({ node, model, locality: combined, site: site ?? node });
      }
      return;
    }
    case 'call': {
      const target = calledFunction(model, node, depth);
      if (!target || active.has(target.definition)) return leaf();
      active.add(target.definition);
      const callSite = site ?? (target.model === model ? undefined : node);
      for (const result of functionReturns(target.model, target.definition, depth)) {
        const combined = combineLocality(locality, result.locality);
        if (combined === undefined) continue;
        if (result.node) expand(target.model, result.node, combined, callSite, depth + 1, out, active);
        else out.push({ node: null, model: target.model, locality: combined, site: callSite ?? node });
      }
      active.delete(target.definition);
      return;
    }
    default:
      return leaf();
  }
}

/** The value of an origin: literals, lists and constants of its own module; `None` for a function's implicit return. */
export function originValue(origin: PossibleOrigin): Value {
  return origin.node ? origin.model.resolve(origin.node) : { kind: 'none' };
}

// ---- names bound more than once ---------------------------------------------------------------

export interface ReachingBinding {
  binding: Binding;
  /** The side of `modal.is_local()` on which this binding is the one seen. */
  locality: Locality;
}

/**
 * The bindings of a name that can be the one a use sees. A binding on the straight path to the use
 * hides the earlier ones; one under `if modal.is_local():` hides them on that side only; one under
 * any other test (or in a loop or `try`) may or may not run, so the earlier ones stay. A use in a
 * nested function sees the bindings as they are when the module has run.
 */
export function reachingBindings(model: ModalModel, identifier: SyntaxNode): ReachingBinding[] {
  const bindings = model.bindingsFor(identifier);
  if (bindings.length === 0) return [];
  const useScope = enclosingScope(identifier);
  let reaching: Array<{ binding: Binding; sides: Set<'local' | 'container'> }> = [];
  for (const binding of bindings) {
    const statement = binding.statement;
    const bindingScope = statement.type === 'function_definition' && binding.kind === 'other' ? statement : enclosingScope(statement);
    const sameScope = bindingScope === useScope;
    if (sameScope) {
      if (binding.kind === 'other' && statement.type === 'function_definition') {
        // A parameter: seen everywhere in its function until rebound.
        reaching = [{ binding, sides: new Set(['local', 'container']) }];
        continue;
      }
      if (statement.startIndex >= identifier.startIndex || statement.contains(identifier)) continue;
      if (inExclusiveBranches(statement, identifier)) continue;
    }
    const condition = pathCondition(model, statement, sameScope ? identifier : null, bindingScope);
    const sides = new Set<'local' | 'container'>(condition.locality ? [condition.locality] : ['local', 'container']);
    if (condition.always) {
      // On its sides, this binding replaces every earlier one.
      reaching = reaching
        .map((entry) => ({ binding: entry.binding, sides: new Set([...entry.sides].filter((side) => !sides.has(side))) }))
        .filter((entry) => entry.sides.size > 0);
    }
    reaching.push({ binding, sides });
  }
  return reaching.map(({ binding, sides }) => ({ binding, locality: sides.size === 2 ? null : [...sides][0]! }));
}

/**
 * How a binding statement runs relative to a use (or to the end of its scope when `use` is null):
 * always (on the straight path), always on one side of `modal.is_local()`, or maybe.
 */
function pathCondition(model: ModalModel, statement: SyntaxNode, use: SyntaxNode | null, scope: SyntaxNode): { always: boolean; locality: Locality } {
  let locality: Locality = null;
  let child = statement;
  for (const ancestor of statement.ancestors()) {
    if (ancestor === scope || (use && ancestor.contains(use))) break;
    if (ancestor.type === 'if_statement' && child.fieldName !== 'condition') {
      const side = branchLocality(model, ancestor, child);
      const combined: Locality | undefined = side ? combineLocality(locality, side) : undefined;
      if (!combined) return { always: false, locality: null };
      locality = combined;
    } else if (!TRANSPARENT_STATEMENTS.has(ancestor.type) && !(ancestor.type === 'elif_clause' || ancestor.type === 'else_clause')) {
      return { always: false, locality: null };
    }
    child = ancestor;
  }
  return { always: true, locality };
}

/** The `is_local()` side a branch of an `if` runs on, when its tests say so. */
function branchLocality(model: ModalModel, statement: SyntaxNode, branch: SyntaxNode): Locality {
  const facts = conditionFacts(statement.field('condition'), model.isLocalCall);
  if (branch.fieldName === 'consequence') return facts.whenTrue;
  // `else` after a plain `is_local()` test; an `elif` also depends on its own test.
  const alternatives = statement.fields('alternative');
  if (alternatives.length === 1 && branch === alternatives[0] && branch.type === 'else_clause') return facts.whenFalse;
  return null;
}

// ---- functions of the project -----------------------------------------------------------------

/** The `def` a call runs, when it is a plain function of this module or of a project module. */
export function calledFunction(model: ModalModel, call: SyntaxNode, depth = 0): { model: ModalModel; definition: SyntaxNode } | null {
  const callee = call.field('function');
  if (!callee) return null;
  if (callee.type === 'identifier') {
    const bindings = model.bindingsFor(callee);
    if (bindings.length !== 1) return null;
    return functionOfBinding(model, bindings[0]!, callee.text, depth);
  }
  if (callee.type === 'attribute') {
    // `helpers.make_secrets()` after `import helpers` / `import pkg.helpers as helpers` / `from . import helpers`.
    const object = callee.field('object');
    if (object?.type !== 'identifier') return null;
    const bindings = model.bindingsFor(object);
    const imported = model.importOf(object.text);
    if (bindings.length !== 1 || bindings[0]!.kind !== 'import' || !imported || imported.importedName === '*') return null;
    const attribute = callee.field('attribute')!.text;
    if (imported.importedName === undefined) {
      const aliased = imported.localName !== imported.module.split('.')[0];
      if (!aliased && imported.module.includes('.')) return null;
      return moduleFunction(model, imported, attribute, depth);
    }
    const module = imported.module === '' ? imported.importedName : `${imported.module}.${imported.importedName}`;
    return moduleFunction(model, { module, level: imported.level }, attribute, depth);
  }
  return null;
}

function functionOfBinding(model: ModalModel, binding: Binding, name: string, depth: number): { model: ModalModel; definition: SyntaxNode } | null {
  if (binding.kind === 'def') {
    const definition = binding.statement.type === 'decorated_definition' ? binding.statement.field('definition')! : binding.statement;
    const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : null;
    const transparent = !decorated || decorated.children.filter((child) => child.type === 'decorator').every((decorator) => {
      const expression = decorator.namedChildren[0];
      const callee = expression?.type === 'call' ? expression.field('function') : expression;
      const last = callee?.type === 'attribute' ? callee.field('attribute')!.text : callee?.text;
      return last !== undefined && TRANSPARENT_DECORATORS.has(last);
    });
    return transparent ? { model, definition } : null;
  }
  if (binding.kind === 'import' && depth < MAX_DEPTH) {
    const imported = model.importOf(name);
    if (!imported || imported.importedName === undefined || imported.importedName === '*') return null;
    return moduleFunction(model, { module: imported.module, level: imported.level }, imported.importedName, depth + 1);
  }
  return null;
}

/** A module-level function `name` of the project module an import names (re-exports are followed). */
function moduleFunction(model: ModalModel, module: { module: string; level: number }, name: string, depth: number): { model: ModalModel; definition: SyntaxNode } | null {
  if (depth >= MAX_DEPTH) return null;
  const other = model.projectModelOf(module);
  if (!other) return null;
  const bindings = other.moduleBindingsOf(name);
  if (bindings.length !== 1) return null;
  return functionOfBinding(other, bindings[0]!, name, depth + 1);
}

/**
 * The `return` values of a function, each with the `is_local()` side it is returned on: from the
 * tests around it (`if modal.is_local(): return [...]`) and from earlier early exits
 * (`if not modal.is_local(): return []` makes every later return a local one). A function that
 * may fall off its end also returns `None`. Memoised per model; a function met again while its own
 * returns are being read (recursion, cycles through imports) gives an unknown value.
 */
export function functionReturns(model: ModalModel, definition: SyntaxNode, depth = 0): ReturnOrigin[] {
  const cache = cacheOf(model).returns;
  const known = cache.get(definition);
  if (known === 'pending') return [{ node: definition, locality: null }];
  if (known) return known;
  cache.set(definition, 'pending');
  const body = definition.field('body');
  const results: ReturnOrigin[] = [];
  if (body && depth <= MAX_DEPTH && !isGenerator(body)) {
    for (const statement of blockStatements(body)) {
      if (statement.type !== 'return_statement') continue;
      const locality = returnLocality(model, statement, body);
      if (locality === undefined) continue;
      results.push({ node: statement.namedChildren[0] ?? null, locality });
    }
    if (!alwaysExits(body)) results.push({ node: null, locality: null });
  } else {
    results.push({ node: definition, locality: null });
  }
  cache.set(definition, results);
  return results;
}

function isGenerator(body: SyntaxNode): boolean {
  for (const statement of blockStatements(body)) {
    if (statement.type === 'function_definition' || statement.type === 'class_definition') continue;
    if (statement.descendants().some((node) => node.type === 'yield')) return true;
  }
  return false;
}

/** The side a `return` runs on: tests around it within the function, and early exits before it. */
function returnLocality(model: ModalModel, statement: SyntaxNode, body: SyntaxNode): Locality | undefined {
  let locality: Locality = null;
  let child = statement;
  for (const ancestor of statement.ancestors()) {
    if (ancestor.type === 'block' || ancestor === body) {
      for (const sibling of ancestor.namedChildren) {
        if (sibling === child) break;
        if (sibling.type !== 'if_statement' || sibling.fields('alternative').length > 0) continue;
        const consequence = sibling.field('consequence');
        if (!consequence || !alwaysExits(consequence)) continue;
        const after = conditionFacts(sibling.field('condition'), model.isLocalCall).whenFalse;
        const combined = combineLocality(locality, after);
        if (combined === undefined) return undefined;
        locality = combined;
      }
    }
    if (ancestor === body) break;
    if (ancestor.type === 'if_statement' && child.fieldName !== 'condition') {
      const side = branchLocality(model, ancestor, child);
      const combined = combineLocality(locality, side);
      if (combined === undefined) return undefined;
      locality = combined;
    }
    child = ancestor;
  }
  return locality;
}

/** True when a block never runs past its end: it ends in `return` or `raise`, or in an `if` / `else` whose branches all do. */
export function alwaysExits(block: SyntaxNode): boolean {
  const last = block.namedChildren.at(-1);
  if (!last) return false;
  if (last.type === 'return_statement' || last.type === 'raise_statement') return true;
  if (last.type === 'if_statement') {
    const alternatives = last.fields('alternative');
    if (alternatives.at(-1)?.type !== 'else_clause') return false;
    const branches = [last.field('consequence'), ...alternatives.map((clause) => clause.field('consequence') ?? clause.field('body'))];
    return branches.every((branch) => branch !== null && alwaysExits(branch));
  }
  if (last.type === 'try_statement') {
    // `try: return a` / `except E: return b`: every way out returns or raises.
    const body = last.field('body');
    const handlers = last.namedChildren.filter((clause) => clause.type === 'except_clause' || clause.type === 'except_group_clause');
    const handlerBlocks = handlers.map((clause) => clause.namedChildren.find((child) => child.type === 'block') ?? null);
    return body !== null && alwaysExits(body) && handlerBlocks.every((block) => block !== null && alwaysExits(block));
  }
  if (last.type === 'with_statement') {
    const body = last.field('body');
    return body !== null && alwaysExits(body);
  }
  return false;
}

/** One length a list may have, and the `is_local()` side it has it on. */
export interface PossibleLength {
  length: number;
  locality: Locality;
  /** The expressions it was read from, in their own modules. */
  nodes: SyntaxNode[];
}

/**
 * The lengths a list expression may have, each with its `is_local()` side: through every origin of
 * the value, `[a, *rest]`, `a + b` and tuples. Null when some origin is not a list the model can count.
 */
export function possibleLengths(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): PossibleLength[] | null {
  if (!node || depth > 8) return null;
  const results: PossibleLength[] = [];
  for (const origin of possibleOrigins(model, node)) {
    const lengths = originLengths(origin, depth);
    if (!lengths) return null;
    for (const entry of lengths) {
      const locality = combineLocality(origin.locality, entry.locality);
      if (locality !== undefined) results.push({ length: entry.length, locality, nodes: entry.nodes });
    }
    if (results.length > MAX_ORIGINS) return null;
  }
  return results;
}

const LIST_MUTATORS = new Set(['append', 'extend', 'insert', 'remove', 'pop', 'clear']);

/** True when a list literal bound to a name may change size later: `name.append(...)`, `name[i:j] = ...`, `del name[i]`. */
function mayBeResized(model: ModalModel, listNode: SyntaxNode): boolean {
  let bound = listNode;
  while (bound.parent?.type === 'parenthesized_expression') bound = bound.parent;
  const assignment = bound.parent;
  if (assignment?.type !== 'assignment' || assignment.field('right') !== bound) return false;
  const target = assignment.field('left');
  if (target?.type !== 'identifier') return false;
  const name = target.text;
  const scope = enclosingScope(listNode);
  const resizes = (node: SyntaxNode): boolean => {
    if (node.type === 'attribute' && node.field('object')?.text === name && LIST_MUTATORS.has(node.field('attribute')!.text)) return true;
    if (node.type === 'subscript' && node.field('value')?.text === name) {
      const parent = node.parent;
      return (parent?.type === 'assignment' && parent.field('left') === node) || parent?.type === 'delete_statement' || parent?.type === 'expression_list';
    }
    return false;
  };
  // The model's index of nodes by type, when the list is in its tree: a module with many lists is not walked once per list.
  if (!model.root.contains(listNode)) return scope.descendants().some(resizes);
  return [model.nodesOfType('attribute'), model.nodesOfType('subscript')].some((nodes) => nodes.some((node) => resizes(node) && scope.contains(node) && node !== scope));
}

/**
 * The lengths of a list literal grown only by `name.append(x)` statements after it, each under
 * `for` loops over constant lists or tuples and `if modal.is_local():` branches (`SECRETS = []`,
 * `for key in ("a", "b"): SECRETS.append(...)`): each side of `is_local()` counts its own appends.
 * Null for any other resize, loop or condition.
 */
function appendedLengths(model: ModalModel, listNode: SyntaxNode): PossibleLength[] | null {
  if (listNode.type !== 'list' || listNode.namedChildren.some((item) => item.type === 'list_splat' || item.type === 'parenthesized_list_splat')) return null;
  const assignment = listNode.parent;
  const name = assignment?.type === 'assignment' ? assignment.field('left')?.text : undefined;
  if (!assignment || !name || !model.root.contains(listNode)) return null;
  const scope = enclosingScope(listNode);
  const sliced = model.nodesOfType('subscript').some((node) => {
    const parent = node.parent;
    return node.field('value')?.text === name && scope.contains(node) && ((parent?.type === 'assignment' && parent.field('left') === node) || parent?.type === 'delete_statement' || parent?.type === 'expression_list');
  });
  if (sliced) return null;
  let local = listNode.namedChildren.length;
  let container = local;
  for (const node of model.nodesOfType('attribute')) {
    if (node.field('object')?.text !== name || !scope.contains(node) || node === scope) continue;
    if (node.field('attribute')!.text !== 'append') {
      if (LIST_MUTATORS.has(node.field('attribute')!.text)) return null;
      continue;
    }
    const call = node.parent;
    const statement = call?.parent;
    if (call?.type !== 'call' || statement?.type !== 'expression_statement' || statement.startIndex < assignment.endIndex) return null;
    let times = 1;
    let locality: Locality = null;
    for (let ancestor = statement.parent; ancestor && ancestor !== scope; ancestor = ancestor.parent) {
      if (ancestor.type === 'block' || ancestor.type === 'else_clause' || ancestor.type === 'module') continue;
      if (ancestor.type === 'for_statement') {
        const items = model.resolve(ancestor.field('right'));
        if (items.kind !== 'list') return null;
        times *= items.items.length;
        continue;
      }
      if (ancestor.type === 'if_statement') {
        const facts = conditionFacts(ancestor.field('condition'), model.isLocalCall);
        const inElse = ancestor.fields('alternative').some((clause) => clause.contains(statement));
        const side = inElse ? (ancestor.fields('alternative').length === 1 && ancestor.fields('alternative')[0]!.type === 'else_clause' ? facts.whenFalse : null) : facts.whenTrue;
        if (!side || (locality !== null && locality !== side)) return null;
        locality = side;
        continue;
      }
      return null;
    }
    if (locality !== 'container') local += times;
    if (locality !== 'local') container += times;
  }
  if (local === container) return [{ length: local, locality: null, nodes: [listNode] }];
  return [{ length: local, locality: 'local', nodes: [listNode] }, { length: container, locality: 'container', nodes: [listNode] }];
}

function originLengths(origin: PossibleOrigin, depth: number): PossibleLength[] | null {
  const expr = origin.node;
  if (!expr) return null;
  if ((expr.type === 'list' || expr.type === 'tuple') && mayBeResized(origin.model, expr)) return appendedLengths(origin.model, expr);
  if (expr.type === 'list' || expr.type === 'tuple') {
    let combined: PossibleLength[] = [{ length: 0, locality: null, nodes: [expr] }];
    for (const item of expr.namedChildren) {
      if (item.type === 'parenthesized_list_splat') return null;
      const part = item.type === 'list_splat' ? possibleLengths(origin.model, item.namedChildren[0], depth + 1) : [{ length: 1, locality: null, nodes: [] }];
      if (!part) return null;
      combined = product(combined, part);
      if (combined.length > MAX_ORIGINS) return null;
    }
    return combined;
  }
  if (expr.type === 'binary_operator' && expr.children.some((child) => !child.isNamed && child.text === '+')) {
    const left = possibleLengths(origin.model, expr.field('left'), depth + 1);
    const right = possibleLengths(origin.model, expr.field('right'), depth + 1);
    return left && right ? product(left, right) : null;
  }
  return null;
}

function product(first: PossibleLength[], second: PossibleLength[]): PossibleLength[] {
  const out: PossibleLength[] = [];
  for (const a of first) {
    for (const b of second) {
      const locality = combineLocality(a.locality, b.locality);
      if (locality !== undefined) out.push({ length: a.length + b.length, locality, nodes: [...a.nodes, ...b.nodes] });
    }
  }
  return out;
}
