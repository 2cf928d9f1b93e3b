import type { SyntaxNode } from '../parser/syntax.js';
import { importedPath } from './imported-names.js';
import type { ModalModel } from './model.js';

/** torch calls that report whether a CUDA device is usable, or raise when none is. */
export const CUDA_PROBES = new Set([
  'torch.cuda.is_available', 'torch.cuda.device_count', 'torch.cuda.get_device_name', 'torch.cuda.get_device_properties',
  'torch.cuda.get_device_capability', 'torch.cuda.current_device', 'torch.cuda.mem_get_info', 'torch.cuda.set_device', 'torch.cuda.init',
]);

/**
 * True when a node would notice a missing CUDA device: a torch probe (`torch.cuda.is_available()`,
 * `torch.cuda.get_device_name()`), `.cuda()`, `.to("cuda")`, a call given `device=` / `device_map=` a
 * CUDA device (`"cuda:0"`, `torch.device("cuda")`, a name holding one), `torch.set_default_device("cuda")`,
 * or an assignment of a CUDA device (`self.device = "cuda"`), which the code then moves work to.
 */
export function checksOrUsesCuda(model: ModalModel, node: SyntaxNode): boolean {
  if (node.type === 'assignment') return isCudaDevice(model, node.field('right'));
  if (node.type !== 'call') return false;
  const callee = node.field('function');
  const path = importedPath(model, callee);
  if (CUDA_PROBES.has(path ?? '')) return true;
  const method = callee?.type === 'attribute' ? callee.field('attribute')?.text : null;
  if (method === 'cuda') return true;
  for (const argument of node.field('arguments')?.namedChildren ?? []) {
    if (argument.type === 'keyword_argument') {
      const name = argument.field('name')?.text ?? '';
      if ((name === 'device' || name === 'device_map') && isCudaDevice(model, argument.field('value'))) return true;
    } else if ((method === 'to' || path === 'torch.set_default_device') && isCudaDevice(model, argument)) return true;
  }
  return false;
}

function isCudaDevice(model: ModalModel, node: SyntaxNode | null, depth = 0): boolean {
  if (!node || depth > 10) return false;
  if (node.type === 'identifier') {
    const bound = model.boundValue(node);
    if (bound) return isCudaDevice(model, bound, depth + 1);
  }
  if (node.type === 'call' && importedPath(model, node.field('function')) === 'torch.device') {
    return isCudaDevice(model, node.field('arguments')?.namedChildren[0] ?? null, depth + 1);
  }
  const value = model.resolve(node);
  return value.kind === 'str' && /^cuda(:\d+)?$/.test(value.value);
}
