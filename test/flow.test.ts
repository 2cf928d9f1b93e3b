import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectIndex } from '../src/engine/project.js';
import { originValue, possibleLengths, possibleOrigins, type PossibleOrigin } from '../src/model/flow.js';
import { ModalModel } from '../src/model/model.js';
import { getParser, parseWith } from '../src/parser/parser.js';
import type { SyntaxNode } from '../src/parser/syntax.js';

const parser = await getParser();
const parse = (source: string): SyntaxNode => parseWith(parser, source);

function modelOf(source: string): ModalModel {
  return new ModalModel('/project/app.py', parse(source));
}

/** The value expression of the last `use = ...` statement. */
function useOf(model: ModalModel): SyntaxNode {
  const uses = model.nodesOfType('assignment').filter((node) => node.field('left')?.text === 'use');
  return uses.at(-1)!.field('right')!;
}

/** Each origin as `side: value`, where the value is a list length, a string, `None` or `?`. */
function describeOrigins(origins: PossibleOrigin[]): string[] {
  return origins.map((origin) => {
    const value = originValue(origin);
    const shown = value.kind === 'list' ? `len ${value.items.length}` : value.kind === 'str' ? value.value : value.kind === 'none' ? 'None' : '?';
    return `${origin.locality ?? 'any'}: ${shown}`;
  });
}

function originsOf(source: string): string[] {
  const model = modelOf(source);
  return describeOrigins(possibleOrigins(model, useOf(model)));
}

describe('values from helper functions', () => {
  it('follows a call to the returns of a function of the module', () => {
    expect(originsOf('def f():\n    return ["a", "b"]\nuse = f()\n')).toEqual(['any: len 2']);
  });

  it('reads the is_local() side of each return, from tests and early returns', () => {
    const early = [
      'import modal',
      'def secrets():',
      '    if not modal.is_local():',
      '        return []',
      '    return [modal.Secret.from_dict({"A": "1"})]',
      'use = secrets()',
    ].join('\n');
    expect(originsOf(early)).toEqual(['container: len 0', 'local: len 1']);
    const branches = [
      'import modal',
      'def secrets():',
      '    if modal.is_local():',
      '        return ["x"]',
      '    else:',
      '        return []',
      'use = secrets()',
    ].join('\n');
    expect(originsOf(branches)).toEqual(['local: len 1', 'container: len 0']);
  });

  it('keeps returns that depend on something else on both sides, and combines with the call site', () => {
    const source = [
      'import modal, os',
      'def optional():',
      '    if os.environ.get("HF_TOKEN"):',
      '        return ["hf"]',
      '    return []',
      'use = optional() if modal.is_local() else []',
    ].join('\n');
    expect(originsOf(source)).toEqual(['local: len 1', 'local: len 0', 'container: len 0']);
  });

  it('adds the implicit None of a function that can fall off its end', () => {
    expect(originsOf('import os\ndef f():\n    if os.environ.get("X"):\n        return "a"\nuse = f()\n')).toEqual(['any: a', 'any: None']);
  });

  it('ends recursion and mutual recursion with an unknown value', () => {
    expect(originsOf('def f(n):\n    if n:\n        return f(n - 1)\n    return "done"\nuse = f(3)\n')).toEqual(['any: ?', 'any: done']);
    expect(originsOf('def a():\n    return b()\ndef b():\n    return a() if x else "b"\nuse = a()\n')).toEqual(['any: ?', 'any: b']);
  });

  it('does not follow decorated functions, generators or parameters', () => {
    expect(originsOf('@app.function()\ndef f():\n    return [1]\nuse = f()\n')).toEqual(['any: ?']);
    expect(originsOf('def f():\n    yield 1\n    return [1]\nuse = f()\n')).toEqual(['any: ?']);
    expect(originsOf('def f(x):\n    return x\nuse = f(1)\n')).toEqual(['any: ?']);
  });
});

