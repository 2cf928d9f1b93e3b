import type { SyntaxNode } from '../parser/syntax.js';
import { containsYield } from './function-handles.js';
import { callArguments, unwrapParens, type ModalModel, type Registration } from './model.js';

/**
 * Python signatures of registered functions and Modal classes as plain data: what other files
 * need to check calls into them, kept after a file's tree is released and serialisable with it.
 */

export type ParameterKind = 'positional-only' | 'positional' | 'var-positional' | 'keyword-only' | 'var-keyword';

export interface SignatureParameter {
  name: string;
  kind: ParameterKind;
  /** The default's source text (shortened), or null when the parameter has none. */
  default: string | null;
}

export interface Signature {
  parameters: SignatureParameter[];
}

/** A `modal.parameter()` field of a Modal class. */
export interface ClassParameterFact {
  name: string;
  hasDefault: boolean;
}

/** What a registered function or class accepts, as other files see it. */
export interface CallableFact {
  kind: 'function' | 'cls';
  /** The Python name. */
  name: string;
  /** A function's signature; null when a decorator or a form the linter does not read may change it. */
  signature: Signature | null;
  /** A function whose body yields (called with `.remote_gen`). */
  generator?: boolean;
  /** A class's `modal.parameter()` fields; null when its constructor is not read (a custom `__init__`, bases, splats). */
  parameters?: ClassParameterFact[] | null;
  /** A class's `@modal.method` / `@modal.batched` methods, by name: their signature without `self` (null when not read). */
  methods?: Record<string, Signature | null>;
}

const MAX_DEFAULT_TEXT = 24;

/** The signature of a `def`, or null when some parameter is of a form Python 3 does not bind by name (a tuple pattern). */
export function signatureOf(definition: SyntaxNode, dropFirst = false): Signature | null {
  const list = definition.field('parameters');
  if (!list) return null;
  const parameters: SignatureParameter[] = [];
  let kind: ParameterKind = 'positional';
  for (const node of list.namedChildren) {
    if (node.type === 'comment') continue;
    if (node.type === 'positional_separator') {
      for (const parameter of parameters) if (parameter.kind === 'positional') parameter.kind = 'positional-only';
      continue;
    }
    if (node.type === 'keyword_separator') {
      kind = 'keyword-only';
      continue;
    }
    const inner = node.type === 'typed_parameter' ? node.namedChildren.find((child) => child.fieldName !== 'type') ?? null : node;
    if (!inner) return null;
    if (inner.type === 'list_splat_pattern' || inner.type === 'dictionary_splat_pattern') {
      const name = inner.namedChildren[0]?.text;
      if (!name) return null;
      const splatKind: ParameterKind = inner.type === 'list_splat_pattern' ? 'var-positional' : 'var-keyword';
      parameters.push({ name, kind: splatKind, default: null });
      if (splatKind === 'var-positional') kind = 'keyword-only';
      continue;
    }
    if (inner.type === 'identifier') {
      parameters.push({ name: inner.text, kind, default: null });
      continue;
    }
    if (inner.type === 'default_parameter' || inner.type === 'typed_default_parameter') {
      const name = inner.field('name');
      const value = inner.field('value');
      if (name?.type !== 'identifier' || !value) return null;
      const text = value.text.replace(/\s+/g, ' ');
      parameters.push({ name: name.text, kind, default: text.length > MAX_DEFAULT_TEXT ? '...' : text });
      continue;
    }
    return null;
  }
  if (dropFirst) {
    const first = parameters[0];
    if (!first || (first.kind !== 'positional' && first.kind !== 'positional-only')) return null;
    parameters.shift();
  }
  return { parameters };
}

/** `path, size, quality=85, *, retries=3`, as Python would print the parameters. */
export function signatureText(signature: Signature): string {
  const parts: string[] = [];
  const { parameters } = signature;
  parameters.forEach((parameter, index) => {
    const previous = parameters[index - 1];
    if (parameter.kind === 'keyword-only' && previous?.kind !== 'keyword-only' && previous?.kind !== 'var-positional') parts.push('*');
    if (previous?.kind === 'positional-only' && parameter.kind !== 'positional-only') parts.push('/');
    const name = parameter.kind === 'var-positional' ? `*${parameter.name}` : parameter.kind === 'var-keyword' ? `**${parameter.name}` : parameter.name;
    parts.push(parameter.default === null ? name : `${name}=${parameter.default}`);
  });
  if (parameters.at(-1)?.kind === 'positional-only') parts.push('/');
  return parts.join(', ');
}

