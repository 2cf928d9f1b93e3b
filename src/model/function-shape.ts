import type { SyntaxNode } from '../parser/syntax.js';
import type { ModalModel } from './model.js';

/** What Modal reads from a function's own definition: generators, required parameters, defaults. */

const NESTED_SCOPES = new Set(['function_definition', 'lambda', 'class_definition']);

/** The first `yield` in a function's own body, not in nested functions, lambdas or classes. */
export function ownYield(definition: SyntaxNode): SyntaxNode | null {
  const body = definition.field('body');
  // Most bodies never say `yield`: the text tells without a walk.
  if (!body || !body.source.includes('yield', body.startIndex) || !body.text.includes('yield')) return null;
  const stack = [...body.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'yield') return node;
    if (!NESTED_SCOPES.has(node.type)) stack.push(...node.children);
  }
  return null;
}

/** Parameters without a default value, other than `*args` / `**kwargs` (what `inspect.Parameter.empty` marks). */
export function requiredParameters(definition: SyntaxNode): SyntaxNode[] {
  const parameters = definition.field('parameters')?.namedChildren ?? [];
  return parameters.filter((parameter) => parameter.type === 'identifier'
    || (parameter.type === 'typed_parameter' && parameter.namedChildren[0]?.type === 'identifier'));
}

/** Parameters that have a default value. */
export function parametersWithDefaults(definition: SyntaxNode): SyntaxNode[] {
  const parameters = definition.field('parameters')?.namedChildren ?? [];
  return parameters.filter((parameter) => parameter.type === 'default_parameter' || parameter.type === 'typed_default_parameter');
}

/** The name a parameter node binds. */
export function parameterName(parameter: SyntaxNode): string {
  return parameter.type === 'identifier' ? parameter.text : (parameter.field('name') ?? parameter.namedChildren[0] ?? parameter).text;
}

/** `retries=` that Modal turns into a retry policy: an int (even 0) or a `modal.Retries(...)`; not `None`. */
export function setsRetryPolicy(model: ModalModel, value: SyntaxNode | undefined): boolean {
  if (!value) return false;
  const values = model.possibleValues(value);
  if (values.length > 0) return values.every((v) => v.kind === 'num');
  return model.qualifiedName(model.originCall(value)?.field('function') ?? null) === 'modal.Retries';
}
