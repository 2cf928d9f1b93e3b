import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectIndex } from '../src/engine/project.js';
import {
  containerOf, containerPathOf, containerPathPresence, deployMachineOf, imageSourceOf, legacyMountsOf, locallyDeclaredModules,
  mayImportProjectModule, moduleContainers, projectModuleOf, shippedModulePresence,
} from '../src/model/environment/index.js';
import type { ModalModel } from '../src/model/model.js';
import { getParser, parseWith } from '../src/parser/parser.js';
import type { SyntaxNode } from '../src/parser/syntax.js';

const parser = await getParser();

/** A project on disk (files by relative path) and the model of one of its files. */
function modelIn(files: Record<string, string>, entry = 'app.py'): { dir: string; model: ModalModel } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-environment-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const index = new ProjectIndex(dir, () => undefined, (source) => parseWith(parser, source));
  return { dir, model: index.modelFor(path.join(dir, entry))! };
}

function firstContainer(files: Record<string, string>, entry = 'app.py') {
  const { dir, model } = modelIn(files, entry);
  return { dir, model, container: containerOf(model, model.registrations[0]!) };
}

const app = (image: string, extra = ''): string => `import modal\nimage = ${image}\napp = modal.App("a", image=image)\n${extra}@app.function()\ndef f():\n    pass\n`;

function nodeWithText(model: ModalModel, text: string): SyntaxNode {
  for (const node of model.root.descendants()) if (node.text === text) return node;
  throw new Error(`no node "${text}"`);
}