/** The arguments of one call, as far as they are known. */
export interface CallShape {
  /** Positional arguments, or null when their number is unknown (a `*splat`, an iterable of unknown length). */
  positional: number | null;
  /** Keyword names written at the call. */
  keywords: string[];
  /** A `**splat` (or keywords that cannot be read) may pass further keywords. */
  moreKeywords: boolean;
}

/** The first mistake Python's binding of `call` to `signature` raises TypeError for, or null when it binds (or cannot be told). */
export function bindingMistake(signature: Signature, call: CallShape): string | null {
  const { parameters } = signature;
  const positionalParameters = parameters.filter((p) => p.kind === 'positional-only' || p.kind === 'positional');
  const takesVarPositional = parameters.some((p) => p.kind === 'var-positional');
  const takesVarKeyword = parameters.some((p) => p.kind === 'var-keyword');
  const bound = new Set<string>();
  if (call.positional !== null) {
    if (call.positional > positionalParameters.length && !takesVarPositional) {
      const most = positionalParameters.length;
      return `it takes ${most === 0 ? 'no' : `at most ${most}`} positional argument${most === 1 ? '' : 's'}, ${call.positional} given`;
    }
    for (const parameter of positionalParameters.slice(0, call.positional)) bound.add(parameter.name);
  }
  const seen = new Set<string>();
  for (const keyword of call.keywords) {
    if (seen.has(keyword)) return `\`${keyword}\` is given twice`;
    seen.add(keyword);
    const parameter = parameters.find((p) => p.name === keyword && p.kind !== 'var-positional' && p.kind !== 'var-keyword');
    if (!parameter || parameter.kind === 'positional-only') {
      if (takesVarKeyword) continue;
      if (parameter) return `\`${keyword}\` is positional-only and cannot be passed by keyword`;
      return `it has no parameter \`${keyword}\``;
    }
    if (bound.has(keyword)) return `\`${keyword}\` is given both by position and by keyword`;
    bound.add(keyword);
  }
  if (call.positional === null || call.moreKeywords) return null;
  const missing = parameters.filter((p) => p.default === null && (p.kind === 'positional-only' || p.kind === 'positional' || p.kind === 'keyword-only') && !bound.has(p.name));
  if (missing.length === 0) return null;
  const names = missing.map((p) => `\`${p.name}\``);
  return `${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`} ${names.length === 1 ? 'is' : 'are'} missing`;
}

/** The arguments of a call as Python would see them. */
export function callShapeOf(call: SyntaxNode): CallShape {
  // `f(x for x in xs)`: the generator expression is the one argument.
  if (call.field('arguments')?.type === 'generator_expression') return { positional: 1, keywords: [], moreKeywords: false };
  const list = call.field('arguments')?.namedChildren ?? [];
  let positional: number | null = 0;
  const keywords: string[] = [];
  let moreKeywords = false;
  for (const arg of list) {
    if (arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') keywords.push(arg.field('name')?.text ?? '');
    else if (arg.type === 'dictionary_splat') moreKeywords = true;
    else if (arg.type === 'list_splat') positional = null;
    else if (positional !== null) positional++;
  }
  return { positional, keywords, moreKeywords };
}

/** The argument tuples of a literal `.starmap` input: items of a list/tuple literal, or the element of a comprehension. */
export function literalTuples(node: SyntaxNode): SyntaxNode[] {
  const isTuple = (item: SyntaxNode): boolean => item.type === 'tuple' || item.type === 'list';
  if (node.type === 'list' || node.type === 'tuple' || node.type === 'set') {
    const items = node.namedChildren.filter((item) => item.type !== 'comment');
    // A list of values that are not all tuple literals may hold sequences of any length.
    return items.every((item) => isTuple(unwrapParens(item))) ? items.map((item) => unwrapParens(item)) : [];
  }
  if (node.type === 'list_comprehension' || node.type === 'generator_expression' || node.type === 'set_comprehension') {
    const body = node.field('body');
    return body && isTuple(unwrapParens(body)) ? [unwrapParens(body)] : [];
  }
  return [];
}

// ---- facts of one module ------------------------------------------------------------------------

/** `@modal.*` decorators that leave a function's or method's signature as written. */
const SIGNATURE_KEEPING_DECORATORS = new Set(['method', 'concurrent', 'experimental.clustered']);

function decoratorsOf(definition: SyntaxNode): SyntaxNode[] {
  const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : null;
  return decorated ? decorated.children.filter((child) => child.type === 'decorator') : [];
}

/**
 * True when every decorator of a definition other than `skip` (its registration) is a Modal
 * decorator that keeps the signature: any other one (`functools.wraps`, a retry helper,
 * `@modal.batched`, a web decorator) may change what the call binds to.
 */
function signatureKept(model: ModalModel, definition: SyntaxNode, skip: SyntaxNode | null): boolean {
  const modal = model.modalDecoratorsOf(definition);
  return decoratorsOf(definition).every((decorator) => {
    if (decorator === skip) return true;
    const known = modal.find((entry) => entry.decorator === decorator);
    return known !== undefined && SIGNATURE_KEEPING_DECORATORS.has(known.name);
  });
}

/** `x: T = modal.parameter(...)` fields of a class body; null when the constructor is not read (a custom `__init__`, bases, splats). */
function classParameters(model: ModalModel, definition: SyntaxNode): ClassParameterFact[] | null {
  // Bases may declare parameters of their own, and `__init__` replaces the synthetic constructor.
  const bases = definition.field('superclasses');
  if (bases && bases.namedChildren.some((base) => base.text !== 'object')) return null;
  const body = definition.field('body');
  if (!body) return null;
  const fields: ClassParameterFact[] = [];
  for (const statement of body.namedChildren) {
    const inner = statement.type === 'decorated_definition' ? statement.field('definition') : statement;
    if (inner?.type === 'function_definition' && inner.field('name')?.text === '__init__') return null;
    const assignment = statement.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    if (assignment?.type !== 'assignment') continue;
    const assigned = assignment.field('right');
    const right = assigned ? unwrapParens(assigned) : null;
    if (right?.type !== 'call' || model.qualifiedName(right.field('function')) !== 'modal.parameter') continue;
    if (assignment.field('left')?.type !== 'identifier') return null;
    const args = callArguments(right);
    if (args.hasSplat) return null;
    const init = args.keywords.get('init');
    if (init) {
      // `init=False` fields are not parameters (cls.py); a value the linter cannot read leaves the list unknown.
      if (init.text === 'False') continue;
      if (init.text !== 'True') return null;
    }
    fields.push({ name: assignment.field('left')!.text, hasDefault: args.keywords.has('default') });
  }
  return fields;
}

/** The callable facts of one registration's target, or null when it is not a plain function or class. */
export function callableFactOf(model: ModalModel, registration: Registration): CallableFact | null {
  const target = registration.target;
  if (!target || registration.args.hasSplat) return null;
  const name = target.field('name')?.text;
  if (!name) return null;
  if (registration.kind === 'function' && target.type === 'function_definition') {
    const kept = signatureKept(model, target, registration.decorator);
    // `is_generator=` overrides what the body says; a value that is not a literal leaves it unknown.
    const flag = registration.args.keywords.get('is_generator');
    const generator = flag ? (flag.text === 'True' ? true : flag.text === 'False' ? false : undefined) : containsYield(target.field('body'));
    const fact: CallableFact = { kind: 'function', name, signature: kept ? signatureOf(target) : null };
    if (generator !== undefined) fact.generator = generator;
    return fact;
  }
  if (registration.kind === 'cls' && target.type === 'class_definition') {
    const modalClass = model.classes.find((candidate) => candidate.definition === target);
    const methods: Record<string, Signature | null> = {};
    for (const method of modalClass?.methods ?? []) {
      if (!method.decorators.some((decorator) => decorator.name === 'method' || decorator.name === 'batched')) continue;
      methods[method.name] = signatureKept(model, method.definition, null) ? signatureOf(method.definition, true) : null;
    }
    return { kind: 'cls', name, signature: null, parameters: classParameters(model, target), methods };
  }
  return null;
}

/** The facts of a registration written as the outermost decorator of a module-level definition, else null. */
export function moduleLevelCallableFact(model: ModalModel, registration: Registration): CallableFact | null {
  if (registration.kind !== 'function' && registration.kind !== 'cls') return null;
  const decorated = registration.decorator?.parent;
  if (!decorated || decorated.children.find((child) => child.type === 'decorator') !== registration.decorator) return null;
  if (decorated.parent?.type !== 'module') return null;
  return callableFactOf(model, registration);
}

/**
 * Registered functions and classes of a module, by Python name, for registrations written as the
 * outermost decorator of a module-level definition; a name registered twice is left out.
 */
export function callableFactsOf(model: ModalModel): Map<string, CallableFact> {
  const facts = new Map<string, CallableFact>();
  const twice = new Set<string>();
  for (const registration of model.registrations) {
    const fact = moduleLevelCallableFact(model, registration);
    if (!fact) continue;
    if (facts.has(fact.name)) twice.add(fact.name);
    facts.set(fact.name, fact);
  }
  for (const name of twice) facts.delete(name);
  return facts;
}
