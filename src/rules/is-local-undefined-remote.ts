import type { SyntaxNode } from '../parser/syntax.js';
import { isHandled } from '../model/handlers.js';
import { exitsEarlyOnLocality, localOnlyNames } from '../model/local-only.js';
import type { ModalModel } from '../model/model.js';
import { nameRole, readsModuleGlobal } from '../model/names.js';
import { defineRule } from './types.js';

const NAME_ERROR = new Set(['NameError']);

/** Definitions whose bodies run in the container: registered functions and methods of registered classes. */
function remoteDefinitions(model: ModalModel): Map<SyntaxNode, string> {
  const result = new Map<SyntaxNode, string>();
  for (const fn of model.functions) {
    const registration = model.registrationOf(fn);
    if (!registration || registration.kind === 'local_entrypoint') continue;
    if (model.localityOf(fn.definition) === 'local' || model.localityOf(registration.node) === 'local') continue;
    // `serialized=True` pickles the function with the globals it reads, at deploy time, on the local side.
    const serialized = model.resolve(registration.args.keywords.get('serialized'));
    if (serialized.kind === 'bool' && serialized.value) continue;
    result.set(fn.definition, fn.owner ? `${fn.owner.name}.${fn.name}` : fn.name);
  }
  return result;
}

export default defineRule({
  id: 'is-local-undefined-remote',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['is_local', 'container', 'deploy'],
  summary: 'Name bound only when `modal.is_local()` is true, then used by code that runs in the container.',
  docs: {
    what: 'Flags a read of a module-level name that is bound only on the local side of `modal.is_local()` (no binding before the guard, in the other branch, or anywhere else at module level) from code that also runs in the container: module-level code after the guard (decorator arguments included), and the bodies of functions registered with `@app.function`, `@app.cls` or `@app.server` and of their classes\' methods. Reads under another local guard (`if`, `X if modal.is_local() else Y`, `modal.is_local() and X`), in `@app.local_entrypoint()` bodies, under `if __name__ == "__main__":` or inside `try ... except NameError` are fine, as are names the function binds itself, and functions registered with `serialized=True` (pickled with their globals on the local side). Annotations are not checked, since they may never be evaluated. One finding per name in module code and per name in each function.',
    why: 'Modal imports your module twice: on your machine, where `modal.is_local()` is true, and again in every container, where it is false (modal-client `_runtime/execution_context.py`: true unless a Function is running in this process). A name assigned or imported only on the local side (`if modal.is_local(): import dotenv`) does not exist in the container, so the first container-side read raises NameError: at import, which stops the container, or when the function runs.',
    example: 'if modal.is_local():\n    from dotenv import dotenv_values\n    settings = dotenv_values(".env")\n\n@app.function()\ndef greet() -> str:\n    return settings["GREETING"]',
    useInstead: 'import os\n\n# Ship the values with the function (or bind `settings` on both sides of the guard).\n@app.function(secrets=[modal.Secret.from_dotenv()])\ndef greet() -> str:\n    return os.environ["GREETING"]',
    link: 'https://modal.com/docs/reference/modal.is_local',
  },
  messages: {
    moduleLevel: '`{name}` is bound only when `modal.is_local()` is true (guard on line {line}); this module-level code runs again in every container, where `{name}` does not exist and raises NameError.',
    remoteBody: '`{name}` is bound only when `modal.is_local()` is true (guard on line {line}); `{function}` runs in the container, where `{name}` does not exist and raises NameError.',
  },
  check({ model, report }) {
    const localOnly = localOnlyNames(model);
    if (localOnly.size === 0) return;
    const remote = remoteDefinitions(model);
    const reported = new Set<string>();
    for (const use of model.nodesOfType('identifier')) {
      const guard = localOnly.get(use.text);
      if (!guard || nameRole(use) !== 'read' || !readsModuleGlobal(use) || isHandled(use, NAME_ERROR)) continue;
      const guards = model.guardsOf(use);
      if (model.localityOf(use) === 'local' || guards.some((g) => g.kind === 'main' || g.kind === 'type-checking')) continue;
      const outermostFunction = guards.filter((g) => g.kind === 'function').at(-1)?.node;
      const line = guard.startRow + 1;
      if (!outermostFunction) {
        if (use.startIndex < guard.startIndex || reported.has(use.text)) continue;
        reported.add(use.text);
        report(use, 'moduleLevel', { name: use.text, line });
        continue;
      }
      const fn = remote.get(outermostFunction);
      const key = `${use.text}@${outermostFunction.startIndex}`;
      if (fn === undefined || reported.has(key) || exitsEarlyOnLocality(model, outermostFunction, use)) continue;
      reported.add(key);
      report(use, 'remoteBody', { name: use.text, line, function: fn });
    }
  },
});