describe('names bound more than once', () => {
  it('gives every binding that can reach a use, and a straight-line one hides the earlier', () => {
    const source = [
      'import os',
      'secret = "named"',
      'if os.environ.get("DEV"):',
      '    secret = "local"',
      'use = secret',
    ].join('\n');
    expect(originsOf(source)).toEqual(['any: named', 'any: local']);
    expect(originsOf('secret = "a"\nsecret = "b"\nuse = secret\nsecret = "c"\n')).toEqual(['any: b']);
  });

  it('lets a binding under is_local() hide the earlier one on its side only', () => {
    const source = [
      'import modal',
      'secrets = ["a", "b"]',
      'if not modal.is_local():',
      '    secrets = ["a"]',
      'use = secrets',
    ].join('\n');
    expect(originsOf(source)).toEqual(['local: len 2', 'container: len 1']);
  });

  it('follows names through conditional expressions and skips exclusive branches', () => {
    const source = [
      'import os',
      'hf_secret = None',
      'if os.environ.get("HF"):',
      '    hf_secret = "hf"',
      'use = [hf_secret] if hf_secret else []',
    ].join('\n');
    expect(originsOf(source)).toEqual(['any: len 1', 'any: len 0']);
    const exclusive = 'import os\nif os.environ.get("A"):\n    x = "a"\n    use = x\nelse:\n    x = "b"\n';
    expect(originsOf(exclusive)).toEqual(['any: a']);
  });

  it('sees module bindings as they are at the end of the module from inside a function', () => {
    const model = modelOf('import os\nX = "a"\nif os.environ.get("B"):\n    X = "b"\ndef f():\n    use = X\n');
    expect(describeOrigins(possibleOrigins(model, useOf(model)))).toEqual(['any: a', 'any: b']);
  });
});

describe('helpers in other modules', () => {
  it('follows an imported function into its own module and reports at the call', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-flow-'));
    fs.writeFileSync(path.join(dir, 'helpers.py'), 'import modal\ndef secrets():\n    if not modal.is_local():\n        return []\n    return [modal.Secret.from_dict({"A": "1"})]\n');
    fs.writeFileSync(path.join(dir, 'cycle_a.py'), 'from cycle_b import g\ndef f():\n    return g()\n');
    fs.writeFileSync(path.join(dir, 'cycle_b.py'), 'from cycle_a import f\ndef g():\n    return f()\n');
    const main = path.join(dir, 'main.py');
    fs.writeFileSync(main, 'import helpers\nfrom helpers import secrets\nfrom cycle_a import f\nuse = secrets()\nuse = helpers.secrets()\nuse = f()\n');
    const index = new ProjectIndex(dir, () => undefined, (source) => parse(source));
    const model = index.modelFor(main)!;
    const uses = model.nodesOfType('assignment').map((node) => node.field('right')!);
    for (const use of uses.slice(0, 2)) {
      const origins = possibleOrigins(model, use);
      expect(describeOrigins(origins)).toEqual(['container: len 0', 'local: len 1']);
      expect(origins.every((origin) => origin.site === use && origin.model !== model)).toBe(true);
    }
    expect(describeOrigins(possibleOrigins(model, uses[2]))).toEqual(['any: ?']);
  });
});

describe('list lengths', () => {
  it('counts splats and `+` on each side of is_local()', () => {
    const source = [
      'import modal',
      'def optional():',
      '    try:',
      '        return [modal.Secret.from_name("a")]',
      '    except Exception:',
      '        return []',
      'extra = optional() if modal.is_local() else []',
      'use = [modal.Secret.from_name("b"), *extra] + ["c"]',
    ].join('\n');
    const model = modelOf(source);
    const lengths = possibleLengths(model, useOf(model))!.map((entry) => `${entry.locality ?? 'any'}: ${entry.length}`);
    expect(lengths).toEqual(['local: 3', 'local: 2', 'container: 2']);
  });

  it('gives up on what it cannot count', () => {
    const model = modelOf('import os\nuse = [1, *os.environ["X"].split()]\n');
    expect(possibleLengths(model, useOf(model))).toBeNull();
  });
});

describe('lists that change size', () => {
  it('counts appends under constant loops and is_local() branches, and no other resize', () => {
    const source = [
      'import modal',
      'def secrets():',
      '    if not modal.is_local():',
      '        return [modal.Secret.from_name("a")]',
      '    found = []',
      '    found.append(modal.Secret.from_dotenv())',
      '    return found',
      'use = secrets()',
    ].join('\n');
    const model = modelOf(source);
    expect(possibleLengths(model, useOf(model))?.map((entry) => [entry.length, entry.locality])).toEqual([[1, 'container'], [1, 'local']]);
    const looped = modelOf('import modal\nfound = []\nif modal.is_local():\n    for key in ("a", "b"):\n        found.append(key)\nuse = found\n');
    expect(possibleLengths(looped, useOf(looped))?.map((entry) => [entry.length, entry.locality])).toEqual([[2, 'local'], [0, 'container']]);
    const unknownLoop = modelOf('import modal, os\nfound = []\nfor key in os.environ:\n    found.append(key)\nuse = found\n');
    expect(possibleLengths(unknownLoop, useOf(unknownLoop))).toBeNull();
    const extended = modelOf('found = []\nfound.extend([1, 2])\nuse = found\n');
    expect(possibleLengths(extended, useOf(extended))).toBeNull();
    const sliced = modelOf('items = [1, 2]\nitems[1:] = []\nuse = items\n');
    expect(possibleLengths(sliced, useOf(sliced))).toBeNull();
  });
});
