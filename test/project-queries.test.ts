import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultCache } from '../src/engine/cache.js';
import { lint } from '../src/engine/lint.js';

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-project-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Lints the named files of a project folder (others stay on disk, outside the run). */
async function findings(dir: string, names: string[], select: string[], cache: ResultCache | null = null): Promise<string[]> {
  const report = await lint(names.map((name) => ({ path: path.join(dir, name) })), {
    root: dir, toolVersion: 'test', select, ignore: [], severities: {}, ruleOptions: {}, ignoredForFile: () => new Set(), cache,
  });
  return report.files.flatMap((file) => file.diagnostics.map((d) => `${path.basename(file.path)}:${d.range.start.line}:${d.ruleId}`));
}

const COMMON = 'import modal\n\napp = modal.App("split-app")\n';
const STAGES = 'from common import app\n\n\n@app.function()\ndef extract(url):\n    return url\n';
const TRIGGER = 'import modal\n\nextract = modal.Function.from_name("split-app", "extract")\nload = modal.Function.from_name("split-app", "load")\n';

describe('project-wide questions', () => {
  it('reads registrations from modules beside the App even when they are not in the run', async () => {
    const dir = project({ 'common.py': COMMON, 'stages.py': STAGES, 'trigger.py': TRIGGER });
    expect(await findings(dir, ['common.py', 'trigger.py'], ['unknown-remote-reference'])).toEqual(['trigger.py:4:unknown-remote-reference']);
  });

  it('stays silent when a module beside the App uses it in a way the linter cannot read', async () => {
    const dir = project({ 'common.py': COMMON, 'stages.py': 'import common\n\nregister(common.app)\n', 'trigger.py': TRIGGER });
    expect(await findings(dir, ['common.py', 'trigger.py'], ['unknown-remote-reference'])).toEqual([]);
  });

  it('is silent when the App is not defined in the run', async () => {
    const dir = project({ 'common.py': COMMON, 'trigger.py': TRIGGER });
    expect(await findings(dir, ['trigger.py'], ['unknown-remote-reference'])).toEqual([]);
  });

  it('does not cache a result that read the whole run, so a file added later is seen', async () => {
    const dir = project({ 'service.py': 'import modal\n\napp = modal.App("svc")\n\n\n@app.function()\ndef run():\n    return 1\n', 'client.py': 'import modal\n\nf = modal.Function.from_name("svc", "other")\n' });
    const cache = ResultCache.open(dir, { version: '1' });
    expect(await findings(dir, ['client.py', 'service.py'], ['unknown-remote-reference'], cache)).toEqual(['client.py:3:unknown-remote-reference']);
    // A second module defining the same App name with the missing function: the lookup now matches.
    fs.writeFileSync(path.join(dir, 'extra.py'), 'import modal\n\nsame = modal.App("svc")\n\n\n@same.function()\ndef other():\n    return 2\n');
    const reopened = ResultCache.open(dir, { version: '1' });
    expect(await findings(dir, ['client.py', 'extra.py', 'service.py'], ['unknown-remote-reference'], reopened)).toEqual([]);
  });

  it('sees `with_options(gpu=...)` in another file of the run', async () => {
    const service = 'import modal\n\napp = modal.App("opts")\n\n\n@app.cls()\nclass Model:\n    @modal.enter()\n    def load(self):\n        import torch\n        self.x = torch.ones(1).cuda()\n';
    const dir = project({ 'service.py': service, 'caller.py': 'from service import Model\n\nFast = Model.with_options(gpu="L4")\n' });
    expect(await findings(dir, ['service.py'], ['cuda-without-gpu'])).toEqual(['service.py:11:cuda-without-gpu']);
    expect(await findings(dir, ['caller.py', 'service.py'], ['cuda-without-gpu'])).toEqual([]);
  });

  it('checks calls through `from_name` against signatures registered in a module that imports the App', async () => {
    const trigger = 'import modal\n\nextract = modal.Function.from_name("split-app", "extract")\nextract.remote("a", "b")\nextract.remote(url="a")\n';
    const dir = project({ 'common.py': COMMON, 'stages.py': STAGES, 'trigger.py': trigger });
    expect(await findings(dir, ['common.py', 'stages.py', 'trigger.py'], ['invalid-remote-call'])).toEqual(['trigger.py:4:invalid-remote-call']);
  });

  it('sees a changed signature in an imported module through the cache', async () => {
    const jobs = (params: string) => `import modal\n\napp = modal.App("jobs")\n\n\n@app.function()\ndef resize(${params}):\n    return 1\n`;
    const client = 'from jobs import app, resize\n\n\n@app.local_entrypoint()\ndef main():\n    resize.remote(1)\n';
    const dir = project({ 'jobs.py': jobs('path, size'), 'client.py': client });
    expect(await findings(dir, ['client.py'], ['invalid-remote-call'], ResultCache.open(dir, { version: '1' }))).toEqual(['client.py:6:invalid-remote-call']);
    fs.writeFileSync(path.join(dir, 'jobs.py'), jobs('path, size=2'));
    expect(await findings(dir, ['client.py'], ['invalid-remote-call'], ResultCache.open(dir, { version: '1' }))).toEqual([]);
  });
});
