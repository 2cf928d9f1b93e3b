import type { SyntaxNode } from '../parser/syntax.js';
import { resolveAt } from './images.js';
import { callArguments, type ImageChain, type ModalModel } from './model.js';
import type { Value } from './values.js';

/** One environment variable set in code: its name, the node that names it, and the value node. */
export interface EnvEntry {
  key: string;
  keyNode: SyntaxNode;
  valueNode: SyntaxNode | null;
}

function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildren.length === 1) current = current.namedChildren[0]!;
  return current;
}

/**
 * The entries of a dict expression whose keys resolve to strings, following names bound once to a
 * dict literal. `**other` and keys that cannot be resolved are skipped: what is returned is certain.
 */
export function dictEntries(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): EnvEntry[] {
  if (!node || depth > 20) return [];
  const expr = unwrap(node);
  if (expr.type === 'identifier' && model.root.contains(expr)) return dictEntries(model, model.boundValue(expr), depth + 1);
  if (expr.type !== 'dictionary') return [];
  const entries: EnvEntry[] = [];
  for (const pair of expr.namedChildren) {
    if (pair.type !== 'pair') continue;
    const key = resolveAt(model, pair.field('key'));
    if (key.kind === 'str') entries.push({ key: key.value, keyNode: pair.field('key')!, valueNode: pair.field('value') });
  }
  return entries;
}

/** Variables an image sets with `.env({...})`, in chain order (a later step overrides an earlier one). */
export function imageEnvEntries(model: ModalModel, chain: ImageChain | null): EnvEntry[] {
  if (!chain) return [];
  return chain.steps.filter((step) => step.method === 'env').flatMap((step) => {
    const args = callArguments(step.call);
    return dictEntries(model, args.positional[0] ?? args.keywords.get('vars'));
  });
}

/** How a secret's keys can be read: `from_dict` keys with values, `from_local_environ` names only. */
export type SecretSource = 'from_dict' | 'from_local_environ';

/**
 * The keys a secret sets, when they are visible in code: `modal.Secret.from_dict({...})` and
 * `modal.Secret.from_local_environ([...])`, following names to the call. Null for secrets whose
 * keys live elsewhere (`from_name`, `from_dotenv`, anything unresolved).
 */
export function secretEntries(model: ModalModel, secret: SyntaxNode): { source: SecretSource; entries: EnvEntry[] } | null {
  const call = model.originCall(secret);
  const name = call ? model.qualifiedName(call.field('function')) : null;
  const args = callArguments(call);
  if (name === 'modal.Secret.from_dict') {
    const dict = args.positional[0] ?? args.keywords.get('env_dict');
    return { source: 'from_dict', entries: dict ? dictEntries(model, dict) : [] };
  }
  if (name === 'modal.Secret.from_local_environ') {
    const list = model.resolve(args.positional[0] ?? args.keywords.get('env_keys'));
    if (list.kind !== 'list') return null;
    const entries = list.items.flatMap((item, index) => (item.kind === 'str' ? [{ key: item.value, keyNode: list.nodes[index]!, valueNode: null }] : []));
    return { source: 'from_local_environ', entries };
  }
  return null;
}

/** The string value of an entry, when it resolves to one. */
export function entryValue(model: ModalModel, entry: EnvEntry): Value {
  return resolveAt(model, entry.valueNode);
}
