import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ProjectIndex } from '../src/engine/project.js';
import { installedDistributions, parseRequirement } from '../src/model/packages/index.js';
import { readPyproject, readRequirementsFile, readShellCommand, readUvLock, emptySpec } from '../src/model/packages/requirements.js';
import { containerImports, isEntryModule, moduleSummaryOf } from '../src/model/run-where.js';
import { containerOf, entryLayout, imageContents, imageProvides, imageSourceOf, shippedModulePresence } from '../src/model/environment/index.js';
import { getParser, parseWith } from '../src/parser/parser.js';

const parser = await getParser();

/** A project on disk: files by relative path; returns its folder and an index over it. */
function project(files: Record<string, string>): { dir: string; index: ProjectIndex } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-run-where-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return { dir, index: new ProjectIndex(dir, () => undefined, (source) => parseWith(parser, source)) };
}

function modelIn(files: Record<string, string>, entry = 'app.py') {
  const { dir, index } = project(files);
  const model = index.modelFor(path.join(dir, entry))!;
  return { dir, index, model };
}

/** What the image of the first registration provides for each module. */
function provides(files: Record<string, string>, modules: string[]): Record<string, string> {
  const { model } = modelIn(files);
  const contents = imageContents(model, imageSourceOf(model, model.registrations[0]!));
  return Object.fromEntries(modules.map((module) => [module, imageProvides(contents, module)]));
}

const reader = (files: Record<string, string>) => (file: string) => files[file];

describe('requirement files', () => {
  it('follows -r, skips options, comments, hashes and constraints, keeps extras and drops markers', () => {
    const spec = readRequirementsFile('/p/requirements.txt', reader({
      '/p/requirements.txt': '# top\n-r base/common.txt\n-c constraints.txt\n--index-url https://x.invalid/simple\nfastapi[standard]>=0.110 ; python_version > "3.9"\nnumpy==2.1 \\\n  --hash=sha256:00\n',
      '/p/base/common.txt': 'pandas  # data\n-r ../requirements.txt\n',
    }));
    expect(spec.requirements).toEqual([
      { name: 'pandas', extras: [] },
      { name: 'fastapi', extras: ['standard'] },
      { name: 'numpy', extras: [] },
    ]);
    expect(spec.unreadable).toEqual([]);
  });

  it('marks paths, URLs, editable installs and missing files as unreadable', () => {
    const spec = readRequirementsFile('/p/r.txt', reader({ '/p/r.txt': '-e .\ngit+https://example.invalid/repo.git\n./wheels/a.whl\nrequests @ https://example.invalid/r.whl\n-r missing.txt\n' }));
    expect(spec.requirements).toEqual([{ name: 'requests', extras: [] }]);
    expect(spec.unreadable).toHaveLength(4);
    expect(spec.installsLocalCode).toBe(true);
  });

  it('reads pyproject dependencies, the optional groups asked for, and dependency groups', () => {
    const files = { '/p/pyproject.toml': '[project]\nname = "x"\ndependencies = ["numpy>=2"]\n[project.optional-dependencies]\nweb = ["fastapi"]\nml = ["torch"]\n[dependency-groups]\ndev = ["pytest", {include-group = "web"}]\n' };
    const names = (spec: ReturnType<typeof emptySpec>) => spec.requirements.map((r) => r.name);
    expect(names(readPyproject('/p/pyproject.toml', reader(files), ['web'], false))).toEqual(['numpy', 'fastapi']);
    expect(names(readPyproject('/p/pyproject.toml', reader(files), null, true))).toEqual(['numpy', 'fastapi', 'torch', 'pytest']);
    expect(readPyproject('/p/nope.toml', reader(files), [], false).unreadable).toHaveLength(1);
  });

  it('reads every package of uv.lock except the project itself', () => {
    const lock = '[[package]]\nname = "app"\nsource = { virtual = "." }\n[[package]]\nname = "PyYAML"\nsource = { registry = "https://pypi.org/simple" }\n[[package]]\nname = "lib"\nsource = { editable = "lib" }\n';
    const spec = readUvLock(lock, 'app')!;
    expect(spec.requirements).toEqual([{ name: 'pyyaml', extras: [] }]);
    expect(spec.unreadable).toEqual(['lib (local source)']);
    expect(readUvLock('not toml [', null)).toBeUndefined();
  });

  it('reads plain pip commands and refuses anything else', () => {
    const spec = readShellCommand('apt-get update && pip install --no-cache-dir -U "pandas==2.2" six; uv pip install --system --index-url https://x.invalid numpy && python3 -m pip install pyyaml');
    expect(spec!.requirements.map((r) => r.name)).toEqual(['pandas', 'six', 'numpy', 'pyyaml']);
    expect(readShellCommand('git clone https://example.invalid/r /r')).toBeNull();
    expect(readShellCommand('pip install --target /opt/x numpy')).toBeNull();
    expect(readShellCommand('pip install $EXTRA')).toBeNull();
    expect(readShellCommand('pip install -r /root/requirements.txt')!.unreadable).toHaveLength(1);
  });

  it('computes closures through the tables, and unknown distributions stay unknown', () => {
    const installed = installedDistributions([parseRequirement('pandas')!, parseRequirement('mystery-lib')!]);
    expect([...installed.distributions].sort()).toEqual(['mystery-lib', 'numpy', 'pandas', 'python-dateutil', 'pytz', 'six', 'tzdata']);
    expect([...installed.unknown]).toEqual(['mystery-lib']);
  });
});