describe('the deploying machine', () => {
  it('finds the project root above the file and puts the script folder before it on sys.path', () => {
    const { dir, model } = modelIn({ 'pyproject.toml': '[project]\nname = "x"\n', 'deploy/app.py': 'import modal\n', 'src/utils.py': '' }, 'deploy/app.py');
    const machine = deployMachineOf(model);
    expect(machine.projectRoot).toBe(dir);
    expect(machine.sysPath).toEqual([path.join(dir, 'deploy'), dir]);
  });

  it('resolves a namespace package of the project root only through the submodule it holds', () => {
    const { dir, model } = modelIn({ 'requirements.txt': '', 'deploy/app.py': 'import modal\n', 'src/utils.py': '', 'data/rows.csv': '' }, 'deploy/app.py');
    expect(projectModuleOf(model, 'src.utils')).toEqual({ location: path.join(dir, 'src'), folder: dir, namespace: true });
    expect(projectModuleOf(model, 'src.other')).toBeNull();
    expect(projectModuleOf(model, 'data.rows')).toBeNull();
    expect(projectModuleOf(model, 'numpy')).toBeNull();
  });

  it('reads the packages a project declares for itself, but not a requirements file handed to an image', () => {
    const declared = modelIn({ 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["sentence-transformers"]\n', 'app.py': 'import modal\n' }).model;
    // sentence-transformers brings torch with it.
    expect(locallyDeclaredModules(declared)?.has('torch')).toBe(true);
    const imageOnly = modelIn({ 'requirements.txt': 'torch\n', 'app.py': 'import modal\nimage = modal.Image.debian_slim().pip_install_from_requirements("requirements.txt")\n' }).model;
    expect(locallyDeclaredModules(imageOnly)).toBeNull();
    const local = modelIn({ 'requirements.txt': 'torch\n', 'app.py': 'import modal\n' }).model;
    expect(locallyDeclaredModules(local)?.has('torch')).toBe(true);
  });
});

describe('the image of a registration', () => {
  it('follows the App.image setter made before the registration', () => {
    const { model } = modelIn({ 'app.py': 'import modal\napp = modal.App("a")\napp.image = modal.Image.debian_slim().uv_pip_install("pandas")\n@app.function()\ndef f():\n    pass\n' });
    const source = imageSourceOf(model, model.registrations[0]!);
    expect(source.kind === 'chain' && source.chain.steps.map((step) => step.method)).toEqual(['uv_pip_install']);
  });

  it('takes the image the deploying machine binds under modal.is_local()', () => {
    const { model } = modelIn({ 'app.py': 'import modal\nif modal.is_local():\n    image = modal.Image.debian_slim().pip_install("a")\nelse:\n    image = modal.Image.debian_slim()\napp = modal.App("a", image=image)\n@app.function()\ndef f():\n    pass\n' });
    const source = imageSourceOf(model, model.registrations[0]!);
    expect(source.kind === 'chain' && source.chain.steps.map((step) => step.method)).toEqual(['pip_install']);
  });
});

describe('what a container holds', () => {
  it('records where each package came from', () => {
    const { container } = firstContainer({ 'requirements.txt': 'httpx\n', 'app.py': app('modal.Image.debian_slim().uv_pip_install("numpy").pip_install_from_requirements("requirements.txt")') });
    expect(Object.fromEntries(container.contents.origins)).toEqual({ numpy: '`uv_pip_install`', httpx: '`requirements.txt`' });
  });

  it('lets an unreadable step change only what it can', () => {
    const env = firstContainer({ 'app.py': app('modal.Image.debian_slim().uv_pip_install("numpy").env(dict(SETTINGS))', 'SETTINGS = {}\n') }).container;
    expect([env.contents.packagesUnknown, env.contents.filesUnknown]).toEqual([null, null]);
    expect(env.contents.sysPathUnknown).not.toBeNull();
    const download = firstContainer({ 'app.py': app('modal.Image.debian_slim().run_commands("wget -O /opt/model.bin https://example.invalid/model.bin")') }).container;
    expect(download.contents.packagesUnknown).not.toBeNull();
    expect(download.contents.filesUnknown).toBeNull();
    const clone = firstContainer({ 'app.py': app('modal.Image.debian_slim().run_commands("git clone https://example.invalid/repo.git /root/repo")') }).container;
    expect(clone.contents.filesUnknown).not.toBeNull();
  });

  it('places files at container paths, and answers for paths under a shipped folder only', () => {
    const { container } = firstContainer({ 'app.py': app('modal.Image.debian_slim().add_local_dir("weights", "/root/weights").workdir("/app").add_local_file("cfg.yaml", "conf/")') });
    expect(container.contents.files.map((file) => file.remote)).toEqual(['/root/weights', '/app/conf/cfg.yaml']);
    expect(container.workdir).toBe('/app');
    expect(containerPathPresence(container, '/root/weights/model.bin')).toBe('yes');
    expect(containerPathPresence(container, '/root/data/labels.json')).toBe('no');
    expect(containerPathPresence(container, '/root/app.py')).toBe('yes');
  });

  it('computes container paths the way code in the container does', () => {
    const { model, container } = firstContainer({ 'app.py': app('modal.Image.debian_slim()', 'from pathlib import Path\nDATA = Path(__file__).parent / "data" / "labels.json"\nUP = Path(__file__).parents[1] / "x"\n') });
    expect(containerPathOf(model, container, nodeWithText(model, 'Path(__file__).parent / "data" / "labels.json"'))).toBe('/root/data/labels.json');
    expect(containerPathOf(model, container, nodeWithText(model, 'Path(__file__).parents[1] / "x"'))).toBe('/x');
  });

  it('ships the entry file, except for serialized functions, and the modules the image adds', () => {
    const { model, container } = firstContainer({ 'app.py': app('modal.Image.debian_slim().add_local_python_source("helpers")'), 'helpers.py': '' });
    expect(shippedModulePresence(model, container, 'app')).toBe('yes');
    expect(shippedModulePresence(model, container, 'helpers')).toBe('yes');
    expect(shippedModulePresence(model, container, 'other')).toBe('no');
    const serialized = modelIn({ 'app.py': 'import modal\napp = modal.App("a")\n@app.function(serialized=True)\ndef f():\n    pass\n' }).model;
    const pickled = containerOf(serialized, serialized.registrations[0]!);
    expect(shippedModulePresence(serialized, pickled, 'app')).toBe('no');
    expect(mayImportProjectModule(serialized, pickled, ['app'])).toBe(false);
  });

  it('finds a module inside a folder copied onto sys.path by looking at the local folder', () => {
    const { model, container } = firstContainer({ 'app.py': app('modal.Image.debian_slim().add_local_dir("lib", "/root")'), 'lib/tools.py': '' });
    expect(shippedModulePresence(model, container, 'tools')).toBe('yes');
    expect(shippedModulePresence(model, container, 'missing')).toBe('no');
  });

  it('counts an install of the project or a package named like a module as holding it', () => {
    const installed = firstContainer({ 'app.py': app('modal.Image.debian_slim().pip_install("git+https://example.invalid/routes.git")') });
    expect(mayImportProjectModule(installed.model, installed.container, ['routes'])).toBe(true);
    const named = firstContainer({ 'app.py': app('modal.Image.debian_slim().pip_install("routes")') });
    expect(mayImportProjectModule(named.model, named.container, ['routes'])).toBe(true);
    const other = firstContainer({ 'app.py': app('modal.Image.debian_slim().pip_install("httpx").env({"MODE": "prod"})') });
    expect(mayImportProjectModule(other.model, other.container, ['routes'])).toBe(false);
  });

  it('reads pre-1.0 mounts at their container paths', () => {
    const { model } = modelIn({ 'app.py': 'import modal\napp = modal.App("a")\n@app.function(mounts=[modal.Mount.from_local_file(".env"), modal.Mount.from_local_dir("data", remote_path="/root/data")])\ndef f():\n    pass\n' });
    expect(legacyMountsOf(model, model.registrations[0]!).map((mount) => [mount.kind, mount.remote])).toEqual([['file', '/.env'], ['dir', '/root/data']]);
    expect(containerPathPresence(containerOf(model, model.registrations[0]!), '/.env')).toBe('yes');
  });

  it('gives a helper module the containers of the images it builds with local files', () => {
    const { model } = modelIn({ 'settings.py': 'import modal\nimage = modal.Image.debian_slim().add_local_dir("data", "/root/data")\n' }, 'settings.py');
    const containers = moduleContainers(model);
    expect(containers).toHaveLength(1);
    expect(containerPathPresence(containers[0]!, '/root/data/x.csv')).toBe('yes');
  });
});
