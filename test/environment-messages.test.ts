import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/engine/lint.js';

/** Lints a project written to a temporary folder with the given rules; returns `file:line severity rule message` lines. */
async function findings(files: Record<string, string>, select: string[]): Promise<Array<{ file: string; line: number; severity: string; ruleId: string; message: string }>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-env-messages-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const pythonFiles = Object.keys(files).filter((name) => name.endsWith('.py')).map((name) => ({ path: path.join(dir, name) }));
  const report = await lint(pythonFiles, { root: dir, toolVersion: 'test', select, ignore: [], severities: {}, ruleOptions: {}, ignoredForFile: () => new Set() });
  return report.files.flatMap((file) => file.diagnostics.map((d) => ({ file: path.relative(dir, file.path), line: d.range.start.line, severity: d.severity, ruleId: d.ruleId, message: d.message })));
}

describe('environment messages', () => {
  it('says that @modal.web_endpoint raises at import and that the FastAPI note is for @modal.fastapi_endpoint', async () => {
    const [legacy] = await findings({ 'app.py': 'import modal\napp = modal.App("a")\n@app.function()\n@modal.web_endpoint()\ndef f():\n    return 1\n' }, ['missing-image-package']);
    expect(legacy!.message).toContain('`@modal.web_endpoint` raises DeprecationError when this file is imported');
    expect(legacy!.message).toContain('(Modal 1.x renamed it `@modal.fastapi_endpoint`); the renamed decorator needs FastAPI');
    const [renamed] = await findings({ 'app.py': 'import modal\napp = modal.App("a")\n@app.function()\n@modal.fastapi_endpoint()\ndef f():\n    return 1\n' }, ['missing-image-package']);
    expect(renamed!.message).toMatch(/^`@modal.fastapi_endpoint` needs FastAPI in the container/);
    expect(renamed!.message).not.toContain('DeprecationError');
  });

  it('reports a package of the project root as a local module, never as a package to install', async () => {
    const found = await findings({
      'pyproject.toml': '[project]\nname = "svc"\n',
      'src/utils.py': 'X = 1\n',
      'deploy/app.py': 'import modal\napp = modal.App("a")\n@app.function()\ndef f():\n    from src.utils import X\n    return X\n',
    }, ['missing-image-package', 'local-module-not-in-image']);
    expect(found.map((finding) => finding.ruleId)).toEqual(['local-module-not-in-image']);
    expect(found[0]!.message).toContain('`src.utils` is a local module (`../src`)');
    expect(found[0]!.message).toContain('`.add_local_python_source("src")`');
    expect(found[0]!.message).not.toContain('pip_install');
  });

  it('warns that a heavy import the project installs locally slows every run and ties deploys to machines with it', async () => {
    const source = 'import modal\nimport torch\napp = modal.App("a")\n@app.function()\ndef f():\n    return torch\n';
    const [declared] = await findings({ 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["torch"]\n', 'app.py': source }, ['heavy-import-at-module-level']);
    expect(declared!.severity).toBe('warning');
    expect(declared!.message).toContain('deploys work only from machines with torch installed');
    const [undeclared] = await findings({ 'app.py': source }, ['heavy-import-at-module-level']);
    expect(undeclared!.severity).toBe('error');
    expect(undeclared!.message).toContain('may not be installed');
  });
});

describe('serialized-web-endpoint and the environment model', () => {
  it('keeps the certain failure where a step cannot put the module on the import path', async () => {
    const file = path.resolve(import.meta.dirname, '../fixtures/serialized-web-endpoint/fail_steps_that_add_no_module.py');
    const report = await lint([{ path: file }], { root: path.dirname(file), toolVersion: 'test', select: ['serialized-web-endpoint'], ignore: [], severities: {}, ruleOptions: {}, ignoredForFile: () => new Set() });
    const found = report.files[0]!.diagnostics.map((d) => `${d.range.start.line}:${d.severity}`);
    expect(found).toEqual(['19:error', '25:error', '31:error']);
  });

  it('lowers it to the convention where a step may ship the module', async () => {
    const file = path.resolve(import.meta.dirname, '../fixtures/serialized-web-endpoint/fail_convention_steps_that_ship/service.py');
    const report = await lint([{ path: file }], { root: path.dirname(file), toolVersion: 'test', select: ['serialized-web-endpoint'], ignore: [], severities: {}, ruleOptions: {}, ignoredForFile: () => new Set() });
    expect(new Set(report.files[0]!.diagnostics.map((d) => d.severity))).toEqual(new Set(['warning']));
  });
});

describe('unguarded-local-io and the environment model', () => {
  it('leaves load_dotenv() alone when Secret.from_dotenv() brings the variables, and reports it otherwise', async () => {
    const body = '@app.function()\ndef f():\n    return 1\n';
    const withSecret = await findings({ 'app.py': `import modal\nfrom dotenv import load_dotenv\nload_dotenv()\napp = modal.App("a", secrets=[modal.Secret.from_dotenv()])\n${body}` }, ['unguarded-local-io']);
    expect(withSecret).toEqual([]);
    const without = await findings({ 'app.py': `import modal\nfrom dotenv import load_dotenv\nload_dotenv()\napp = modal.App("a")\n${body}` }, ['unguarded-local-io']);
    expect(without.map((finding) => finding.message)).toEqual([expect.stringContaining('`load_dotenv()` runs at import time')]);
  });
});