describe('image contents', () => {
  it('follows the image of a function, its class, its App, or the default image', () => {
    const { model } = modelIn({
      'app.py': 'import modal\nimg = modal.Image.debian_slim().pip_install("numpy")\napp = modal.App("a", image=img)\nbare = modal.App("b")\n@app.function(image=modal.Image.debian_slim())\ndef own(): pass\n@app.cls()\nclass C: pass\n@bare.function()\ndef plain(): pass\n',
    });
    const [own, cls, plain] = model.registrations.map((registration) => imageSourceOf(model, registration));
    expect(own!.kind).toBe('chain');
    expect(cls!.kind === 'chain' && cls!.chain.steps.map((step) => step.method)).toEqual(['pip_install']);
    expect(plain!.kind).toBe('default');
  });

  it('follows an App imported from a project module to its image', () => {
    const { model } = modelIn({
      'common.py': 'import modal\nimage = modal.Image.debian_slim().uv_pip_install("pyyaml")\napp = modal.App("shared", image=image)\n',
      'app.py': 'from common import app\n@app.function()\ndef f():\n    import yaml\n',
    });
    const contents = imageContents(model, imageSourceOf(model, model.registrations[0]!));
    expect(imageProvides(contents, 'yaml')).toBe('yes');
    expect(imageProvides(contents, 'pandas')).toBe('no');
  });

  it('answers yes, no or unknown', () => {
    expect(provides({ 'app.py': 'import modal\napp = modal.App("a", image=modal.Image.debian_slim().uv_pip_install("pandas"))\n@app.function()\ndef f(): pass\n' }, ['numpy', 'dateutil', 'json', 'aiohttp', 'modal', 'yaml']))
      .toEqual({ numpy: 'yes', dateutil: 'yes', json: 'yes', aiohttp: 'yes', modal: 'yes', yaml: 'no' });
    expect(provides({ 'app.py': 'import modal\napp = modal.App("a", image=modal.Image.debian_slim().uv_pip_install("pandas", "unknown-dist"))\n@app.function()\ndef f(): pass\n' }, ['yaml', 'numpy']))
      .toEqual({ yaml: 'unknown', numpy: 'yes' });
    expect(provides({ 'app.py': 'import modal\napp = modal.App("a", image=modal.Image.from_registry("vllm/vllm-openai:latest"))\n@app.function()\ndef f(): pass\n' }, ['yaml', 'json']))
      .toEqual({ yaml: 'unknown', json: 'yes' });
    expect(provides({ 'app.py': 'import modal\napp = modal.App("a", image=modal.Image.from_registry("nvidia/cuda:12.4.0-devel-ubuntu22.04", add_python="3.11").pip_install("numpy"))\n@app.function()\ndef f(): pass\n' }, ['yaml', 'numpy']))
      .toEqual({ yaml: 'no', numpy: 'yes' });
  });

  it('reads requirements beside the Modal file, then at the project root', () => {
    const { model } = modelIn({
      'apps/app.py': 'import modal\napp = modal.App("a", image=modal.Image.debian_slim().pip_install_from_requirements("requirements.txt"))\n@app.function()\ndef f(): pass\n',
      'requirements.txt': 'pyyaml\n',
      'other/app.py': 'import modal\napp = modal.App("a", image=modal.Image.debian_slim().pip_install_from_requirements("requirements.txt"))\n@app.function()\ndef f(): pass\n',
      'other/requirements.txt': 'numpy\n',
    }, 'apps/app.py');
    const contents = imageContents(model, imageSourceOf(model, model.registrations[0]!));
    expect([imageProvides(contents, 'yaml'), imageProvides(contents, 'numpy')]).toEqual(['yes', 'no']);
    const beside = model.project as ProjectIndex;
    const other = beside.modelFor(path.join(beside.root, 'other/app.py'))!;
    const otherContents = imageContents(other, imageSourceOf(other, other.registrations[0]!));
    expect([imageProvides(otherContents, 'yaml'), imageProvides(otherContents, 'numpy')]).toEqual(['no', 'yes']);
  });

  it('reads a requirements file once per run', () => {
    const { dir, index } = project({ 'requirements.txt': 'pyyaml\n' });
    const spy = vi.spyOn(fs, 'readFileSync');
    const file = path.join(dir, 'requirements.txt');
    index.readText(path.join(dir, 'a.py'), file);
    index.readText(path.join(dir, 'b.py'), file);
    expect(spy.mock.calls.filter(([name]) => name === file)).toHaveLength(1);
    spy.mockRestore();
    expect(index.dependenciesOf(path.join(dir, 'b.py'))).toContain(file);
  });

  it('records local code the image adds', () => {
    const { model } = modelIn({
      'app.py': 'import modal\nimg = modal.Image.debian_slim().add_local_python_source("helpers.sub").add_local_file("p.py", "/root/").add_local_dir("cfg", "/root/cfg/")\napp = modal.App("a", image=img)\n@app.function()\ndef f(): pass\n',
    });
    const container = containerOf(model, model.registrations[0]!);
    expect(container.contents.files.map((file) => file.remote).sort()).toEqual(['/root/cfg', '/root/helpers', '/root/p.py']);
    expect(container.contents.filesUnknown).toBeNull();
    for (const name of ['cfg', 'helpers', 'p']) expect(shippedModulePresence(model, container, name)).toBe('yes');
    expect(shippedModulePresence(model, container, 'other')).toBe('no');
  });
});

