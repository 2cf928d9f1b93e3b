import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { acceptedKeywords, lookupApi, MODAL_API } from '../src/model/api/inventory.js';

describe('Modal API inventory', () => {
  it('loads and names the modal-client release it was read from', () => {
    const raw = JSON.parse(fs.readFileSync(new URL('../src/model/api/inventory.json', import.meta.url), 'utf8'));
    expect(raw.modalClient.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(MODAL_API.modalClient.version).toBe(raw.modalClient.version);
    expect(MODAL_API.modalClient.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('holds the package names, its submodules and their names', () => {
    const modal = MODAL_API.modules.modal!;
    expect(modal.all).toContain('App');
    for (const name of modal.all ?? []) if (name !== '__version__') expect(modal.names[name], name).toBeDefined();
    expect(lookupApi('modal.runner').kind).toBe('module');
    expect(lookupApi('modal.runner.deploy_app').kind).toBe('function');
    expect(lookupApi('modal.exception.NotFoundError').kind).toBe('class');
    expect(lookupApi('modal.serve')).toMatchObject({ kind: 'missing', container: 'modal', name: 'serve' });
    expect(MODAL_API.cliCommands).toEqual(expect.arrayContaining(['run', 'serve', 'deploy', 'shell']));
  });

  it('holds class attributes, inherited ones and method parameters', () => {
    const volume = lookupApi('modal.Volume');
    expect(volume.kind).toBe('class');
    // `from_name` is Volume's own; `hydrate` comes from the Modal object base class.
    expect(lookupApi('modal.Volume.from_name')).toMatchObject({ kind: 'attribute', attribute: { kind: 'staticmethod' } });
    expect(lookupApi('modal.Volume.hydrate').kind).toBe('attribute');
    expect(lookupApi('modal.Volume.persisted')).toMatchObject({ kind: 'missing', name: 'persisted' });
    const appFunction = MODAL_API.classes['modal.app.App']!.attributes.function!;
    const keywords = acceptedKeywords(appFunction.params!)!;
    expect(keywords.has('retries')).toBe(true);
    expect(keywords.has('retry')).toBe(false);
    expect(MODAL_API.classes['modal.app.App']!.constructor!.params).toContain('name=');
  });

  it('marks constructors that always raise', () => {
    expect(MODAL_API.classes['modal.dict.Dict']!.constructor).toEqual({ raises: 'RuntimeError' });
    expect(MODAL_API.classes['modal.volume.Volume']!.constructor).toEqual({ raises: 'InvalidError' });
    expect(MODAL_API.classes['modal.retries.Retries']!.constructor!.raises).toBeUndefined();
  });

  it('accepts any keyword where a signature takes **kwargs, and none before a `/`', () => {
    expect(acceptedKeywords(['a', '**kwargs'])).toBeNull();
    expect([...acceptedKeywords(['a', '/', 'b', '*', 'c='])!]).toEqual(['b', 'c']);
  });

  it('records the Modal class a return annotation names', () => {
    const classes = MODAL_API.classes;
    expect(classes['modal.app.App']!.attributes.lookup!.returns).toBe('modal.app.App');
    expect(classes['modal.volume.Volume']!.attributes.from_name!.returns).toBe('modal.volume.Volume');
    expect(classes['modal.functions.Function']!.attributes.spawn!.returns).toBe('modal.functions.FunctionCall');
    expect(classes['modal.cls.Cls']!.attributes.with_options!.returns).toBe('modal.cls.Cls');
    // `-> typing_extensions.Self` and unions name no single class.
    expect(classes['modal.app.App']!.attributes.deploy!.returns).toBeUndefined();
    for (const cls of Object.values(classes)) {
      for (const attribute of Object.values(cls?.attributes ?? {})) if (attribute.returns) expect(classes[attribute.returns], attribute.returns).toBeTruthy();
    }
  });
});
