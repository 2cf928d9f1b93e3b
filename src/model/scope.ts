import type { SyntaxNode } from '../parser/syntax.js';
import { importBindings } from './imports.js';

/** How a name got its value at one place in the code. */
export interface Binding {
  name: string;
  kind: 'assign' | 'import' | 'def' | 'class' | 'other';
  /** The statement that binds the name. */
  statement: SyntaxNode;
  /** For a plain `name = value` (or `name: T = value`): the value expression. */
  value?: SyntaxNode;
}

const COMPOUND_BODIES = new Set([
  'if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause', 'except_group_clause',
  'finally_clause', 'with_statement', 'for_statement', 'while_statement', 'block', 'match_statement',
  'case_clause', 'decorated_definition',
]);

export function isFunctionNode(node: SyntaxNode): boolean {
  return node.type === 'function_definition' || node.type === 'lambda';
}

/** Statements run when the scope runs: descends into if/try/with/for, never into def or class bodies. */
export function* scopeStatements(scope: SyntaxNode): Generator<SyntaxNode> {
  const body = scope.type === 'module' ? scope : scope.field('body');
  if (body) yield* blockStatements(body);
}

/** Statements of a block and of the compound statements in it, not of nested defs or classes. */
export function* blockStatements(body: SyntaxNode): Generator<SyntaxNode> {
  const stack: SyntaxNode[] = [...body.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'function_definition' || node.type === 'class_definition') {
      yield node;
      continue;
    }
    if (COMPOUND_BODIES.has(node.type) || node.type.endsWith('_clause')) {
      if (node.type !== 'block' && node.type !== 'decorated_definition') yield node;
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
      continue;
    }
    if (node.isNamed && node.type !== 'comment') yield node;
  }
}

function targetNames(target: SyntaxNode, out: string[]): void {
  if (target.type === 'identifier') out.push(target.text);
  else if (['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'parenthesized_expression', 'tuple', 'list'].includes(target.type)) {
    for (const child of target.namedChildren) targetNames(child, out);
  }
}

/** Bindings made directly by one statement of a scope (not by nested scopes). */
export function statementBindings(statement: SyntaxNode): Binding[] {
  const node = statement.type === 'expression_statement' ? statement.namedChildren[0] : statement;
  if (!node) return [];
  switch (node.type) {
    case 'assignment': {
      const bindings: Binding[] = [];
      // `a = b = value` nests assignments on the right.
      let current: SyntaxNode | null = node;
      const targets: SyntaxNode[] = [];
      while (current && current.type === 'assignment') {
        targets.push(current.field('left')!);
        const right: SyntaxNode | null = current.field('right');
        if (!right || right.type !== 'assignment') {
          for (const target of targets) {
            if (target.type === 'identifier') bindings.push({ name: target.text, kind: 'assign', statement, value: right ?? undefined });
            else {
              const names: string[] = [];
              targetNames(target, names);
              for (const name of names) bindings.push({ name, kind: 'other', statement });
            }
          }
          break;
        }
        current = right;
      }
      return bindings;
    }
    case 'augmented_assignment': {
      const names: string[] = [];
      targetNames(node.field('left')!, names);
      return names.map((name) => ({ name, kind: 'other' as const, statement }));
    }
    case 'import_statement':
    case 'import_from_statement':
      return importBindings(node).map((binding) => ({ name: binding.localName, kind: 'import' as const, statement }));
    case 'function_definition':
      return [{ name: node.field('name')!.text, kind: 'def', statement }];
    case 'class_definition':
      return [{ name: node.field('name')!.text, kind: 'class', statement }];
    case 'for_statement': {
      const names: string[] = [];
      targetNames(node.field('left')!, names);
      return names.map((name) => ({ name, kind: 'other' as const, statement }));
    }
    case 'with_statement': {
      const names: string[] = [];
      for (const item of node.descendants()) {
        if (item.type === 'as_pattern_target') targetNames(item.namedChildren[0] ?? item, names);
      }
      return names.map((name) => ({ name, kind: 'other' as const, statement }));
    }
    default:
      return [];
  }
}

/** Every binding made in a scope, by name, in source order. */
export function scopeBindings(scope: SyntaxNode): Map<string, Binding[]> {
  const table = new Map<string, Binding[]>();
  if (scope.type === 'function_definition') {
    for (const name of parameterNames(scope)) table.set(name, [{ name, kind: 'other', statement: scope }]);
  }
  for (const statement of scopeStatements(scope)) {
    for (const binding of statementBindings(statement)) {
      const list = table.get(binding.name);
      if (list) list.push(binding);
      else table.set(binding.name, [binding]);
    }
  }
  return table;
}

export function parameterNames(fn: SyntaxNode): string[] {
  const parameters = fn.field('parameters');
  if (!parameters) return [];
  const names: string[] = [];
  for (const parameter of parameters.namedChildren) {
    if (parameter.type === 'identifier') names.push(parameter.text);
    else {
      const name = parameter.field('name') ?? parameter.namedChildren.find((child) => child.type === 'identifier');
      if (name) names.push(name.text);
    }
  }
  return names;
}

/** The innermost function or class whose body holds `node`, or the module. */
export function enclosingScope(node: SyntaxNode): SyntaxNode {
  let child = node;
  for (const ancestor of node.ancestors()) {
    if ((ancestor.type === 'function_definition' || ancestor.type === 'class_definition') && child.fieldName === 'body') return ancestor;
    if (ancestor.type === 'lambda' && child.fieldName === 'body') return ancestor;
    if (ancestor.type === 'module') return ancestor;
    child = ancestor;
  }
  return node;
}