describe('what runs where', () => {
  it('tells entry modules from client scripts', () => {
    expect(isEntryModule(modelIn({ 'app.py': 'import modal\napp = modal.App("a")\n' }).model)).toBe(true);
    expect(isEntryModule(modelIn({ 'app.py': 'import modal\nf = modal.Function.from_name("a", "f")\nif __name__ == "__main__":\n    f.remote()\n' }).model)).toBe(false);
  });

  it('summarises the module-level imports that run locally', () => {
    const { model } = modelIn({ 'app.py': 'import os\nfrom a.b import c, d\nwith img.imports():\n    import torch\ntry:\n    import x\nexcept ImportError:\n    pass\ndef f():\n    import y\n' });
    expect(moduleSummaryOf(model).imports).toEqual([
      { module: 'os', level: 0, importedNames: [], line: 1 },
      { module: 'a.b', level: 0, importedNames: ['c', 'd'], line: 2 },
    ]);
  });

  it('lists the imports each container runs', () => {
    const { model } = modelIn({
      'app.py': 'import modal\nimport json\napp = modal.App("a")\n@app.function()\ndef f():\n    import numpy\n@app.function(serialized=True)\ndef g():\n    import pandas\n@app.local_entrypoint()\ndef main():\n    import yaml\n',
    });
    const found = containerImports(model).map((entry) => [entry.module, entry.where, entry.registrations.map((r) => r.target?.field('name')?.text)]);
    expect(found).toEqual([
      ['modal', 'module', ['f']],
      ['json', 'module', ['f']],
      ['numpy', 'body', ['f']],
      ['pandas', 'body', ['g']],
    ]);
  });

  it('treats a module that uses relative imports inside a package as a package', () => {
    const files = { 'pkg/__init__.py': '', 'pkg/app.py': 'from .x import y\n', 'pkg/script.py': 'import x\n' };
    const { dir, index } = project(files);
    expect(entryLayout(index.modelFor(path.join(dir, 'pkg/app.py'))!)).toEqual({ mode: 'package', searchRoot: dir, packageDir: path.join(dir, 'pkg') });
    expect(entryLayout(index.modelFor(path.join(dir, 'pkg/script.py'))!).mode).toBe('script');
  });
});

