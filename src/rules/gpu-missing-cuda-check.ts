import type { SyntaxNode } from '../parser/syntax.js';
import { importBindings } from '../model/imports.js';
import { checksOrUsesCuda } from '../model/cuda.js';
import { importedPath, isInPackage } from '../model/imported-names.js';
import type { ModalModel } from '../model/model.js';
import { definitionsReachedAcrossProject, definitionsReachedFrom, moduleLevelCode } from '../model/reach.js';
import { defineRule } from './types.js';

/** `torchrun`'s entry points: they start another script, whose torch code the linter cannot see. */
const TORCH_LAUNCHERS = ['torch.distributed.run', 'torch.distributed.launch'];

export default defineRule({
  id: 'gpu-missing-cuda-check',
  category: 'reliability',
  defaultSeverity: 'warning',
  precision: 'medium',
  tags: ['gpu', 'torch', 'reliability'],
  summary: 'GPU function or class uses torch but never checks that CUDA is available.',
  docs: {
    what: 'Flags an `@app.function`, `@app.cls` or `@app.server` whose `gpu=` resolves to a GPU (through constants and both arms of a ternary; a value that may be `None` or cannot be resolved is not a finding) and that uses torch (imports `torch` or a torch submodule in its body, or refers to a module-level torch import such as one under `with image.imports():`), when nothing on its start-up path would notice a missing GPU. The start-up path is the function body (for a class, any of its methods), the functions they call by name in the module or in project modules they import from, and module-level code. What counts: a probe under any alias of torch (`torch.cuda.is_available()`, `device_count()`, `get_device_name()`, `get_device_properties()`, `current_device()`, ...), including device selection (`device = "cuda" if torch.cuda.is_available() else "cpu"`); and a look at the device a tensor or model got (`assert t.device.type == "cuda"`, `assert t.is_cuda`); and an explicit move to CUDA, which raises when no device is usable (`.cuda()`, `.to("cuda")`, `device="cuda:0"`, a device index such as `device=0`, `.to(0)` or `torch.device(0)`, `device_map="cuda"`, `torch.device("cuda")`, `torch.set_default_device("cuda")`, also through names, and an assignment such as `self.device = "cuda"` that the code then moves work to). Functions that do not use torch, or use it only to start `torchrun` (`torch.distributed.run`, whose script the linter cannot see), are not checked. Reported once, at the `gpu=` keyword.',
    why: 'Modal attaches the GPU and its driver, but the CUDA build of torch comes from the image you build: a CPU-only wheel, or a torch built for a newer CUDA than the host driver supports, leaves torch without a usable device. Code that never names a CUDA device itself (`device_map="auto"`, a `Trainer`, a library left to pick its device) then runs on the CPU without any error, many times slower while the GPU is billed, or fails later inside a library, far from the cause. One check at start-up (assert `torch.cuda.is_available()`, or log the device you picked) makes the mismatch visible at once.',
    example: '@app.function(gpu="A10G", image=image)\ndef generate(prompt: str) -> str:\n    import torch\n    from transformers import AutoModelForCausalLM\n\n    model = AutoModelForCausalLM.from_pretrained(MODEL_ID, torch_dtype=torch.bfloat16, device_map="auto")\n    ...',
    useInstead: '@app.function(gpu="A10G", image=image)\ndef generate(prompt: str) -> str:\n    import torch\n    from transformers import AutoModelForCausalLM\n\n    assert torch.cuda.is_available(), "no CUDA device: check the torch build in the image"\n    model = AutoModelForCausalLM.from_pretrained(MODEL_ID, torch_dtype=torch.bfloat16, device_map="auto")\n    ...',
    link: 'https://modal.com/docs/guide/cuda',
  },
  messages: {
    noCudaCheck: '`{name}` requests a GPU and uses torch, but nothing on its start-up path calls `torch.cuda.is_available()` or moves work to CUDA: a missing GPU would go unnoticed and the model could run on the CPU. Check it once at start-up.',
  },
  check({ model, report }) {
    for (const registration of model.registrations) {
      const target = registration.target;
      if (registration.kind === 'local_entrypoint' || !target) continue;
      const gpus = model.possibleValues(registration.args.keywords.get('gpu'));
      if (gpus.length === 0 || gpus.some((gpu) => gpu.kind === 'none') || !usesTorch(model, target)) continue;
      const reached = definitionsReachedFrom(model, [target]).flatMap((definition) => [...definition.descendants()]);
      if (reached.some((node) => checksOrUsesCuda(model, node))) continue;
      // Module-level code runs on import in the container too; a `DEVICE = "cuda"` constant there is not a use.
      if ([...moduleLevelCode(model.root)].some((node) => node.type === 'call' && checksOrUsesCuda(model, node))) continue;
      // A check in a helper of another project module (`from .gpu import require_cuda`) counts too.
      const elsewhere = definitionsReachedAcrossProject(model, [target]).filter((entry) => entry.model !== model);
      if (elsewhere.some((entry) => [...entry.definition.descendants()].some((node) => checksOrUsesCuda(entry.model, node)))) continue;
      report(registration.args.keywordNodes.get('gpu')!, 'noCudaCheck', { name: target.field('name')!.text });
    }
  },
});

/** True when a function or class imports torch, or refers to a name bound by a torch import. */
function usesTorch(model: ModalModel, definition: SyntaxNode): boolean {
  for (const node of definition.descendants()) {
    if (node.type === 'import_statement' || node.type === 'import_from_statement') {
      if (importBindings(node).some((binding) => binding.level === 0 && isTorchCompute(binding.importedName ? `${binding.module}.${binding.importedName}` : binding.module))) return true;
    } else if (node.type === 'identifier' && isNameReference(node) && isTorchCompute(importedPath(model, node))) return true;
  }
  return false;
}

function isTorchCompute(path: string | null): boolean {
  return isInPackage(path, 'torch') && !TORCH_LAUNCHERS.some((launcher) => isInPackage(path, launcher));
}

/** An identifier that names a variable (not `x.attr`'s `attr` or a keyword argument's name). */
function isNameReference(node: SyntaxNode): boolean {
  const parent = node.parent;
  if (parent?.type === 'attribute' && node.fieldName === 'attribute') return false;
  if (parent?.type === 'keyword_argument' && node.fieldName === 'name') return false;
  return !parent || (parent.type !== 'dotted_name' && parent.type !== 'aliased_import');
}
