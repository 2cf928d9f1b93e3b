import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments, type ModalModel } from './model.js';

/** The `modal.gpu` classes removed in Modal 1.4.0, with the GPU type each one sent. */
const LEGACY_GPU_TYPES: Record<string, string> = {
  T4: 'T4', L4: 'L4', A10G: 'A10G', H100: 'H100', L40S: 'L40S', A100: 'A100-40GB', Any: 'any',
};

/** Only `T4(count)` and `L4(count)` took the count by position; the others were keyword-only. */
const POSITIONAL_COUNT = new Set(['T4', 'L4']);

/**
 * The GPU string a `modal.gpu.X(...)` object stood for (`modal.gpu.A100(size="80GB", count=2)` is
 * `"A100-80GB:2"`; a bare `A100()` was the 40GB card), or null when an argument is not a literal
 * the old class accepted. The mapping follows the last `modal/gpu.py` before its removal.
 */
export function gpuStringOfLegacyObject(model: ModalModel, call: SyntaxNode): string | null {
  const qualified = model.qualifiedName(call.field('function'));
  const name = qualified?.startsWith('modal.gpu.') ? qualified.slice('modal.gpu.'.length) : null;
  let type = name ? LEGACY_GPU_TYPES[name] : undefined;
  if (!name || !type) return null;
  const args = callArguments(call);
  if (args.hasSplat || args.positional.length > (POSITIONAL_COUNT.has(name) ? 1 : 0)) return null;
  const allowed = name === 'A100' ? ['count', 'size', 'memory'] : ['count'];
  if ([...args.keywords.keys()].some((keyword) => !allowed.includes(keyword))) return null;
  const countNode = args.positional[0] ?? args.keywords.get('count');
  const count = countNode ? literalInteger(countNode) : 1;
  if (count === null || count < 1) return null;
  const size = args.keywords.get('size');
  const memory = args.keywords.get('memory');
  if (size && memory) return null;
  if (size) {
    const value = size.type === 'string' ? model.resolve(size) : null;
    if (value?.kind !== 'str' || (value.value !== '40GB' && value.value !== '80GB')) return null;
    type = `A100-${value.value}`;
  }
  if (memory) {
    const value = literalInteger(memory);
    if (value !== 40 && value !== 80) return null;
    type = `A100-${value}GB`;
  }
  return count > 1 ? `${type}:${count}` : type;
}

function literalInteger(node: SyntaxNode): number | null {
  return node.type === 'integer' && /^\d+$/.test(node.text) ? Number(node.text) : null;
}
