import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectIndex } from '../src/engine/project.js';
import { ModalModel } from '../src/model/model.js';
import { isValidObjectName, objectNameProblem, objectNames } from '../src/model/object-names.js';
import { getParser, parseWith } from '../src/parser/parser.js';
import type { SyntaxNode } from '../src/parser/syntax.js';

const parser = await getParser();
const parse = (source: string): SyntaxNode => parseWith(parser, source);

function modelOf(source: string): ModalModel {
  return new ModalModel('/project/app.py', parse(source));
}

/** The first node of a type whose text is exactly `text`. */
function find(model: ModalModel, type: string, text: string): SyntaxNode {
  for (const node of model.root.descendants()) if (node.type === type && node.text === text) return node;
  throw new Error(`no ${type} "${text}"`);
}

describe('parser', () => {
  it('reports columns in UTF-16 code units', () => {
    const root = parse('x = "é🚀"; y = 1\n');
    const y = [...root.descendants()].find((node) => node.type === 'identifier' && node.text === 'y')!;
    expect(y.startColumn).toBe(11);
    expect(y.startIndex).toBe('x = "é🚀"; '.length);
  });

  it('copies a 10,000-deep expression without overflowing the stack', () => {
    const depth = 10_000;
    const root = parse(`x = ${'('.repeat(depth)}1${')'.repeat(depth)}\n`);
    let deepest = 0;
    for (const node of root.descendants()) if (node.type === 'integer') deepest = node.startColumn;
    expect(deepest).toBe(4 + depth);
  });
});

describe('modal names', () => {
  it('resolves every import form to qualified modal names', () => {
    const model = modelOf([
      'import modal',
      'import modal as m',
      'from modal import App, Image as I, is_local, enter, method',
      'a = modal.App; b = m.Volume; c = App; d = I.debian_slim; e = is_local; f = enter; g = method; h = other.App',
    ].join('\n'));
    const names = ['modal.App', 'm.Volume', 'App', 'I.debian_slim', 'is_local', 'enter', 'method', 'other.App'].map((text) =>
      model.qualifiedName(find(model, text.includes('.') ? 'attribute' : 'identifier', text)),
    );
    expect(names).toEqual(['modal.App', 'modal.Volume', 'modal.App', 'modal.Image.debian_slim', 'modal.is_local', 'modal.enter', 'modal.method', null]);
  });

  it('knows a file that never imports modal is not a Modal file', () => {
    expect(modelOf('import torch\nx = 1\n').isModalFile).toBe(false);
    expect(modelOf('import modal as m\n').isModalFile).toBe(true);
  });
});

describe('apps and registrations', () => {
  const source = [
    'import modal',
    'from modal import App',
    'app = modal.App("main-app")',
    'stub = modal.Stub("old-app")',
    'other = App()',
    'class Holder:',
    '    def __init__(self):',
    '        self.app = modal.App("held")',
    '@app.function(gpu="A10G", min_containers=1)',
    'def f(): ...',
    '@stub.cls(gpu="T4")',
    'class C:',
    '    @modal.enter()',
    '    def load(self): ...',
    '    @modal.method()',
    '    def run(self): ...',
    '    @modal.fastapi_endpoint(method="POST")',
    '    def web(self): ...',
    '@app.server(port=8000)',
    'class S:',
    '    @modal.enter()',
    '    def start(self): ...',
    '@app.local_entrypoint()',
    'def main(): ...',
    'wrap = app.cls(gpu="L4", keep_warm=1)',
    'class Base: ...',
    'Model = wrap(Base)',
    'def g(): ...',
    'app.function(**CONFIG)(g)',
    '@modal.asgi_app()',
    '@modal.concurrent(max_inputs=10)',
    '@app.function()',
    'def api(): ...',
    '@app.function()',
    '@modal.batched(max_batch_size=4, wait_ms=10)',
    '@modal.wsgi_app()',
    '@modal.web_server(8000)',
    '@modal.web_endpoint()',
    'def legacy(): ...',
  ].join('\n');

  it('finds Apps under every constructor and variable form', () => {
    const model = modelOf(source);
    expect(model.apps.map((app) => [app.variable, app.constructor, app.nameNode?.text ?? null])).toEqual([
      ['app', 'App', '"main-app"'],
      ['stub', 'Stub', '"old-app"'],
      ['other', 'App', null],
      ['self.app', 'App', '"held"'],
    ]);
  });

  it('finds registrations as decorators and as plain calls, with their targets', () => {
    const model = modelOf(source);
    expect(model.registrations.map((r) => [r.kind, r.appKey, r.target?.field('name')?.text ?? null, r.decorator !== null])).toEqual([
      ['function', 'app', 'f', true],
      ['cls', 'stub', 'C', true],
      ['server', 'app', 'S', true],
      ['local_entrypoint', 'app', 'main', true],
      ['cls', 'app', 'Base', false],
      ['function', 'app', 'g', false],
      ['function', 'app', 'api', true],
      ['function', 'app', 'legacy', true],
    ]);
    const wrapped = model.registrations[4]!;
    expect(model.resolve(wrapped.args.keywords.get('keep_warm'))).toEqual({ kind: 'num', value: 1 });
    expect(model.registrations[5]!.args.hasSplat).toBe(true);
  });

  it('reads Modal decorators on functions and methods and links methods to their class', () => {
    const model = modelOf(source);
    const byName = new Map(model.functions.map((fn) => [fn.name, fn]));
    expect(byName.get('load')!.decorators.map((d) => d.name)).toEqual(['enter']);
    expect(byName.get('web')!.decorators.map((d) => d.name)).toEqual(['fastapi_endpoint']);
    expect(byName.get('web')!.owner?.name).toBe('C');
    expect(byName.get('api')!.decorators.map((d) => d.name)).toEqual(['asgi_app', 'concurrent']);
    expect(byName.get('legacy')!.decorators.map((d) => d.name)).toEqual(['batched', 'wsgi_app', 'web_server', 'web_endpoint']);
    expect(model.classes.map((c) => [c.name, c.registration.kind, c.methods.map((m) => m.name)])).toEqual([
      ['C', 'cls', ['load', 'run', 'web']],
      ['S', 'server', ['start']],
      ['Base', 'cls', []],
    ]);
  });
});

