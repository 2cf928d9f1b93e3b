import type { SyntaxNode } from '../parser/syntax.js';
import { functionHandleKind, INVOCATION_METHODS } from '../model/function-handles.js';
import type { ModalModel } from '../model/model.js';
import { defineRule } from './types.js';

/** Guards under which module-level code does not run on import: function bodies, `__main__`, `TYPE_CHECKING`. */
const NOT_ON_IMPORT = new Set(['function', 'main', 'type-checking']);

/** `app.run()` / `app.deploy()` on a Modal App. */
function appLifecycleCall(model: ModalModel, call: SyntaxNode): boolean {
  const callee = call.field('function');
  if (callee?.type !== 'attribute') return false;
  const method = callee.field('attribute')!.text;
  return (method === 'run' || method === 'deploy') && model.isAppExpression(callee.field('object')!);
}

/** Inside `with app.run():`, where the App-level finding already covers the block. */
function insideAppRun(model: ModalModel, node: SyntaxNode): boolean {
  for (const ancestor of node.ancestors()) {
    if (ancestor.type !== 'with_statement') continue;
    for (const item of ancestor.descendants()) {
      if (item.type === 'with_item' && item.parent?.parent === ancestor) {
        const value = item.field('value');
        const call = value?.type === 'as_pattern' ? value.namedChildren[0] : value;
        if (call?.type === 'call' && appLifecycleCall(model, call)) return true;
      }
    }
  }
  return false;
}

/** A notebook saved as Python (jupytext header, `# %%` cells): its top level is the entry point, run in a kernel. */
function isNotebookScript(source: string): boolean {
  return /^#\s*%%/m.test(source) || /^# ---\r?\n# jupyter:/.test(source.slice(0, 200).replace(/^#!.*\n/, ''));
}

function shortText(node: SyntaxNode, method: string): string {
  return node.text.length <= 60 && !node.text.includes('\n') ? node.text : `….${method}`;
}

export default defineRule({
  id: 'module-level-remote-call',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['invocation', 'import-time', 'containers'],
  summary: 'Modal Function called, or App run or deployed, at module level of a Modal module.',
  docs: {
    what: 'In a module that registers Modal Functions, classes or entrypoints, flags `.remote()`, `.remote_gen()`, `.map()`, `.starmap()`, `.spawn()`, `.spawn_map()` and `.for_each()` on a proven Modal Function (a function registered here with `@app.function(...)`, `modal.Function.from_name(...)`, a method of a Modal class instance such as `Model().predict`), and `app.run()` / `app.deploy()` on a Modal App, when they run at import: at module level, including inside module-level `if`, `for`, `with` and `try` blocks, class bodies and default arguments. Calls inside functions (such as `@app.local_entrypoint()` bodies), under `if __name__ == "__main__":` or `if TYPE_CHECKING:` are fine. Under `if modal.is_local():` (or its `else` of `if not modal.is_local():`), containers never run the call, but `modal run` and `modal deploy` import the module locally before the App is running: calls on Functions and classes defined in this module, and `app.run()` / `app.deploy()`, are still reported there; a deployed Function looked up with `Function.from_name` / `Cls.from_name` works without a running App and is not. `.map()` on anything not proven to be Modal (`pool.map`, `executor.map`, pandas) is never reported; nor are scripts that register nothing (`python client.py` calling a deployed Function), or notebooks saved as Python (a jupytext header or `# %%` cells), whose top level is the entry point.',
    why: 'Modal imports the module of a Function in every container that runs it, and `modal run` / `modal deploy` import it locally to find the App. Code at module level runs on each of those imports. A Function defined in the module is not hydrated until the App runs, so the call raises ExecutionError ("has not been hydrated") under `modal run`; in containers it would start remote work again on every cold start. The docstrings of `App.run` and `App.deploy` (`app.py`) warn against calling them at module scope for the same reason: each container import would run or redeploy the App.',
    example: '@app.function()\ndef square(x: int) -> int:\n    return x * x\n\nprint(square.remote(4))',
    useInstead: '@app.function()\ndef square(x: int) -> int:\n    return x * x\n\n@app.local_entrypoint()\ndef main():\n    print(square.remote(4))',
    link: 'https://modal.com/docs/guide/apps',
  },
  messages: {
    invocation: '`{call}(...)` runs every time this module is imported: `modal run` / `modal deploy` import it before the App is running, so the Function is not hydrated yet and the call raises, and every container that imports the module would call it again. Move it into an `@app.local_entrypoint()` function or under `if __name__ == "__main__":`.',
    lookupInvocation: '`{call}(...)` calls a deployed Function every time this module is imported: on `modal run` / `modal deploy` and again in every container that imports the module. Move it into a function (an `@app.local_entrypoint()`, or the code that needs the result) or under `if __name__ == "__main__":`.',
    appLifecycle: '`{call}()` at module level runs on every import of this module, including in each container that imports it to run a Function; guard it with `if __name__ == "__main__":` or use `modal run` / `modal deploy`.',
  },
  check({ model, report }) {
    if (model.registrations.length === 0 || isNotebookScript(model.source)) return;
    for (const call of model.nodesOfType('call')) {
      const callee = call.field('function');
      if (callee?.type !== 'attribute') continue;
      const method = callee.field('attribute')!.text;
      const isApp = appLifecycleCall(model, call);
      const handle = !isApp && INVOCATION_METHODS.has(method) ? functionHandleKind(model, callee.field('object')) : null;
      if (!isApp && !handle) continue;
      const guards = model.guardsOf(call);
      if (guards.some((guard) => NOT_ON_IMPORT.has(guard.kind))) continue;
      // A deployed Function looked up by name works before the App runs; under `is_local()` containers never call it.
      if (handle === 'lookup' && guards.some((guard) => guard.kind === 'local')) continue;
      if (isApp) report(call, 'appLifecycle', { call: shortText(callee, method) });
      else if (!insideAppRun(model, call)) report(call, handle === 'lookup' ? 'lookupInvocation' : 'invocation', { call: shortText(callee, method) });
    }
  },
});
