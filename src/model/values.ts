import type { SyntaxNode } from '../parser/syntax.js';

/** A statically known Python value, or `unknown`. */
export type Value =
  | { kind: 'str'; value: string }
  | { kind: 'num'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'list'; items: Value[]; nodes: SyntaxNode[] }
  | { kind: 'dict'; entries: Array<{ key: Value; value: Value; keyNode: SyntaxNode; valueNode: SyntaxNode }> }
  | { kind: 'unknown' };

export const UNKNOWN: Value = { kind: 'unknown' };

/** Looks a name up where it is used; returns the single expression it is bound to, if any. */
export type NameLookup = (identifier: SyntaxNode) => SyntaxNode | null;

const MAX_DEPTH = 40;

function stringLiteralParts(node: SyntaxNode, lookup: NameLookup, depth: number): string | null {
  const start = node.children[0];
  const prefix = start?.type === 'string_start' ? start.text.replace(/["']+$/, '').toLowerCase() : '';
  if (prefix.includes('b')) return null;
  const raw = prefix.includes('r');
  let text = '';
  for (const part of node.children) {
    if (part.type === 'string_content') text += raw ? part.text : unescapeSimple(part.text);
    else if (part.type === 'escape_sequence') text += raw ? part.text : unescapeSimple(part.text);
    else if (part.type === 'interpolation') {
      const expression = part.field('expression');
      if (!expression || part.field('format_specifier') || part.field('type_conversion')) return null;
      const value = resolveValue(expression, lookup, depth + 1);
      if (value.kind === 'str') text += value.value;
      else if (value.kind === 'num') text += String(value.value);
      else return null;
    } else if (part.type === 'string_start' || part.type === 'string_end') continue;
    else if (part.type === 'escape_interpolation') text += part.text.slice(1);
    else if (part.isNamed) return null;
  }
  return text;
}

function unescapeSimple(text: string): string {
  return text.replace(/\\(["'\\nt])/g, (_, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch));
}

function parseNumber(text: string): number | null {
  const clean = text.replace(/_/g, '');
  if (/[jJ]$/.test(clean)) return null;
  const value = /^0[xob]/i.test(clean) ? Number(clean) : Number.parseFloat(clean);
  return Number.isFinite(value) ? value : null;
}

function operatorOf(node: SyntaxNode): string {
  return node.field('operator')?.text ?? node.children.find((child) => !child.isNamed)?.text ?? '';
}

/** Resolves an expression through literals, module constants, f-strings, `+`, lists and dicts. */
export function resolveValue(node: SyntaxNode | null | undefined, lookup: NameLookup, depth = 0): Value {
  if (!node || depth > MAX_DEPTH) return UNKNOWN;
  switch (node.type) {
    case 'string': {
      const text = stringLiteralParts(node, lookup, depth);
      return text === null ? UNKNOWN : { kind: 'str', value: text };
    }
    case 'concatenated_string': {
      let text = '';
      for (const part of node.namedChildren) {
        const value = resolveValue(part, lookup, depth + 1);
        if (value.kind !== 'str') return UNKNOWN;
        text += value.value;
      }
      return { kind: 'str', value: text };
    }
    case 'integer':
    case 'float': {
      const value = parseNumber(node.text);
      return value === null ? UNKNOWN : { kind: 'num', value };
    }
    case 'true':
      return { kind: 'bool', value: true };
    case 'false':
      return { kind: 'bool', value: false };
    case 'none':
      return { kind: 'none' };
    case 'parenthesized_expression':
      return resolveValue(node.namedChildren[0], lookup, depth + 1);
    case 'unary_operator': {
      const value = resolveValue(node.field('argument'), lookup, depth + 1);
      if (value.kind !== 'num') return UNKNOWN;
      const op = operatorOf(node);
      return op === '-' ? { kind: 'num', value: -value.value } : op === '+' ? value : UNKNOWN;
    }
    case 'list':
    case 'tuple': {
      const nodes = node.namedChildren;
      if (nodes.some((item) => item.type === 'list_splat' || item.type === 'parenthesized_list_splat')) return UNKNOWN;
      return { kind: 'list', items: nodes.map((item) => resolveValue(item, lookup, depth + 1)), nodes };
    }
    case 'dictionary': {
      const entries: Extract<Value, { kind: 'dict' }>['entries'] = [];
      for (const pair of node.namedChildren) {
        if (pair.type !== 'pair') return UNKNOWN;
        const keyNode = pair.field('key')!;
        const valueNode = pair.field('value')!;
        entries.push({ key: resolveValue(keyNode, lookup, depth + 1), value: resolveValue(valueNode, lookup, depth + 1), keyNode, valueNode });
      }
      return { kind: 'dict', entries };
    }
    case 'binary_operator':
      return resolveBinary(node, lookup, depth);
    case 'identifier': {
      const bound = lookup(node);
      return bound ? resolveValue(bound, lookup, depth + 1) : UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

function resolveBinary(node: SyntaxNode, lookup: NameLookup, depth: number): Value {
  const left = resolveValue(node.field('left'), lookup, depth + 1);
  const right = resolveValue(node.field('right'), lookup, depth + 1);
  const op = operatorOf(node);
  if (left.kind === 'num' && right.kind === 'num') {
    if (op === '+') return { kind: 'num', value: left.value + right.value };
    if (op === '-') return { kind: 'num', value: left.value - right.value };
    if (op === '*') return { kind: 'num', value: left.value * right.value };
    return UNKNOWN;
  }
  if (op !== '+') return UNKNOWN;
  if (left.kind === 'str' && right.kind === 'str') return { kind: 'str', value: left.value + right.value };
  if (left.kind === 'list' && right.kind === 'list') {
    return { kind: 'list', items: [...left.items, ...right.items], nodes: [...left.nodes, ...right.nodes] };
  }
  return UNKNOWN;
}

/**
 * The values an expression may take: both arms of `a if cond else b`, otherwise its one value.
 * Returns an empty array when any possibility is unknown.
 */
export function possibleValues(node: SyntaxNode | null | undefined, lookup: NameLookup, depth = 0): Value[] {
  if (!node || depth > MAX_DEPTH) return [];
  if (node.type === 'parenthesized_expression') return possibleValues(node.namedChildren[0], lookup, depth + 1);
  if (node.type === 'conditional_expression') {
    const [whenTrue, , whenFalse] = node.namedChildren;
    const first = possibleValues(whenTrue, lookup, depth + 1);
    const second = possibleValues(whenFalse, lookup, depth + 1);
    return first.length === 0 || second.length === 0 ? [] : [...first, ...second];
  }
  if (node.type === 'identifier') {
    const bound = lookup(node);
    return bound ? possibleValues(bound, lookup, depth + 1) : [];
  }
  const value = resolveValue(node, lookup, depth);
  return value.kind === 'unknown' ? [] : [value];
}