describe('constants', () => {
  const model = modelOf([
    'PREFIX = "media"',
    'N = 2',
    'NAME = f"{PREFIX}-api"',
    'FULL = PREFIX + "-" + "worker"',
    'ITEMS = ["a", N, None]',
    'MORE = ITEMS + [3.5]',
    'NEG = -N',
    'TWICE = 1',
    'TWICE = 2',
    'def f(PREFIX):',
    '    return PREFIX',
    'use(NAME, FULL, ITEMS, MORE, NEG, TWICE, N, unknown_name)',
  ].join('\n'));
  const args = find(model, 'call', 'use(NAME, FULL, ITEMS, MORE, NEG, TWICE, N, unknown_name)').field('arguments')!.namedChildren;

  it('resolves strings, f-strings, +, numbers, lists and None through module constants', () => {
    const values = args.map((arg) => model.resolve(arg));
    expect(values[0]).toEqual({ kind: 'str', value: 'media-api' });
    expect(values[1]).toEqual({ kind: 'str', value: 'media-worker' });
    expect(values[2]!.kind === 'list' && values[2]!.items).toEqual([{ kind: 'str', value: 'a' }, { kind: 'num', value: 2 }, { kind: 'none' }]);
    expect(values[3]!.kind === 'list' && values[3]!.items.length).toBe(4);
    expect(values[4]).toEqual({ kind: 'num', value: -2 });
  });

  it('leaves names bound twice, and unknown names, unresolved', () => {
    expect(model.resolve(args[5])).toEqual({ kind: 'unknown' });
    expect(model.resolve(args[7])).toEqual({ kind: 'unknown' });
  });

  it('does not resolve a parameter through a module constant of the same name', () => {
    const inner = find(model, 'return_statement', 'return PREFIX').namedChildren[0]!;
    expect(model.resolve(inner)).toEqual({ kind: 'unknown' });
  });
});

describe('image chains', () => {
  it('follows a chain across reassignments', () => {
    const model = modelOf([
      'import modal',
      'base = modal.Image.debian_slim(python_version="3.12")',
      'image = base.uv_pip_install("torch")',
      'image = image.env({"A": "1"}).add_local_dir("src", "/root/src")',
      'app = modal.App("x", image=image)',
    ].join('\n'));
    const use = find(model, 'keyword_argument', 'image=image').field('value')!;
    const chain = model.imageChainOf(use)!;
    expect(chain.base?.constructor).toBe('debian_slim');
    expect(chain.steps.map((step) => step.method)).toEqual(['uv_pip_install', 'env', 'add_local_dir']);
  });
});

