import type { SyntaxNode } from '../parser/syntax.js';
import { cudaUseOf, isCudaProbe } from '../model/cuda.js';
import type { ModalModel, Registration } from '../model/model.js';
import { deployedNameOf } from '../model/project-facts.js';
import { definitionsReachedFrom, moduleLevelCode } from '../model/reach.js';
import { defineRule } from './types.js';

/** A condition that picks a device or a GPU path: code under it is a choice, not a need. */
const DEVICE_CONDITION = /cuda|gpu|device|cpu|accelerat/i;

export default defineRule({
  id: 'cuda-without-gpu',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['gpu', 'torch', 'correctness'],
  summary: 'Function or class moves work to CUDA but its registration requests no GPU.',
  docs: {
    what: 'Flags an `@app.function`, `@app.cls` (its `@modal.enter`, methods and web endpoints) or `@app.server` whose registration requests no GPU (no `gpu=`, or a `gpu=` that resolves to `None`) while its code, or a function of the module it calls by name, explicitly needs CUDA: `.cuda()`, `.to("cuda")`, `torch.device("cuda")`, `torch.set_default_device("cuda")`, `torch.cuda.set_device(...)`, or a CUDA device given as `device=`, `device_map=` or `map_location=` (also through a constant such as `DEVICE = "cuda"`). Reported once per registration, at the first such use. Silent when the code probes CUDA anywhere on that path or at module level (`"cuda" if torch.cuda.is_available() else "cpu"` falls back), when the use sits under a condition about the device or in a `try` with an `except`, when the registration has a `**options` splat, when `gpu=` cannot be resolved, and when any file of the run calls `.with_options(gpu=...)` on that class or function (or on a receiver the linter cannot name).',
    why: 'Without `gpu=`, Modal schedules the container on a machine without a GPU: the client sends an empty GPU configuration for `gpu=None` (modal-client `py/modal/_utils/function_utils.py:656-658`, `parse_gpu_config`), the default of `@app.function`, `@app.cls` and `@app.server` (`py/modal/app.py:781-820,1037-1074,1280-1317`). torch then raises at the first CUDA call ("Torch not compiled with CUDA enabled" or "No CUDA GPUs are available"), after the image was built and the container started, often only once the App is deployed and called.',
    example: '@app.function(image=image)\ndef embed(texts: list[str]):\n    from sentence_transformers import SentenceTransformer\n\n    model = SentenceTransformer(MODEL_ID, device="cuda")\n    return model.encode(texts)',
    useInstead: '@app.function(image=image, gpu="L4")\ndef embed(texts: list[str]):\n    from sentence_transformers import SentenceTransformer\n\n    model = SentenceTransformer(MODEL_ID, device="cuda")\n    return model.encode(texts)',
    link: 'https://modal.com/docs/guide/gpu',
  },
  messages: {
    noGpu: '`{name}` needs CUDA here (`{use}`), but its registration requests no GPU, so Modal runs it in a container without one and this call fails. Add `gpu=` to the registration (e.g. `gpu="L4"`), or fall back to the CPU when `torch.cuda.is_available()` is false.',
    gpuNone: '`{name}` needs CUDA here (`{use}`), but its `gpu=` is `None`, so Modal runs it in a container without a GPU and this call fails. Give `gpu=` a GPU type (e.g. `gpu="L4"`), or fall back to the CPU when `torch.cuda.is_available()` is false.',
  },
  check({ model, report }) {
    let moduleProbes: boolean | undefined;
    const registeredTargets = new Set(model.registrations.map((registration) => registration.target));
    for (const registration of model.registrations) {
      const target = registration.target;
      if (registration.kind === 'local_entrypoint' || !target || registration.args.hasSplat) continue;
      const gpu = registration.args.keywords.get('gpu');
      const gpus = gpu ? model.possibleValues(gpu) : [];
      if (gpu && (gpus.length === 0 || gpus.some((value) => value.kind !== 'none'))) continue;
      // `Model().generate.remote()` runs the class in its own container: only unregistered code runs here.
      const reached = definitionsReachedFrom(model, [target], (definition) => registeredTargets.has(definition)).flatMap((definition) => [...definition.descendants()]);
      if (reached.some((node) => isCudaProbe(model, node))) continue;
      const use = reached.map((node) => ({ node, use: node.type === 'call' ? cudaUseOf(model, node) : null })).find((found) => found.use && !isChosenUse(model, found.node));
      if (!use) continue;
      moduleProbes ??= [...moduleLevelCode(model.root)].some((node) => isCudaProbe(model, node));
      if (moduleProbes || gpuFromOptions(model, registration)) continue;
      report(use.node, gpu ? 'gpuNone' : 'noGpu', { name: target.field('name')!.text, use: use.use! });
    }
  },
});

/** True when a CUDA use is one branch of a choice: under a device condition, or in a `try` that handles failure. */
function isChosenUse(model: ModalModel, node: SyntaxNode): boolean {
  for (const ancestor of node.ancestors()) {
    const condition = ancestor.type === 'if_statement' || ancestor.type === 'elif_clause' || ancestor.type === 'while_statement' ? ancestor.field('condition')
      : ancestor.type === 'conditional_expression' ? ancestor.namedChildren[1] ?? null : null;
    if (condition && !condition.contains(node) && DEVICE_CONDITION.test(condition.text)) return true;
    if (ancestor.type === 'try_statement' && ancestor.children.some((child) => child.type === 'except_clause')) return true;
  }
  // A class or dataclass of this module given `device="cuda"` holds a setting for other code.
  const callee = node.field('function');
  return callee?.type === 'identifier' && model.bindingsFor(callee).some((binding) => binding.kind === 'class' || binding.kind === 'def');
}

/** `Model.with_options(gpu=...)` anywhere in the run may give the class or function its GPU. */
function gpuFromOptions(model: ModalModel, registration: Registration): boolean {
  const queries = model.projectQueries;
  if (!queries) return false;
  const names = [registration.target!.field('name')!.text, deployedNameOf(model, registration) ?? ''].filter((name) => name !== '');
  return queries.gpuGivenByOptions(model.path, names);
}
