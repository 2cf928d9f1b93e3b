import { describe, expect, it } from 'vitest';
import { bindingMistake, signatureOf, signatureText } from '../src/model/call-signatures.js';
import { ModalModel } from '../src/model/model.js';
import { appsDefinedIn } from '../src/model/project-facts.js';
import { parsePython } from '../src/parser/parser.js';

async function signature(source: string, dropFirst = false) {
  const root = await parsePython(source);
  const definition = root.descendants().find((node) => node.type === 'function_definition')!;
  return signatureOf(definition, dropFirst);
}

describe('Python signatures as data', () => {
  it('reads every parameter kind and prints them as Python would', async () => {
    const sig = (await signature('def f(a, b: int, /, c=1, d: str = "x", *args, e, f=2, **kw): pass'))!;
    expect(sig.parameters.map((p) => p.kind)).toEqual(['positional-only', 'positional-only', 'positional', 'positional', 'var-positional', 'keyword-only', 'keyword-only', 'var-keyword']);
    expect(signatureText(sig)).toBe('a, b, /, c=1, d="x", *args, e, f=2, **kw');
    expect(signatureText((await signature('def g(self, *, x): pass', true))!)).toBe('*, x');
  });

  it('binds calls as Python does', async () => {
    const sig = (await signature('def thumbnail(path, size, quality=85): pass'))!;
    expect(bindingMistake(sig, { positional: 2, keywords: [], moreKeywords: false })).toBeNull();
    expect(bindingMistake(sig, { positional: 1, keywords: [], moreKeywords: false })).toBe('`size` is missing');
    expect(bindingMistake(sig, { positional: 4, keywords: [], moreKeywords: false })).toMatch(/at most 3 positional arguments, 4 given/);
    expect(bindingMistake(sig, { positional: 2, keywords: ['force'], moreKeywords: false })).toMatch(/no parameter `force`/);
    expect(bindingMistake(sig, { positional: 2, keywords: ['size'], moreKeywords: false })).toMatch(/both by position and by keyword/);
    // Unknown counts and splats leave what they may fill unknown.
    expect(bindingMistake(sig, { positional: null, keywords: [], moreKeywords: false })).toBeNull();
    expect(bindingMistake(sig, { positional: 1, keywords: [], moreKeywords: true })).toBeNull();
    const open = (await signature('def f(a, /, *args, b, **kw): pass'))!;
    expect(bindingMistake(open, { positional: 5, keywords: ['a', 'b', 'z'], moreKeywords: false })).toBeNull();
    expect(bindingMistake(open, { positional: 1, keywords: [], moreKeywords: false })).toBe('`b` is missing');
    const positionalOnly = (await signature('def f(a, /): pass'))!;
    expect(bindingMistake(positionalOnly, { positional: 0, keywords: ['a'], moreKeywords: false })).toMatch(/positional-only/);
  });

  it('gives up on parameters it cannot bind by name', async () => {
    expect(await signature('def f(self): pass', false)).not.toBeNull();
    expect(await signature('def f(*, x): pass', true)).toBeNull();
  });

  it('keeps each module\'s registered functions and classes as plain data in its exports and App facts', async () => {
    const source = [
      'import functools', 'import modal', '', 'app = modal.App("facts")', '',
      '@app.function(name="thumb")', 'def thumbnail(path, size=3):', '    yield path', '',
      '@app.function()', '@functools.cache', 'def wrapped(x):', '    return x', '',
      '@app.cls()', 'class Model:', '    name: str = modal.parameter()', '    top: int = modal.parameter(default=1)', '',
      '    @modal.method()', '    def generate(self, prompt, *, n=1):', '        return prompt', '',
    ].join('\n');
    const model = new ModalModel('/project/facts.py', await parsePython(source));
    const exports = model.exports();
    const thumbnail = exports.get('thumbnail')!.callable!;
    expect(thumbnail).toMatchObject({ kind: 'function', name: 'thumbnail', generator: true });
    expect(signatureText(thumbnail.signature!)).toBe('path, size=3');
    expect(exports.get('wrapped')!.callable!.signature).toBeNull();
    const modelFact = exports.get('Model')!.callable!;
    expect(modelFact.parameters).toEqual([{ name: 'name', hasDefault: false }, { name: 'top', hasDefault: true }]);
    expect(signatureText(modelFact.methods!.generate!)).toBe('prompt, *, n=1');
    // Serialisable as it is: what a cache stores is what a later run reads.
    expect(JSON.parse(JSON.stringify(modelFact))).toEqual(modelFact);
    const [app] = appsDefinedIn(model);
    expect(Object.keys(app!.callables).sort()).toEqual(['Model', 'thumb', 'wrapped']);
    expect(JSON.parse(JSON.stringify(app))).toEqual(app);
  });
});
