import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/engine/lint.js';

/** Messages of `ruleId` on one in-memory file, as `line: message`. */
async function messages(ruleId: string, lines: string[]): Promise<string[]> {
  const file = path.resolve('/virtual/app.py');
  const report = await lint([{ path: file, text: lines.join('\n') + '\n' }], {
    root: path.dirname(file), toolVersion: 'test', select: [ruleId], ignore: [], severities: {}, ruleOptions: {}, ignoredForFile: () => new Set(),
  });
  return report.files[0]!.diagnostics.filter((d) => d.ruleId === ruleId).map((d) => `${d.range.start.line}: ${d.message}`);
}

describe('messages state what Modal does', () => {
  it('min-containers-with-gpu on keep_warm speaks of the error first and of the cost once renamed', async () => {
    const found = await messages('min-containers-with-gpu', [
      'import modal',
      'app = modal.App("warm")',
      '@app.function(gpu="A10G", keep_warm=1)',
      'def f(): ...',
      '@app.function(gpu="A10G", min_containers=2)',
      'def g(): ...',
    ]);
    expect(found).toEqual([
      '3: `keep_warm=1` raises an error since Modal 1.4.0 (the keyword was renamed to `min_containers`); once renamed to `min_containers`, it keeps 1 GPU container(s) (A10G) running and billed even when idle.',
      '5: `min_containers=2` keeps 2 GPU container(s) (A10G) running and billed even when idle.',
    ]);
  });

  it('unknown-modal-api names the exception an import raises, and the fix for ClsMixin', async () => {
    const found = await messages('unknown-modal-api', [
      'import modal',
      'import modal.aio',
      'from modal.cls import ClsMixin',
      'from modal import serve',
      'x = modal.Secrets',
    ]);
    expect(found[0]).toBe('2: `modal.aio` does not exist in Modal 1.5.4 (ModuleNotFoundError).');
    expect(found[1]).toBe('3: `modal.cls.ClsMixin` does not exist in Modal 1.5.4 (ImportError): removed in Modal 0.62.2; remove it from the class bases (`@app.cls` classes need no mixin).');
    expect(found[2]).toMatch(/^4: `modal.serve` does not exist in Modal 1.5.4 \(ImportError\): `modal serve` is a command/);
    expect(found[3]).toBe('5: `modal.Secrets` does not exist in Modal 1.5.4 (AttributeError); did you mean `modal.Secret`?');
    expect(found).toHaveLength(4);
  });

  it('removed-api on Stub(secret=), secret= by registration kind, __enter__ and a web_endpoint import', async () => {
    const found = await messages('removed-api', [
      'import modal',
      'from modal import web_endpoint',
      'stub = modal.Stub("legacy", secret=modal.Secret.from_name("token"))',
      'app = modal.App("current")',
      '@app.function(secret=modal.Secret.from_name("a"))',
      '@web_endpoint()',
      'def f(): ...',
      '@app.cls(secret=modal.Secret.from_name("a"))',
      'class Model:',
      '    def __enter__(self): ...',
      '    def __exit__(self, *args): ...',
    ]);
    expect(found).toEqual([
      '3: `modal.Stub` was removed in Modal 1.0.0: use `modal.App`, which takes no `secret=`: pass a list, `secrets=[...]`.',
      '5: `secret=` raises an error since Modal 0.64.55: pass a list to `secrets=[...]` (from Modal 0.64.44 to 0.64.54 the Secret was silently not attached).',
      '6: `modal.web_endpoint` raises an error since Modal 1.4.0: use `@modal.fastapi_endpoint` (same arguments).',
      '8: `secret=` raises an error since Modal 0.64.44: pass a list to `secrets=[...]`.',
      '10: `__enter__` is no longer called when a Modal container starts (ignored since Modal 0.68.40; only local calls through `.local()` still run it): move its body into a method decorated with `@modal.enter()`.',
      '11: `__exit__` is no longer called on a Modal class (ignored since Modal 0.68.40): move its body into a method decorated with `@modal.exit()`.',
    ]);
  });

  it('removed-api keeps "a plain rename" for a Stub whose keywords App takes', async () => {
    const found = await messages('removed-api', ['import modal', 'stub = modal.Stub("legacy", image=modal.Image.debian_slim())']);
    expect(found).toEqual(['2: `modal.Stub` was removed in Modal 1.0.0: use `modal.App` (a plain rename).']);
  });

  it('deprecated-api dates NetworkFileSystem from 1.2.0, the first release that marks it', async () => {
    const found = await messages('deprecated-api', ['import modal', 'nfs = modal.NetworkFileSystem.from_name("cache")']);
    expect(found).toEqual(['2: `modal.NetworkFileSystem` is deprecated since Modal 1.2.0: move the data to a `modal.Volume` (the docs mark NetworkFileSystem as deprecated and due for removal).']);
  });

  it('kebab-case-name splits every word boundary', async () => {
    const found = await messages('kebab-case-name', [
      'import modal',
      'a = modal.App("RcloneToVolume")',
      'b = modal.App("HTTPServerToS3")',
      'c = modal.App("LoRATrainer")',
    ]);
    expect(found.map((m) => /e\.g\. "([^"]+)"/.exec(m)?.[1])).toEqual(['rclone-to-volume', 'http-server-to-s3', 'lora-trainer']);
  });
});

