import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACHE_DIR_NAME, ResultCache } from '../src/engine/cache.js';
import { lint, type LintSettings } from '../src/engine/lint.js';

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-cache-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

async function run(dir: string, key: Record<string, unknown> = { version: '1' }, severities: LintSettings['severities'] = {}, names?: string[]) {
  const cache = ResultCache.open(dir, { ...key, severities });
  const report = await lint(
    (names ?? fs.readdirSync(dir).filter((name) => name.endsWith('.py')).sort()).map((name) => ({ path: path.join(dir, name) })),
    { root: dir, toolVersion: 'test', select: null, ignore: [], severities, ruleOptions: {}, ignoredForFile: () => new Set(), cache },
  );
  return report.files.flatMap((file) => file.diagnostics.map((d) => `${path.basename(file.path)}:${d.range.start.line}:${d.ruleId}:${d.severity}`));
}

const APP = 'import modal\nimport torch\napp = modal.App("cache-test")\n';

describe('result cache', () => {
  it('creates a tagged, self-ignoring cache folder and reuses results', async () => {
    const dir = project({ 'app.py': APP });
    expect(await run(dir)).toEqual(['app.py:2:heavy-import-at-module-level:error']);
    const cacheDir = path.join(dir, CACHE_DIR_NAME);
    expect(fs.readFileSync(path.join(cacheDir, 'CACHEDIR.TAG'), 'utf8')).toMatch(/^Signature: 8a477f597d28d172789f06886806bc55/);
    expect(fs.readFileSync(path.join(cacheDir, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(await run(dir)).toEqual(['app.py:2:heavy-import-at-module-level:error']);
  });

  it('never serves a stale result after the file is edited', async () => {
    const dir = project({ 'app.py': APP });
    await run(dir);
    fs.writeFileSync(path.join(dir, 'app.py'), APP.replace('import torch\n', ''));
    expect(await run(dir)).toEqual([]);
  });

  it('keys results by config and tool version', async () => {
    const dir = project({ 'app.py': APP });
    await run(dir);
    expect(await run(dir, { version: '1' }, { 'heavy-import-at-module-level': 'warning' })).toEqual(['app.py:2:heavy-import-at-module-level:warning']);
    expect(await run(dir, { version: '1' }, { 'heavy-import-at-module-level': 'off' })).toEqual([]);
    // A new version with a cache written by the old one recomputes instead of trusting it.
    const cacheFile = path.join(dir, CACHE_DIR_NAME, 'results-v1.json');
    const poisoned = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    for (const entry of Object.values<{ result: { diagnostics: unknown[] } }>(poisoned.entries)) entry.result.diagnostics = [];
    fs.writeFileSync(cacheFile, JSON.stringify(poisoned));
    expect(await run(dir, { version: '2' })).toEqual(['app.py:2:heavy-import-at-module-level:error']);
  });

  it('invalidates a result when a module it imports an App from changes', async () => {
    const dir = project({
      'common.py': 'import modal\napp = modal.App("shared-app")\n',
      // worker.py itself never changes: only the dependency check can notice that `app` stopped being an App.
      'worker.py': 'import modal\nfrom common import app\n\n@app.function(gpu="A10G", min_containers=1)\ndef run(): ...\n',
    });
    // `from common import app` also fails in `run`'s container, which receives only worker.py: not what this test is about.
    const only = (findings: string[]) => findings.filter((finding) => !finding.includes('local-module-not-in-image'));
    expect(only(await run(dir))).toEqual(['worker.py:4:min-containers-with-gpu:warning']);
    fs.writeFileSync(path.join(dir, 'common.py'), 'import modal\napp = object()\n');
    expect(only(await run(dir))).toEqual([]);
    fs.writeFileSync(path.join(dir, 'common.py'), 'import modal\napp = modal.App("shared-app")\n');
    expect(only(await run(dir))).toEqual(['worker.py:4:min-containers-with-gpu:warning']);
  });

  it('invalidates a result when a requirements file it read changes, and when a helper module gains a heavy import', async () => {
    const dir = project({
      'app.py': 'import modal\nimport helpers\nimage = modal.Image.debian_slim().pip_install_from_requirements("requirements.txt")\napp = modal.App("reqs", image=image)\n\n@app.function()\ndef run():\n    import yaml\n',
      'helpers.py': 'VALUE = 1\n',
      'requirements.txt': 'numpy\n',
    });
    const only = (findings: string[]) => findings.filter((finding) => !finding.includes('local-module-not-in-image'));
    expect(only(await run(dir))).toEqual(['app.py:8:missing-image-package:error']);
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'numpy\npyyaml\n');
    expect(only(await run(dir))).toEqual([]);
    fs.writeFileSync(path.join(dir, 'helpers.py'), 'import torch\n');
    expect(only(await run(dir))).toEqual(['app.py:2:heavy-import-at-module-level:error']);
  });

  describe('results that read the whole run', () => {
    // trigger.py looks up functions by App name: its result reads every file of the run.
    const SPLIT_APP = {
      // The App's image ships common.py, so `from common import app` also works in the containers.
      'common.py': 'import modal\n\napp = modal.App("split-pipeline", image=modal.Image.debian_slim().add_local_python_source("common"))\n',
      'stages.py': 'from common import app\n\n@app.function()\ndef extract(url): ...\n',
      'trigger.py': 'import modal\n\nextract = modal.Function.from_name("split-pipeline", "extract")\nload = modal.Function.from_name("split-pipeline", "load")\n',
    };
    const LOAD_MISSING = ['trigger.py:4:unknown-remote-reference:error'];
    const cacheFile = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, CACHE_DIR_NAME, 'results-v1.json'), 'utf8')) as { entries: Record<string, { run?: string }>; runs: Record<string, unknown> };

    it('are cached for a run of the same files, and recomputed when a file is added, edited or removed', async () => {
      const dir = project(SPLIT_APP);
      expect(await run(dir)).toEqual(LOAD_MISSING);
      const stored = cacheFile(dir);
      const runKeys = Object.values(stored.entries).flatMap((entry) => (entry.run ? [entry.run] : []));
      expect(runKeys.length).toBeGreaterThan(0);
      for (const key of runKeys) expect(stored.runs[key]).toBeDefined();
      expect(await run(dir)).toEqual(LOAD_MISSING);
      // A new file of the run registers `load` on the App: trigger.py itself never changed.
      fs.writeFileSync(path.join(dir, 'loader.py'), 'from common import app\n\n@app.function()\ndef load(): ...\n');
      expect(await run(dir)).toEqual([]);
      expect(await run(dir)).toEqual([]);
      fs.writeFileSync(path.join(dir, 'loader.py'), 'from common import app\n\n@app.function()\ndef load_all(): ...\n');
      expect(await run(dir)).toEqual(LOAD_MISSING);
      fs.writeFileSync(path.join(dir, 'loader.py'), 'from common import app\n\n@app.function()\ndef load(): ...\n');
      expect(await run(dir)).toEqual([]);
      fs.rmSync(path.join(dir, 'loader.py'));
      expect(await run(dir)).toEqual(LOAD_MISSING);
    });

    it('are recomputed when a file they read outside the run changes', async () => {
      // loader.py sits beside the App's module but is not linted: the App's registrations still come from it.
      const dir = project({ ...SPLIT_APP, 'loader.py': 'from common import app\n\n@app.function()\ndef load(): ...\n' });
      const names = ['common.py', 'stages.py', 'trigger.py'];
      expect(await run(dir, undefined, undefined, names)).toEqual([]);
      expect(await run(dir, undefined, undefined, names)).toEqual([]);
      fs.writeFileSync(path.join(dir, 'loader.py'), 'from common import app\n\n@app.function()\ndef load_all(): ...\n');
      expect(await run(dir, undefined, undefined, names)).toEqual(LOAD_MISSING);
      fs.rmSync(path.join(dir, 'loader.py'));
      expect(await run(dir, undefined, undefined, names)).toEqual(LOAD_MISSING);
      fs.writeFileSync(path.join(dir, 'other.py'), 'from common import app\n\n@app.function()\ndef load(): ...\n');
      expect(await run(dir, undefined, undefined, names)).toEqual([]);
    });

    it('give the same findings with and without the cache', async () => {
      const dir = project({ ...SPLIT_APP, 'loader.py': 'from common import app\n\n@app.function()\ndef load(): ...\n' });
      const uncached = await lint(
        Object.keys(SPLIT_APP).map((name) => ({ path: path.join(dir, name) })),
        { root: dir, toolVersion: 'test', select: null, ignore: [], severities: {}, ruleOptions: {}, ignoredForFile: () => new Set(), cache: null },
      );
      const names = Object.keys(SPLIT_APP);
      const cold = await run(dir, undefined, undefined, names);
      const warm = await run(dir, undefined, undefined, names);
      const expected = uncached.files.flatMap((file) => file.diagnostics.map((d) => `${path.basename(file.path)}:${d.range.start.line}:${d.ruleId}:${d.severity}`));
      expect(cold).toEqual(expected);
      expect(warm).toEqual(expected);
    });
  });

  it('refuses a cache folder that is a symlink', () => {
    const dir = project({});
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-elsewhere-'));
    fs.symlinkSync(elsewhere, path.join(dir, CACHE_DIR_NAME));
    expect(ResultCache.open(dir, {})).toBeNull();
  });
});
