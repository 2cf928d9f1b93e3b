import path from 'node:path';
import { WEB_DECORATORS } from '../model/model.js';
import { containerOf, mayImportProjectModule } from '../model/environment/index.js';
import { pickledReferences, runsAsScript, type ByReference } from '../model/pickling.js';
import { defineRule } from './types.js';

const APP_SERVERS = new Set(['asgi_app', 'wsgi_app']);

function describe(reason: ByReference): string {
  switch (reason.kind) {
    case 'def': return 'a function defined at the top level of this module';
    case 'class': return 'a class defined at the top level of this module';
    case 'web-app': return 'a module-level web app holding functions of this module';
    case 'module': return `the project module \`${reason.module}\``;
    case 'import': return `an import of the project module \`${reason.module}\``;
    case 'imported': return `a function, class or web app of the project module \`${reason.module}\``;
  }
}

export default defineRule({
  id: 'serialized-web-endpoint',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['web', 'serialization', 'deploy'],
  summary: '`serialized=True` web endpoint: fails when its code needs a module of the project; otherwise against the convention.',
  docs: {
    what: 'Flags `serialized=True` (resolved through module constants) on an `@app.function`, `@app.cls` or `@app.server` that serves an app through `@modal.asgi_app()` or `@modal.wsgi_app()`, when the pickled code refers to code of the project. The pickled code is the function body with its nested functions (for a class: its bases and every method), plus parameter and return annotations. It refers to code of the project when it reads a module-level name bound to a `def` or `class` of the file (route handlers, app factories, helpers, request models), or to a web app with such handlers attached (`web_app = FastAPI()` with `@web_app.get` routes, `include_router`, `add_middleware`, `lifespan=`), or when it uses another module of the project (`import routes`, `from .routes import router` at module level or inside the function). Constants, objects of installed packages, Modal objects and Functions, and imports of installed packages are fine. Silent when a step of the image can ship the module the pickled code needs: `add_local_python_source` of it, an `add_local_dir` / `add_local_file` that puts it on the container\'s import path (`/root` or `/root/<module>` on Modal\'s base images; any copy when `env` or `workdir` may change that path), an install of a local path, a VCS URL, the project\'s `pyproject.toml` / requirements or a package named like the module, a shell command that is not a plain system install or a pip install of other packages (it could clone or copy the code), a Dockerfile step or `run_function`; and when the image cannot be read; and, for names of the same file, when the file has an `if __name__ == "__main__":` block (run with `python`, its functions live in `__main__` and are copied). Reported at the `serialized=` keyword, naming the first such reference. Every other `serialized=True` web endpoint (any of `@modal.asgi_app`, `@modal.wsgi_app`, `@modal.fastapi_endpoint`, `@modal.web_server`, or an `@app.server` class) is reported too, as a warning: web services are not serialized by convention.',
    why: 'With `serialized=True` the function (or class) is pickled with cloudpickle at deploy (`FunctionInfo.serialized_function` in modal/_utils/function_utils.py, called from `_Function.from_local` in modal/_functions.py), and the container unpickles it instead of importing your module (`get_serialized_user_class_and_function` in modal/_container_entrypoint.py). No source of yours reaches the image (`get_entrypoint_mount` returns nothing for serialized functions). The decorated function itself is copied by value, because its module attribute is now a Modal Function, and so are the constants it reads. But cloudpickle stores a function or class found under its own name in an imported module other than `__main__`, and any imported module, as a reference to that module (`_should_pickle_by_reference` in modal/_vendor/cloudpickle.py). `modal run app.py` and `modal deploy app.py` import the file as the module `app` (`import_file_or_module` in modal/cli/import_refs.py), so a handler, router, request model or helper of the file or of a sibling module turns into "import app" in the container. The container does not have it and fails to start with a DeserializationError saying the module "is not available in the remote environment" (`deserialize` in modal/_serialization.py). An import of a project module inside the function fails with ModuleNotFoundError when it runs. A web app built entirely inside the function from installed packages works: modal-client tests exactly that (`test_local_execution_on_asgi_app`). It is still reported, with a lower severity, because web services keep `serialized=True` off by convention: a serialized endpoint depends on the pickle instead of the module, so it keeps working only while its code refers to nothing of the project (the next handler moved to module level or to a helper module turns it into the failure above), while the local Python version matches the image\'s (a mismatch fails to unpickle with a DeserializationError that asks for matching versions, `deserialize` in modal/_serialization.py), and while the pickle stays under 16 MiB (`_Function.from_local` in modal/_functions.py). Define the endpoint at module level and import what it needs instead; `serialized=True` is for functions that cannot be imported, such as ones defined inside another function.',
    example: 'web_app = FastAPI()\n\n@web_app.get("/predict")\ndef predict(x: float):\n    return {"y": 2 * x}\n\n@app.function(serialized=True)\n@modal.asgi_app()\ndef api():\n    return web_app',
    useInstead: 'web_app = FastAPI()\n\n@web_app.get("/predict")\ndef predict(x: float):\n    return {"y": 2 * x}\n\n@app.function()\n@modal.asgi_app()\ndef api():\n    return web_app',
    link: 'https://modal.com/docs/guide/webhooks',
  },
  messages: {
    convention: '`serialized=True` on web endpoint `{name}`: Modal pickles it at deploy instead of importing your module, so it keeps working only while its code refers to nothing of the project and the local Python version matches the image\'s; web endpoints are not serialized by convention. Drop `serialized=True` and define the endpoint at module level.',
    projectCode: '`serialized=True` on `{name}`: its pickled code refers to `{reference}` (line {line}), {what}; containers of a serialized function get no module `{module}`, so the web app fails with {failure}. Drop `serialized=True`, or build the app inside the function from installed packages.',
  },
  messageSeverities: { convention: 'warning' },
  check({ model, report }) {
    const asScript = runsAsScript(model);
    const ownModule = path.basename(model.path, '.py');
    const folders = path.dirname(model.path).split(/[\\/]/).filter((part) => part !== '');
    for (const registration of model.registrations) {
      const serialized = model.resolve(registration.args.keywords.get('serialized'));
      if (serialized.kind !== 'bool' || !serialized.value || !registration.target) continue;
      const keyword = registration.args.keywordNodes.get('serialized')!;
      const name = registration.target.field('name')!.text;
      const decorators = model.functionsOf(registration).flatMap((fn) => fn.decorators.map((d) => d.name));
      if (registration.kind !== 'server' && !decorators.some((d) => WEB_DECORATORS.has(d))) continue;
      const first = decorators.some((d) => APP_SERVERS.has(d)) ? firstProjectReference(registration) : null;
      if (!first) {
        report(keyword, 'convention', { name });
        continue;
      }
      report(keyword, 'projectCode', {
        name,
        reference: first.name,
        line: first.node.startRow + 1,
        what: describe(first.reason),
        module: 'module' in first.reason ? first.reason.module : ownModule,
        failure: first.reason.kind === 'import' ? 'ModuleNotFoundError when the import runs' : 'a DeserializationError ("module is not available in the remote environment")',
      });
    }

    /** The first reference of the pickled code to code of the project that the container will not have. */
    function firstProjectReference(registration: (typeof model.registrations)[number]) {
      const references = pickledReferences(model, registration.target!).filter((r) => !(asScript && ['def', 'class', 'web-app'].includes(r.reason.kind)));
      // Run with `-m pkg.app` or imported relatively, the top-level package is one of the folders above the file.
      const modules = [...references.map((r) => ('module' in r.reason ? r.reason.module.replace(/^\.+/, '') : ownModule).split('.')[0]!), ...folders];
      const first = references[0];
      return first && !mayImportProjectModule(model, containerOf(model, registration), modules) ? first : null;
    }
  },
});
