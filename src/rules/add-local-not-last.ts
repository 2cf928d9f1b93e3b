import { inExclusiveBranches } from '../model/branches.js';
import { ADD_LOCAL_METHODS, addsImageLayer, BUILD_STEP_METHODS, isLazyAddLocal } from '../model/images.js';
import { defineRule } from './types.js';

export default defineRule({
  id: 'add-local-not-last',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['image', 'build', 'deploy'],
  summary: 'Image build step after a lazy `add_local_*` call.',
  docs: {
    what: 'Flags an image build step (`pip_install`, `uv_pip_install`, `run_commands`, `apt_install`, `env`, `workdir`, `run_function`, `dockerfile_commands`, `add_local_*(copy=True)`, ...) that comes after `add_local_file`, `add_local_dir` or `add_local_python_source` without `copy=True`, in one chain or across assignments (`base = image.add_local_python_source("core")`, then `image = base.pip_install(...)`). `pip_install()` and similar steps with nothing to install add no layer and are not findings. An `add_local_*` inside `if modal.is_local():` counts: that is the branch `modal deploy` builds.',
    why: 'Without `copy=True`, `add_local_*` does not bake files into the image: it records a mount that Modal attaches when each container starts. Any later layer is built on a base that still has such mounts, and its loader calls `_assert_no_mount_layers()` on the base (modal/_image.py, `_Image._from_args`), which raises InvalidError "An image tried to run a build step after using `image.add_local_*` to include local files." The failure comes at `modal run` / `modal deploy`, not when the file is imported.',
    example: 'image = (\n    modal.Image.debian_slim()\n    .add_local_python_source("core")\n    .uv_pip_install("httpx")\n)',
    useInstead: 'image = (\n    modal.Image.debian_slim()\n    .uv_pip_install("httpx")\n    .add_local_python_source("core")  # local files last\n)\n\n# or, when a later step needs the files at build time:\nimage = modal.Image.debian_slim().add_local_dir("app", "/app", copy=True).run_commands("pip install /app")',
    link: 'https://modal.com/docs/guide/images',
  },
  messages: {
    stepAfterLazyAdd: '`{method}` builds a layer after `{addMethod}` ({where}) added local files without `copy=True`; Modal raises InvalidError when it builds this image. Call `add_local_*` last, or pass `copy=True` to it.',
  },
  check({ model, report }) {
    if (!model.isModalFile) return;
    for (const node of model.nodesOfType('call')) {
      const callee = node.field('function');
      const method = callee?.type === 'attribute' ? callee.field('attribute')! : null;
      if (!method || (!BUILD_STEP_METHODS.has(method.text) && !ADD_LOCAL_METHODS.has(method.text))) continue;
      // Each call node is visited once, so a chain reached from several names is reported once.
      const steps = model.imageChainOf(node)?.steps;
      const step = steps?.at(-1);
      if (!steps || step?.call !== node || !addsImageLayer(model, step) || model.localityOf(node) === 'container') continue;
      // An `add_local_*` that only the container's import runs (`if not modal.is_local():`) is never built;
      // one in a sibling `if` / `elif` branch never precedes this step.
      const lazy = steps.slice(0, -1).find((earlier) => isLazyAddLocal(model, earlier)
        && model.localityOf(earlier.call) !== 'container' && !inExclusiveBranches(earlier.call, node));
      if (!lazy) continue;
      const where = model.root.contains(lazy.call) ? `line ${lazy.call.field('function')!.field('attribute')!.startRow + 1}` : 'in the imported image';
      report(method, 'stepAfterLazyAdd', { method: method.text, addMethod: lazy.method, where });
    }
  },
});
