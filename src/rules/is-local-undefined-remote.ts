import type { SyntaxNode } from '../parser/syntax.js';
import { isHandled } from '../model/handlers.js';
import { exitsEarlyOnLocality, localOnlyNames } from '../model/local-only.js';
import type { ModalModel } from '../model/model.js';
import { nameRole, readsModuleGlobal } from '../model/names.js';
import {
  chainKey, containerOf, imageLabel, imageProvides, isProjectModule, isSerialized, locallyDeclaredModules, projectModuleOf, type ImageSource,
} from '../model/environment/index.js';
import { DEFAULT_TABLES, importNamesOf, installedDistributions } from '../model/packages/index.js';
import { STDLIB_MODULES } from '../model/packages/stdlib-modules.js';
import { enclosingScope } from '../model/scope.js';
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
    if (isSerialized(model, registration) !== false) continue;
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
    what: 'Flags a read of a module-level name that is bound only on the local side of `modal.is_local()` (no binding before the guard, in the other branch, or anywhere else at module level) from code that also runs in the container: module-level code after the guard (decorator arguments included), and the bodies of functions registered with `@app.function`, `@app.cls` or `@app.server` and of their classes\' methods. Reads under another local guard (`if`, `X if modal.is_local() else Y`, `modal.is_local() and X`), in `@app.local_entrypoint()` bodies, under `if __name__ == "__main__":` or inside `try ... except NameError` are fine, as are names the function binds itself, and functions registered with `serialized=True` (pickled with their globals on the local side). Annotations are not checked, since they may never be evaluated. One finding per name in module code and per name in each function. The same trap has a second form: a name bound only inside a module-level `with image.imports():` block, which swallows the ImportError outside the containers of that image (modal-client `_image.py`, `imports()`). It is reported when code that runs at import time reads it (a class base or body, a decorator, a default value; not annotations, which Python 3.14 evaluates lazily), unless the project declares the package for its own environment, and when a registered function whose image is another one that does not install the package reads it.',
    why: 'Modal imports your module twice: on your machine, where `modal.is_local()` is true, and again in every container, where it is false (modal-client `_runtime/execution_context.py`: true unless a Function is running in this process). A name assigned or imported only on the local side (`if modal.is_local(): import dotenv`) does not exist in the container, so the first container-side read raises NameError: at import, which stops the container, or when the function runs.',
    example: 'if modal.is_local():\n    from dotenv import dotenv_values\n    settings = dotenv_values(".env")\n\n@app.function()\ndef greet() -> str:\n    return settings["GREETING"]',
    useInstead: 'import os\n\n# Ship the values with the function (or bind `settings` on both sides of the guard).\n@app.function(secrets=[modal.Secret.from_dotenv()])\ndef greet() -> str:\n    return os.environ["GREETING"]',
    link: 'https://modal.com/docs/reference/modal.is_local',
  },
  messages: {
    imageImportsAtImport: '`{name}` is imported only inside `with {image}.imports():`, which swallows the ImportError wherever {package} is not installed; this code reads it when the module is imported, so on a machine without {package} `{name}` does not exist and the import of this module raises NameError. Use it inside a function that runs in that image.',
    imageImportsOtherImage: '`{name}` is imported only inside `with {image}.imports():`; `{function}` runs in {other}, which does not install {package}, so the import is swallowed there and `{name}` raises NameError when `{function}` runs.',
    moduleLevel: '`{name}` is bound only when `modal.is_local()` is true (guard on line {line}); this module-level code runs again in every container, where `{name}` does not exist and raises NameError.',
    remoteBody: '`{name}` is bound only when `modal.is_local()` is true (guard on line {line}); `{function}` runs in the container, where `{name}` does not exist and raises NameError.',
  },
  check({ model, report }) {
    checkImageImportNames(model, report);
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

/** Guards under which a read of an image-imports name does not run where the import failed, or is meant to. */
const SKIPPED_GUARDS = new Set(['main', 'type-checking', 'image-imports', 'try-import', 'container', 'local']);

/** True inside a parameter or return annotation: evaluated lazily from Python 3.14 on (PEP 649), so not flagged. */
function inAnnotation(node: SyntaxNode): boolean {
  for (const ancestor of node.ancestors()) if (ancestor.type === 'type') return true;
  return false;
}

/**
 * Names bound only inside a module-level `with image.imports():` block (modal-client `_image.py`:
 * `imports()` records the exception instead of raising it, except in containers of that image):
 * a read at import time fails on a machine without the package, and a read in a function that runs
 * in another image without it fails there.
 */
function checkImageImportNames(model: ModalModel, report: (node: SyntaxNode, id: 'imageImportsAtImport' | 'imageImportsOtherImage', data: Record<string, string>) => void): void {
  const blocks = model.nodesOfType('with_statement').filter((statement) => enclosingScope(statement) === model.root && model.imageImportsReceiver(statement) !== null);
  if (blocks.length === 0) return;
  const declared = locallyDeclaredModules(model);
  // Whatever the Modal client installs is on every machine that deploys.
  const withModal = modalClientModules();
  const registrationOf = new Map<SyntaxNode, { name: string; image: ImageSource; contents: ReturnType<typeof containerOf>['contents'] }>();
  for (const fn of model.functions) {
    const registration = model.registrationOf(fn);
    if (!registration || registration.kind === 'local_entrypoint' || isSerialized(model, registration) !== false) continue;
    const container = containerOf(model, registration);
    registrationOf.set(fn.definition, { name: fn.owner ? `${fn.owner.name}.${fn.name}` : fn.name, image: container.image, contents: container.contents });
  }
  for (const block of blocks) {
    const receiver = model.imageImportsReceiver(block)!;
    const chain = model.imageChainOf(receiver);
    const key = chain ? chainKey(chain) : null;
    const label = receiver.text.length <= 40 ? receiver.text : 'image';
    for (const binding of model.imports) {
      if (!block.contains(binding.statement) || binding.level > 0) continue;
      const top = binding.module.split('.')[0]!;
      if (STDLIB_MODULES.has(top) || top === 'modal' || isProjectModule(model, top) || projectModuleOf(model, binding.module)) continue;
      const reported = new Set<string>();
      for (const use of model.identifiersNamed(binding.localName)) {
        if (use.startIndex < block.endIndex || nameRole(use) !== 'read' || !readsModuleGlobal(use) || isHandled(use, NAME_ERROR) || inAnnotation(use)) continue;
        // Bound anywhere else at module level, the name may exist without the block.
        if (model.bindingsFor(use).some((other) => !block.contains(other.statement))) continue;
        const guards = model.guardsOf(use);
        if (guards.some((guard) => SKIPPED_GUARDS.has(guard.kind))) continue;
        const outermostFunction = guards.filter((guard) => guard.kind === 'function').at(-1)?.node;
        if (!outermostFunction) {
          if (declared?.has(top) || withModal.has(top) || reported.has('module')) continue;
          reported.add('module');
          report(use, 'imageImportsAtImport', { name: use.text, image: label, package: top });
          continue;
        }
        const target = registrationOf.get(outermostFunction);
        if (!target || reported.has(target.name) || target.image.kind !== 'chain' || key === null || chainKey(target.image.chain) === key) continue;
        if (imageProvides(target.contents, top) !== 'no') continue;
        reported.add(target.name);
        report(use, 'imageImportsOtherImage', { name: use.text, image: label, function: target.name, other: imageLabel(target.image), package: top });
      }
    }
  }
}

let clientModules: Set<string> | null = null;

/** Top-level modules of the Modal client and its dependencies (from the package tables). */
function modalClientModules(): Set<string> {
  if (!clientModules) {
    const installed = installedDistributions([{ name: 'modal', extras: [] }], DEFAULT_TABLES);
    clientModules = new Set([...installed.distributions].flatMap((name) => importNamesOf(name, DEFAULT_TABLES)));
  }
  return clientModules;
}