describe('guards', () => {
  const model = modelOf([
    'import modal',
    'from modal import is_local',
    'from typing import TYPE_CHECKING',
    'if modal.is_local():',
    '    a1 = 1',
    'else:',
    '    a2 = 1',
    'if not is_local():',
    '    b1 = 1',
    'if modal.is_local() and DEBUG:',
    '    c1 = 1',
    'else:',
    '    c2 = 1',
    'd = d1 if modal.is_local() else d2',
    'with vllm_image.imports():',
    '    import e1',
    'try:',
    '    import f1',
    'except ImportError:',
    '    pass',
    'if TYPE_CHECKING:',
    '    import g1',
    'if __name__ == "__main__":',
    '    h1 = 1',
    'def fn():',
    '    i1 = 1',
    'modal.is_local() and j1()',
  ].join('\n'));
  const kindsAt = (text: string) => model.guardsOf(find(model, 'identifier', text)).map((guard) => guard.kind);

  it('reads is_local() in if / if not / else / and / ternaries', () => {
    expect(kindsAt('a1')).toEqual(['local']);
    expect(kindsAt('a2')).toEqual(['container']);
    expect(kindsAt('b1')).toEqual(['container']);
    expect(kindsAt('c1')).toEqual(['local']);
    expect(kindsAt('c2')).toEqual([]);
    expect(kindsAt('d1')).toEqual(['local']);
    expect(kindsAt('d2')).toEqual(['container']);
    expect(kindsAt('j1')).toEqual(['local']);
  });

  it('reads image.imports(), try/except ImportError, TYPE_CHECKING, __main__ and function bodies', () => {
    expect(kindsAt('e1')).toEqual(['image-imports']);
    expect(kindsAt('f1')).toEqual(['try-import']);
    expect(kindsAt('g1')).toEqual(['type-checking']);
    expect(kindsAt('h1')).toEqual(['main']);
    expect(kindsAt('i1')).toEqual(['function']);
  });
});

describe('across files', () => {
  it('resolves Apps and images imported from other modules of the project', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-project-'));
    fs.mkdirSync(path.join(dir, 'pkg'));
    fs.writeFileSync(path.join(dir, 'pkg', 'common.py'), 'import modal\nimage = modal.Image.debian_slim().pip_install("x")\napp = modal.App("shared")\nhelper = 1\n');
    const worker = path.join(dir, 'pkg', 'worker.py');
    fs.writeFileSync(worker, 'from .common import app, image, helper\n@app.function(image=image)\ndef run(): ...\n@helper.function()\ndef not_modal(): ...\n');
    const absolute = path.join(dir, 'main.py');
    fs.writeFileSync(absolute, 'from pkg.common import app\n@app.cls()\nclass Model: ...\n');
    const index = new ProjectIndex(dir, () => undefined, (source) => parse(source));

    const workerModel = index.modelFor(worker)!;
    expect(workerModel.isModalFile).toBe(true);
    expect(workerModel.registrations.map((r) => [r.kind, r.target?.field('name')?.text])).toEqual([['function', 'run']]);
    const chain = workerModel.imageChainOf(workerModel.registrations[0]!.args.keywords.get('image'));
    expect(chain?.steps.map((s) => s.method)).toEqual(['pip_install']);

    const mainModel = index.modelFor(absolute)!;
    expect(mainModel.registrations.map((r) => r.kind)).toEqual(['cls']);
  });
});

describe('object names (is_valid_object_name in modal/_utils/name_utils.py)', () => {
  it('accepts letters, digits, "-", "_" and "." up to 64 characters, and rejects the rest with the reason', () => {
    expect(objectNameProblem('a'.repeat(64))).toBeNull();
    expect(objectNameProblem('a'.repeat(65))).toBe('too-long');
    expect(objectNameProblem('Model_Weights.v2-final')).toBeNull();
    expect(objectNameProblem('')).toBe('empty');
    expect(objectNameProblem('raw data')).toBe('characters');
    expect(objectNameProblem('café')).toBe('characters');
    expect(objectNameProblem('ap-AbCdEfGhIjKlMnOpQrStUv')).toBe('app-id');
    expect(objectNameProblem('ap-AbCdEfGhIjKlMnOpQrStU')).toBeNull();
    expect(isValidObjectName('ap-short')).toBe(true);
  });

  it('finds the names of App constructors and named-object calls, resolved, with when Modal checks them', () => {
    const model = modelOf([
      'import modal',
      'from modal import Volume',
      'BASE = "team"',
      'app = modal.App(f"{BASE} app")',
      'vol = Volume.from_name(BASE + "-vol")',
      'sec = modal.Secret.from_name("s")',
      'fn = modal.Function.from_name("other", "Not_Checked")',
      'modal.Dict.objects.create("d")',
      'modal.Sandbox.create("sleep", name="box")',
      'unknown = modal.Queue.from_name(BASE.upper())',
      'lookup = modal.App.lookup("deployed")',
    ].join('\n'));
    expect(objectNames(model).map(({ name, kind, check, call }) => `${call}:${kind}:${check}:${name}`)).toEqual([
      'App:App:deploy:team app',
      'Volume.from_name:Volume:call:team-vol',
      'Secret.from_name:Secret:lookup:s',
      'Function.from_name:App:lookup:other',
      'Dict.objects.create:Dict:call:d',
      'Sandbox.create:Sandbox:call:box',
      'App.lookup:App:call:deployed',
    ]);
  });
});
