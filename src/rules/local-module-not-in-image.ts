import path from 'node:path';
import { STDLIB_MODULES } from '../model/packages/stdlib-modules.js';
import { containerOf, entryLayout, imageProvides, localModulePath, projectModuleOf, shippedModulePresence, sysPathAdditions } from '../model/environment/index.js';
import { containerImports, isInsideFolder, registrationName, registrationsAt } from '../model/run-where.js';
import { defineRule } from './types.js';

export default defineRule({
  id: 'local-module-not-in-image',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['imports', 'image', 'container'],
  summary: 'A local module imported in the container is never shipped to it.',
  docs: {
    what: 'Reports an import of a module of the project (a file or folder beside the Modal file, or beside its top-level package) that runs in the container, in a registered function or class or at module level of the Modal file, when nothing ships that module: it is not part of what Modal ships on its own (the Modal file, or its whole top-level package under `modal run -m`), and no image step adds it (`add_local_python_source`, `add_local_dir` or `add_local_file` into `/root`). A module that registers functions on the App itself is no exception: each function\'s container receives only the file (or package) that defines it, so `from common import app` in `main.py` fails in the containers of `main.py`\'s functions. Modules of the project root (the nearest folder with `pyproject.toml`, `setup.py`, `setup.cfg`, `requirements.txt` or `.git`, which `modal run` / `modal deploy` put on `sys.path` as the working directory) count too, namespace packages such as `src/` included. A `sys.path.append(...)` / `sys.path.insert(...)` of a path the linter can read adds one folder on each side: the local folder where the module is found, and the container folder the same expression names (`Path(__file__).parent.parent / "lib"` is `/lib` there), which holds the module only if an image step ships it there. Silent when an image step cannot be read and could ship it (a Dockerfile, a copy into `/root`, a build command that fetches code, `pip install .`, `uv_sync`), when an `env` or `workdir` step that cannot be read may put a shipped folder on `sys.path`, and when a change to `sys.path` cannot be read.',
    why: 'Since Modal 1.0 a container no longer receives the local packages an App imports (modal-client CHANGELOG, 1.0.0). `modal run app.py` imports the file as a script and ships that one file, even inside a folder with `__init__.py`; `modal run -m pkg.app` ships the top-level package (`_utils/function_utils.py`, `cli/import_refs.py`). Any other local module is a ModuleNotFoundError in the container, while the same code works locally.',
    example: 'import modal\n\napp = modal.App("report-builder")\n\n@app.function()\ndef summarise():\n    from formatting import as_table  # formatting.py sits beside this file\n    return as_table([1, 2])',
    useInstead: 'import modal\n\nimage = modal.Image.debian_slim().add_local_python_source("formatting")\napp = modal.App("report-builder", image=image)\n\n@app.function()\ndef summarise():\n    from formatting import as_table\n    return as_table([1, 2])',
    link: 'https://modal.com/docs/guide/images#add-local-files-with-add_local_dir-and-add_local_file',
  },
  messages: {
    notShipped: '`{module}` is a local module (`{file}`), but the container of `{function}` does not receive it: Modal ships only {shipped}. Add it to the image with `.add_local_python_source("{top}")`.',
  },
  check({ model, report }) {
    if (model.registrations.length === 0 || sysPathAdditions(model) === null) return;
    const entries = containerImports(model).filter((entry) => entry.level === 0);
    if (entries.length === 0) return;
    const layout = entryLayout(model);
    for (const entry of entries) {
      const top = entry.module.split('.')[0]!;
      if (STDLIB_MODULES.has(top) || top === 'modal') continue;
      // Beside the file (or its package), else in the project root, the deploying machine's working directory.
      const local = localModulePath(model, layout.searchRoot, top) ?? projectModuleOf(model, entry.module)?.location ?? null;
      if (!local || local === model.path) continue;
      if (layout.packageDir && isInsideFolder(local, layout.packageDir)) continue;
      // A module that registers functions of its own ships itself to its own functions' containers, not to these.
      for (const { registration, image } of registrationsAt(model, entry)) {
        if (image.kind === 'unknown') continue;
        const container = containerOf(model, registration);
        if (shippedModulePresence(model, container, top) !== 'no' || imageProvides(container.contents, top) === 'yes') continue;
        const sources = [...container.contents.pythonSources].map((name) => `\`${name}\``);
        report(entry.moduleNode, 'notShipped', {
          module: entry.module,
          file: path.relative(path.dirname(model.path), local) || path.basename(local),
          function: registrationName(registration),
          shipped: (layout.mode === 'package' ? `the package \`${path.basename(layout.packageDir!)}\`` : `this file (\`${path.basename(model.path)}\`)`)
            + (sources.length > 0 ? ` and what the image adds with \`add_local_python_source\` (${sources.join(', ')})` : ''),
          top,
        });
        break;
      }
    }
  },
});
