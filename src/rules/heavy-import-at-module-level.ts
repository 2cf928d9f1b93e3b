import type { SyntaxNode } from '../parser/syntax.js';
import { defineRule } from './types.js';

export const DEFAULT_HEAVY_PACKAGES = [
  'torch', 'torchvision', 'torchaudio', 'transformers', 'diffusers', 'tensorflow', 'keras', 'jax', 'flax',
  'vllm', 'sglang', 'sentence_transformers', 'accelerate', 'peft', 'trl', 'bitsandbytes', 'xformers',
  'flash_attn', 'onnxruntime', 'triton', 'deepspeed', 'lightning', 'ultralytics', 'cv2', 'sklearn',
  'datasets', 'librosa', 'whisper', 'unsloth',
];

/** Guards that keep an import from running on the machine that runs `modal deploy`. */
const SAFE_GUARDS = new Set(['container', 'image-imports', 'try-import', 'type-checking', 'main', 'function']);

export default defineRule({
  id: 'heavy-import-at-module-level',
  category: 'reliability',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['imports', 'deploy'],
  summary: 'Heavy ML package imported at module level of a Modal file.',
  docs: {
    what: 'Flags a module-level import of a heavy ML package (torch, transformers, vllm, ... and their submodules) in a module that uses Modal, unless it sits inside `with image.imports():`, `if not modal.is_local():`, `try: ... except ImportError:`, `if TYPE_CHECKING:` or `if __name__ == "__main__":`. Helper modules that never touch Modal are not checked.',
    why: '`modal run` and `modal deploy` import the module on your machine to find the App. A top-level `import torch` then needs torch installed locally (gigabytes, and often impossible on a laptop without CUDA), slows every deploy, and fails with ModuleNotFoundError where the package lives only in the container image.',
    example: 'import modal\nimport torch\n\nimage = modal.Image.debian_slim().uv_pip_install("torch")\napp = modal.App("ml-trainer", image=image)\n\n@app.function(gpu="A10G")\ndef train():\n    model = torch.nn.Linear(4, 4)',
    useInstead: 'import modal\n\nimage = modal.Image.debian_slim().uv_pip_install("torch")\napp = modal.App("ml-trainer", image=image)\n\nwith image.imports():\n    import torch\n\n@app.function(gpu="A10G")\ndef train():\n    model = torch.nn.Linear(4, 4)',
    link: 'https://modal.com/docs/guide/images#add-imports-inside-functions',
  },
  options: {
    'extend-packages': { type: 'string[]', description: 'More top-level packages to treat as heavy.', default: [] },
    packages: { type: 'string[]', description: 'Replaces the default list of heavy packages.', default: DEFAULT_HEAVY_PACKAGES },
  },
  messages: {
    heavyImport: '`{module}` is imported at module level; `modal deploy` imports this file locally, where {package} may not be installed. Import it inside the function or under `with image.imports():`.',
  },
  check({ model, options, report }) {
    if (!model.isModalFile) return;
    const heavy = new Set([...(options.packages as string[]), ...(options['extend-packages'] as string[])]);
    const reported = new Set<SyntaxNode>();
    for (const binding of model.imports) {
      const top = binding.module.split('.')[0]!;
      if (binding.level !== 0 || !heavy.has(top) || reported.has(binding.moduleNode)) continue;
      if (model.guardsOf(binding.statement).some((guard) => SAFE_GUARDS.has(guard.kind))) continue;
      reported.add(binding.moduleNode);
      report(binding.moduleNode, 'heavyImport', { module: binding.module, package: top });
    }
  },
});
