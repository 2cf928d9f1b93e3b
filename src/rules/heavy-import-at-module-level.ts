import path from 'node:path';
import type { SyntaxNode } from '../parser/syntax.js';
import type { ModalModel } from '../model/model.js';
import { importedFiles, isEntryModule, moduleSummaryOf, NOT_RUN_LOCALLY } from '../model/run-where.js';
import { locallyDeclaredModules, projectModuleOf } from '../model/environment/deploy-machine.js';
import { defineRule } from './types.js';

export const DEFAULT_HEAVY_PACKAGES = [
  'torch', 'torchvision', 'torchaudio', 'transformers', 'diffusers', 'tensorflow', 'keras', 'jax', 'flax',
  'vllm', 'sglang', 'sentence_transformers', 'accelerate', 'peft', 'trl', 'bitsandbytes', 'xformers',
  'flash_attn', 'onnxruntime', 'triton', 'deepspeed', 'lightning', 'ultralytics', 'cv2', 'sklearn',
  'datasets', 'librosa', 'whisper', 'unsloth',
];

/**
 * The shortest chain of module-level imports from a project module to a heavy package, through
 * further project modules (each visited once, so cycles end). Modules that define an App or
 * register functions are not entered: `modal deploy` imports them as entries, and they get their
 * own findings.
 */
function heavyChain(model: ModalModel, start: string, heavy: ReadonlySet<string>): { chain: string[]; package: string } | null {
  const project = model.project;
  const base = path.dirname(model.path);
  const label = (file: string): string => path.relative(base, file) || path.basename(file);
  const visited = new Set<string>([model.path, start]);
  let frontier: Array<{ file: string; chain: string[] }> = [{ file: start, chain: [] }];
  while (frontier.length > 0) {
    const next: Array<{ file: string; chain: string[] }> = [];
    for (const { file, chain } of frontier) {
      const summary = project.moduleSummary?.(file);
      if (!summary || summary.registers) continue;
      for (const entry of summary.imports) {
        const top = entry.module.split('.')[0]!;
        if (entry.level === 0 && heavy.has(top)) return { chain: [...chain, `${label(file)}:${entry.line} imports ${entry.module}`], package: top };
      }
      for (const entry of summary.imports) {
        const resolve = (module: string, level: number): string | null => project.resolveModule?.(file, { module, level }) ?? null;
        for (const imported of importedFiles(resolve, entry)) {
          if (visited.has(imported)) continue;
          visited.add(imported);
          const name = `${'.'.repeat(entry.level)}${entry.module}`;
          next.push({ file: imported, chain: [...chain, `${label(file)}:${entry.line} imports ${name}`] });
        }
      }
    }
    frontier = next;
  }
  return null;
}

export default defineRule({
  id: 'heavy-import-at-module-level',
  category: 'reliability',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['imports', 'deploy'],
  summary: 'Heavy ML package imported at module level of a Modal file.',
  docs: {
    what: 'Flags a module-level import of a heavy ML package (torch, transformers, vllm, ... and their submodules) in a module that `modal run` / `modal deploy` import as an entry point (one that defines an App or registers functions), unless it sits inside `with image.imports():`, `if not modal.is_local():`, `try: ... except ImportError:`, `if TYPE_CHECKING:` or `if __name__ == "__main__":`. A module-level import of a project module that imports a heavy package in turn (through further project modules) is reported once, at the import in the entry module, naming the chain. Client scripts that only look up deployed objects are not checked. Where the project declares the package for its own environment (`pyproject.toml` dependencies or groups, `uv.lock`, or a `requirements.txt` at the project root that the file does not hand to an image), the finding is a warning: the import works there, but slows every `modal run` / `modal deploy` and ties deploys to machines with the package.',
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
    heavyImportThrough: '`{module}` is imported at module level and imports {package} in turn ({chain}); `modal deploy` imports this file locally, where {package} may not be installed. Import `{module}` inside the function or under `with image.imports():`.',
    heavyImportDeclared: '`{module}` is imported at module level; `modal run` and `modal deploy` import this file on your machine, so each of them loads {package} there first, and deploys work only from machines with {package} installed (the project declares it for its local environment). Import it inside the function or under `with image.imports():`.',
    heavyImportThroughDeclared: '`{module}` is imported at module level and imports {package} in turn ({chain}); `modal run` and `modal deploy` import this file on your machine, so each of them loads {package} there first, and deploys work only from machines with {package} installed (the project declares it for its local environment). Import `{module}` inside the function or under `with image.imports():`.',
  },
  messageSeverities: { heavyImportDeclared: 'warning', heavyImportThroughDeclared: 'warning' },
  check({ model, options, report }) {
    if (!isEntryModule(model)) return;
    const heavy = new Set([...(options.packages as string[]), ...(options['extend-packages'] as string[])]);
    const reported = new Set<SyntaxNode>();
    // Where the project installs the package for itself, the import works locally but costs every run.
    const declared = (top: string): boolean => locallyDeclaredModules(model)?.has(top) ?? false;
    for (const binding of model.imports) {
      const top = binding.module.split('.')[0]!;
      if (binding.level !== 0 || !heavy.has(top) || reported.has(binding.moduleNode)) continue;
      // A project package named like a heavy one (`datasets/` of the project) is followed as a project module below.
      if (model.moduleFileOf({ module: top, level: 0 }) || projectModuleOf(model, binding.module)) continue;
      if (model.guardsOf(binding.statement).some((guard) => NOT_RUN_LOCALLY.has(guard.kind))) continue;
      reported.add(binding.moduleNode);
      report(binding.moduleNode, declared(top) ? 'heavyImportDeclared' : 'heavyImport', { module: binding.module, package: top });
    }
    if (!model.project.moduleSummary) return;
    const summary = moduleSummaryOf(model);
    for (const entry of summary.imports) {
      if (entry.level === 0 && heavy.has(entry.module.split('.')[0]!) && !model.moduleFileOf({ module: entry.module.split('.')[0]!, level: 0 })) continue;
      const files = importedFiles((module, level) => model.moduleFileOf({ module, level }), entry);
      for (const file of files) {
        const found = heavyChain(model, file, heavy);
        if (!found) continue;
        const binding = model.imports.find((candidate) => candidate.statement.startRow + 1 === entry.line && candidate.module === entry.module && candidate.level === entry.level);
        if (!binding || reported.has(binding.moduleNode)) break;
        reported.add(binding.moduleNode);
        const name = `${'.'.repeat(entry.level)}${entry.module}`;
        report(binding.moduleNode, declared(found.package) ? 'heavyImportThroughDeclared' : 'heavyImportThrough', { module: name || entry.importedNames.join(', '), package: found.package, chain: found.chain.join(', ') });
        break;
      }
    }
  },
});
