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
  if (node.type === 'comparison_operator') return comparesDeviceToCuda(model, node);
  // `assert x.is_cuda`, `if not x.is_cuda: raise ...`: the code tests where the tensor is.
  if (node.type === 'attribute' && node.field('attribute')?.text === 'is_cuda') return inAssertOrCondition(node);
  if (node.type !== 'call') return false;
  const callee = node.field('function');
  const path = importedPath(model, callee);
  if (CUDA_PROBES.has(path ?? '')) return true;
  const method = callee?.type === 'attribute' ? callee.field('attribute')?.text : null;
  if (method === 'cuda') return true;
  for (const argument of node.field('arguments')?.namedChildren ?? []) {
    if (argument.type === 'keyword_argument') {
      const name = argument.field('name')?.text ?? '';
      if ((name === 'device' || name === 'device_map') && isCudaDeviceOrIndex(model, argument.field('value'))) return true;
    } else if ((method === 'to' || path === 'torch.set_default_device' || path === 'torch.device') && isCudaDeviceOrIndex(model, argument)) return true;
  }
  return false;
}

/**
 * A CUDA device, or a device index: `device=0` (a transformers `pipeline`), `torch.device(0)` and
 * `.to(0)` name CUDA device 0 and fail without one, as `"cuda:0"` does.
 */
function isCudaDeviceOrIndex(model: ModalModel, node: SyntaxNode | null): boolean {
  if (isCudaDevice(model, node)) return true;
  if (node?.type === 'call' && importedPath(model, node.field('function')) === 'torch.device') return isCudaDeviceOrIndex(model, node.field('arguments')?.namedChildren[0] ?? null);
  const value = model.resolve(node);
  return value.kind === 'num' && Number.isInteger(value.value) && value.value >= 0;
}

function inAssertOrCondition(node: SyntaxNode): boolean {
  for (let current: SyntaxNode | null = node; current; current = current.parent) {
    if (current.type === 'assert_statement' || current.fieldName === 'condition') return true;
    if (current.type === 'block' || current.type.endsWith('_statement')) return false;
  }
  return false;
}

/** `t.device.type == "cuda"`, `str(t.device) != "cuda:0"`: the code looks at the device it got. */
function comparesDeviceToCuda(model: ModalModel, comparison: SyntaxNode): boolean {
  const operands = comparison.namedChildren;
  const namesDevice = operands.some((operand) => /\bdevice\b/.test(operand.text) || /\.is_cuda\b/.test(operand.text));
  return namesDevice && operands.some((operand) => isCudaDevice(model, operand));
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

/**
 * Uses that need a CUDA device and raise on a machine without one (torch: "Torch not compiled with
 * CUDA enabled" / "No CUDA GPUs are available"): `.cuda()`, `.to("cuda")`, `torch.device("cuda")`,
 * `torch.set_default_device("cuda")`, `torch.cuda.set_device(...)`, and a CUDA device given to a
 * call as `device=` / `device_map=` / `map_location=`. A probe (`torch.cuda.is_available()`) is not one.
 */
export const CUDA_USES = ['.cuda()', '.to("cuda")', 'torch.device("cuda")', 'torch.set_default_device("cuda")', 'torch.cuda.set_device(...)', 'device="cuda"', 'device_map="cuda"', 'map_location="cuda"'];

const CUDA_DEVICE_KEYWORDS = new Set(['device', 'device_map', 'map_location']);
/** Calls that hand arguments on to another container or build a plain value: a device named there is not used here. */
const PASS_THROUGH_METHODS = new Set(['remote', 'remote_gen', 'local', 'spawn', 'map', 'starmap', 'spawn_map', 'for_each', 'aio', 'with_options', 'update', 'setdefault', 'get']);

/**
 * The CUDA use a call makes (one of `CUDA_USES`, as written in the message), or null: only uses
 * that fail without a GPU, never a probe or a device picked by `"cuda" if ... else "cpu"`.
 */
export function cudaUseOf(model: ModalModel, call: SyntaxNode): string | null {
  if (call.type !== 'call') return null;
  const callee = call.field('function');
  const path = importedPath(model, callee);
  const method = callee?.type === 'attribute' ? callee.field('attribute')?.text ?? null : null;
  const args = call.field('arguments')?.namedChildren ?? [];
  if (method === 'cuda') return '.cuda()';
  if (path === 'torch.cuda.set_device') return 'torch.cuda.set_device(...)';
  if (path === 'torch.device' || path === 'torch.set_default_device' || method === 'to') {
    const first = args[0];
    if (first && first.type !== 'keyword_argument' && isCudaDevice(model, first)) {
      return path === 'torch.device' ? 'torch.device("cuda")' : path === 'torch.set_default_device' ? 'torch.set_default_device("cuda")' : '.to("cuda")';
    }
  }
  if (callee?.type === 'identifier' && callee.text === 'dict') return null;
  if (method && PASS_THROUGH_METHODS.has(method)) return null;
  for (const argument of args) {
    if (argument.type !== 'keyword_argument') continue;
    const name = argument.field('name')?.text ?? '';
    if (CUDA_DEVICE_KEYWORDS.has(name) && isCudaDevice(model, argument.field('value'))) return `${name}="cuda"`;
  }
  return null;
}

/** True for a call of a torch CUDA probe (`torch.cuda.is_available()`, `device_count()`, ...) under any alias. */
export function isCudaProbe(model: ModalModel, node: SyntaxNode): boolean {
  return node.type === 'call' && CUDA_PROBES.has(importedPath(model, node.field('function')) ?? '');
}