describe('removed-api on pre-1.0 lookups of class methods', () => {
  it('points Function.lookup and Function.from_name of "Cls.method" to Cls.from_name', async () => {
    const found = await messages('removed-api', [
      'import modal',
      'f = modal.Function.lookup("svc", "Model.generate")',
      'g = modal.Function.from_name("svc", "Model.generate")',
    ]);
    expect(found).toEqual([
      '2: `modal.Function.lookup` was removed in Modal 1.2.0: look the class up with `modal.Cls.from_name(app, "Model")` and call `generate` on an instance (`Function.from_name` rejects a dotted name since Modal 1.4.0).',
      '3: `Function.from_name(app, "Model.generate")` raises an error since Modal 1.4.0: look the class up with `modal.Cls.from_name(app, "Model")`.',
    ]);
  });
});

describe('decorator-misuse on stacked and local registrations', () => {
  it('says what Modal raises and when', async () => {
    const found = await messages('decorator-misuse', [
      'import modal',
      'app = modal.App("a")',
      '@app.function()',
      '@app.function(timeout=5)',
      'def f(): ...',
      'def build():',
      '    class Inner: ...',
      '    app.cls()(Inner)',
    ]);
    expect(found).toEqual([
      '3: `@app.function(...)` sits above another registration, `@app.function(...)`: decorators apply bottom-up, so it receives the Modal Function that one returned, which it cannot register, and Modal raises at import. Keep one registration.',
      '8: `app.cls(...)` registers class `Inner`, defined inside a function, without `serialized=True`: Modal raises LocalFunctionError ("can only import functions defined in global scope") when this runs; define it at module level or pass `serialized=True`.',
    ]);
  });
});

describe('web-endpoint-signature on an endpoint that returns a web app', () => {
  it('names the framework and the decorator that serves the app', async () => {
    const found = await messages('web-endpoint-signature', [
      'import modal',
      'from flask import Flask',
      'app = modal.App("a")',
      '@app.function()',
      '@modal.fastapi_endpoint()',
      'def site():',
      '    return Flask(__name__)',
    ]);
    expect(found).toEqual([
      "5: `@modal.fastapi_endpoint` serves what `site` returns, and it returns a Flask app: its one route answers with that app object instead of serving it, so none of the routes of that app is ever reached. Use `@modal.wsgi_app()`, which serves the returned app.",
    ]);
  });
});

describe('duplicate-app-name', () => {
  it('reports each definition, naming the other file, and says what a deploy does', async () => {
    const dir = path.resolve(import.meta.dirname, '../fixtures/duplicate-app-name/fail_split_jobs');
    const files = ['cleanup.py', 'report.py', 'scratch.py'].map((name) => ({ path: path.join(dir, name) }));
    const report = await lint(files, {
      root: dir, toolVersion: 'test', select: ['duplicate-app-name'], ignore: [], severities: {}, ruleOptions: {}, ignoredForFile: () => new Set(),
    });
    const found = report.files.flatMap((file) => file.diagnostics.map((d) => `${path.basename(file.path)}:${d.range.start.line}:${d.severity}: ${d.message}`));
    const sentence = 'and neither module imports the other: `modal deploy` publishes "nightly-jobs" with only the Functions of that run, so deploying one of these files removes the Functions, schedules and endpoints the other deployed. Give each App its own name, or define it once and import it.';
    expect(found).toEqual([
      `cleanup.py:5:warning: App name "nightly-jobs" is also defined in \`report.py\`, ${sentence}`,
      `report.py:3:warning: App name "nightly-jobs" is also defined in \`cleanup.py\`, ${sentence}`,
    ]);
  });
});