describe('package settings from config', () => {
  it('extends the tables with import names and dependencies, and names a builder version', async () => {
    const { packageSettings } = await import('../src/rules/missing-image-package.js');
    const { model } = modelIn({ 'app.py': 'import modal\napp = modal.App("a", image=modal.Image.debian_slim().uv_pip_install("acme-sdk"))\n@app.function()\ndef f(): pass\n' });
    const contents = imageContents(model, imageSourceOf(model, model.registrations[0]!));
    expect(imageProvides(contents, 'acme')).toBe('unknown');
    const extended = packageSettings({ 'import-names': ['Acme_SDK=acme'], 'package-dependencies': ['acme-sdk=pyyaml'] });
    expect([imageProvides(contents, 'acme', extended), imageProvides(contents, 'yaml', extended), imageProvides(contents, 'pandas', extended)]).toEqual(['yes', 'yes', 'no']);
    const namesOnly = packageSettings({ 'import-names': ['acme-sdk=acme'] });
    expect([imageProvides(contents, 'acme', namesOnly), imageProvides(contents, 'pandas', namesOnly)]).toEqual(['yes', 'unknown']); // its dependencies are still unknown
    const unknownBuilder = packageSettings({ 'image-builder-version': '1999.01' });
    expect([imageProvides(contents, 'json', unknownBuilder), imageProvides(contents, 'pandas', unknownBuilder)]).toEqual(['yes', 'unknown']);
  });
});

describe('modules Modal imports', () => {
  it('counts a module that an entry module imports at module level, directly or through another module', async () => {
    const { runsUnderModal } = await import('../src/model/run-where.js');
    const files: Record<string, string> = {
      'app.py': 'import modal\nfrom shared import (\n    config,\n)\napp = modal.App("a")\n',
      'shared/__init__.py': '',
      'shared/config.py': 'import modal\nimport settings\n',
      'settings.py': 'import modal\nX = 1\n',
      'client.py': 'import modal\nf = modal.Function.from_name("a", "f")\n',
      'lazy.py': 'import modal\n',
      'main.py': 'import modal\napp = modal.App("b")\ndef later():\n    import lazy\n',
    };
    const { dir } = project(files);
    const index = new ProjectIndex(dir, () => undefined, (source) => parseWith(parser, source), () => Object.keys(files).map((name) => path.join(dir, name)));
    const under = (name: string) => runsUnderModal(index.modelFor(path.join(dir, name))!);
    expect([under('app.py'), under('shared/config.py'), under('settings.py'), under('client.py'), under('lazy.py')]).toEqual([true, true, true, false, false]);
    expect(index.dependsOnRun(path.join(dir, 'settings.py'))).toBe(true);
  });
});
