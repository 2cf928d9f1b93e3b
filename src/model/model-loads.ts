import type { SyntaxNode } from '../parser/syntax.js';
import { importedPath } from './imported-names.js';
import type { ModalModel } from './model.js';

/**
 * Calls that load model weights. `torch.load` is an import path (any alias of `torch` matches);
 * `*.from_pretrained` is a method name on any receiver, or a function of that name imported from
 * any package.
 */
export const DEFAULT_MODEL_LOADERS = [
  '*.from_pretrained', '*.from_single_file', '*.load_model',
  'torch.load', 'torch.jit.load', 'safetensors.torch.load_file', 'joblib.load',
  'transformers.pipeline', 'vllm.LLM', 'sentence_transformers.SentenceTransformer', 'sentence_transformers.CrossEncoder',
  'tensorflow.saved_model.load', 'ultralytics.YOLO', 'onnxruntime.InferenceSession', 'llama_cpp.Llama',
  'faster_whisper.WhisperModel', 'spacy.load', 'clip.load', 'open_clip.create_model_and_transforms',
];

/** The loader pattern a call matches, or null. `self.load_model()` is the class's own helper, not a library load. */
export function modelLoaderOf(model: ModalModel, call: SyntaxNode, loaders: readonly string[]): string | null {
  const callee = call.field('function');
  if (!callee || readsInMemoryBuffer(model, call)) return null;
  const path = importedPath(model, callee);
  const receiver = callee.type === 'attribute' ? callee.field('object') : null;
  const lastName = callee.type === 'attribute' ? callee.field('attribute')?.text : path?.split('.').at(-1);
  for (const loader of loaders) {
    if (loader.startsWith('*.')) {
      const isOwnHelper = receiver?.type === 'identifier' && (receiver.text === 'self' || receiver.text === 'cls');
      // `AutoConfig.from_pretrained` / `GenerationConfig.from_pretrained` read a small JSON file, not weights.
      const isConfig = /Config$/.test(receiver?.text.split('.').at(-1) ?? '');
      if (lastName === loader.slice(2) && (receiver ? !isOwnHelper && !isConfig : path !== null)) return loader;
    } else if (path === loader) return loader;
  }
  return null;
}

/** `torch.load(io.BytesIO(payload))` deserialises request data, not weights. */
function readsInMemoryBuffer(model: ModalModel, call: SyntaxNode): boolean {
  const first = call.field('arguments')?.namedChildren[0];
  return first?.type === 'call' && importedPath(model, first.field('function')) === 'io.BytesIO';
}

/**
 * True when a load fills a cache the code tests first, so it runs once, not per call:
 * `if self.model is None: self.model = ...`, `if not hasattr(self, "model"): ...`,
 * `if name not in self.models: self.models[name] = ...`, an early `if self.model is not None: return self.model`
 * before `self.model = ...`, or `self.model = self.model or ...`. Only tests inside `within` count.
 */
export function isCachedLoad(call: SyntaxNode, within: SyntaxNode): boolean {
  let child = call;
  for (const ancestor of call.ancestors()) {
    if (ancestor === within) break;
    if (ancestor.type === 'if_statement' && child.fieldName === 'consequence') {
      const tested = testedTargets(ancestor.field('condition'));
      const body = ancestor.field('consequence');
      if (body && [...body.descendants()].some((node) => assignedTargets(node).some((target) => tested.has(target)))) return true;
    }
    child = ancestor;
  }
  const assignment = [...call.ancestors()].find((node) => node.type === 'assignment' && node.field('right')?.contains(call));
  const filled = assignment ? assignedTargets(assignment) : [];
  if (filled.length === 0) return false;
  for (const node of within.descendants()) {
    if (node.startIndex >= call.startIndex) break;
    const condition = node.type === 'if_statement' || node.type === 'elif_clause' ? node.field('condition')
      : node.type === 'boolean_operator' && node.field('right')?.contains(call) ? node.field('left') : null;
    const tested = testedTargets(condition);
    if (filled.some((target) => tested.has(target))) return true;
  }
  return false;
}

/** Names and attributes a condition reads; `hasattr(self, "model")` / `getattr(self, "model", None)` read `self.model`. */
function testedTargets(condition: SyntaxNode | null): Set<string> {
  const tested = new Set<string>();
  if (!condition) return tested;
  for (const node of [condition, ...condition.descendants()]) {
    if (node.type === 'identifier' || node.type === 'attribute') tested.add(node.text);
    if (node.type === 'call' && ['hasattr', 'getattr'].includes(node.field('function')?.text ?? '')) {
      const [object, name] = node.field('arguments')?.namedChildren ?? [];
      const attribute = name?.type === 'string' ? name.text.slice(1, -1) : null;
      if (object && attribute) tested.add(`${object.text}.${attribute}`);
    }
  }
  return tested;
}

/** What an assignment fills: `self.models[name] = ...` fills `self.models[name]` and the cache `self.models`. */
function assignedTargets(node: SyntaxNode): string[] {
  if (node.type !== 'assignment' && node.type !== 'augmented_assignment') return [];
  const targets: string[] = [];
  for (let target = node.field('left'); target; target = target.type === 'subscript' ? target.field('value') : null) targets.push(target.text);
  return targets;
}
