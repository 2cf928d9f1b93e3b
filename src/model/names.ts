import type { SyntaxNode } from '../parser/syntax.js';
import { scopeBindings } from './scope.js';

/** How an identifier takes part in name binding: read, bound, or neither (attribute and keyword names, annotations). */
export type NameRole = 'read' | 'store' | 'none';

/** Containers that pass a target on to the statement that binds it (`a, (b, *c) = ...`). */
const TARGET_CONTAINERS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'parenthesized_expression', 'list_splat_pattern']);
/** Regions where identifiers are never plain reads of a variable. */
const NOT_READS = new Set(['dotted_name', 'type', 'type_parameter', 'import_statement', 'import_from_statement', 'future_import_statement']);
/** Regions whose identifiers bind names: `with ... as (a, b)`, `except E as e`, and `case` patterns (taken as binding, which errs towards "bound"). */
const STORES = new Set(['as_pattern_target', 'case_pattern']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

export function nameRole(identifier: SyntaxNode): NameRole {
  const parent = identifier.parent;
  if (!parent) return 'none';
  if (parent.type === 'attribute' && identifier.fieldName === 'attribute') return 'none';
  if (parent.type === 'keyword_argument' && identifier.fieldName === 'name') return 'none';
  if (parent.type === 'global_statement' || parent.type === 'nonlocal_statement') return 'none';
  if (identifier.fieldName === 'name' && ['function_definition', 'class_definition', 'default_parameter', 'typed_default_parameter', 'named_expression'].includes(parent.type)) return 'store';
  if (['parameters', 'lambda_parameters', 'typed_parameter', 'list_splat_pattern', 'dictionary_splat_pattern'].includes(parent.type)
    && identifier.fieldName === null && [...identifier.ancestors()].some((a) => a.type === 'parameters' || a.type === 'lambda_parameters')) return 'store';
  for (const ancestor of identifier.ancestors()) {
    if (NOT_READS.has(ancestor.type)) return 'none';
    if (STORES.has(ancestor.type)) return 'store';
    if (ancestor.type.endsWith('statement') || ancestor.type === 'block' || ancestor.type === 'module') break;
  }
  let target = identifier;
  while (target.parent && TARGET_CONTAINERS.has(target.parent.type) && target.fieldName === null) target = target.parent;
  const holder = target.parent;
  if (target.fieldName === 'left' && (holder?.type === 'assignment' || holder?.type === 'for_statement' || holder?.type === 'for_in_clause')) return 'store';
  // `del x` and `x += 1` read the name (NameError when unbound) before unbinding or rebinding it.
  return 'read';
}

function targetIdentifiers(node: SyntaxNode | null): string[] {
  if (!node) return [];
  return [node, ...node.descendants()].filter((n) => n.type === 'identifier').map((n) => n.text);
}

/** Names a function or class body binds for itself: assignments, imports, defs, parameters, walrus, `as` targets. */
function ownScopeNames(scope: SyntaxNode): Set<string> {
  const names = new Set(scopeBindings(scope).keys());
  const body = scope.field('body');
  if (!body) return names;
  const stack = [...body.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'function_definition' || node.type === 'class_definition') continue;
    if (node.type === 'identifier' && nameRole(node) === 'store') names.add(node.text);
    if (node.type === 'delete_statement') for (const target of node.namedChildren) if (target.type === 'identifier') names.add(target.text);
    stack.push(...node.children);
  }
  return names;
}

function declaresGlobal(scope: SyntaxNode, name: string): boolean {
  const body = scope.field('body');
  if (!body) return false;
  for (const node of body.descendants()) {
    if (node.type === 'global_statement' && node.namedChildren.some((child) => child.text === name)) return true;
  }
  return false;
}

/**
 * True when a read of a name looks it up in the module's globals: no enclosing function, lambda,
 * comprehension or class body binds it first. Class bodies count even for their methods, which
 * errs towards "not global" (never a wrong finding).
 */
export function readsModuleGlobal(identifier: SyntaxNode): boolean {
  const name = identifier.text;
  let child = identifier;
  for (const ancestor of identifier.ancestors()) {
    if (COMPREHENSIONS.has(ancestor.type)) {
      const bound = ancestor.namedChildren.filter((c) => c.type === 'for_in_clause').flatMap((clause) => targetIdentifiers(clause.field('left')));
      if (bound.includes(name)) return false;
    } else if (ancestor.type === 'lambda' && child.fieldName === 'body') {
      if (targetIdentifiers(ancestor.field('parameters')).includes(name)) return false;
    } else if ((ancestor.type === 'function_definition' || ancestor.type === 'class_definition') && child.fieldName === 'body') {
      if (ancestor.type === 'function_definition' && declaresGlobal(ancestor, name)) return true;
      if (ownScopeNames(ancestor).has(name)) return false;
    }
    child = ancestor;
  }
  return true;
}

/** Names every Python module can read without binding them. */
export const PYTHON_BUILTINS = new Set([
  'abs', 'aiter', 'all', 'anext', 'any', 'ascii', 'bin', 'bool', 'breakpoint', 'bytearray', 'bytes', 'callable', 'chr',
  'classmethod', 'compile', 'complex', 'copyright', 'credits', 'delattr', 'dict', 'dir', 'divmod', 'enumerate', 'eval',
  'exec', 'exit', 'filter', 'float', 'format', 'frozenset', 'getattr', 'globals', 'hasattr', 'hash', 'help', 'hex', 'id',
  'input', 'int', 'isinstance', 'issubclass', 'iter', 'len', 'license', 'list', 'locals', 'map', 'max', 'memoryview',
  'min', 'next', 'object', 'oct', 'open', 'ord', 'pow', 'print', 'property', 'quit', 'range', 'repr', 'reversed', 'round',
  'set', 'setattr', 'slice', 'sorted', 'staticmethod', 'str', 'sum', 'super', 'tuple', 'type', 'vars', 'zip',
  'Ellipsis', 'NotImplemented', 'None', 'True', 'False',
]);

/** Builtin exception classes and other capitalised builtins (`ValueError`, `Exception`...) are recognised by shape. */
export function isBuiltinName(name: string): boolean {
  return PYTHON_BUILTINS.has(name) || /^__\w+__$/.test(name) || /^[A-Z]\w*(Error|Exception|Warning)$/.test(name) || name === 'BaseException' || name === 'KeyboardInterrupt' || name === 'SystemExit' || name === 'StopIteration' || name === 'GeneratorExit' || name === 'StopAsyncIteration';
}
