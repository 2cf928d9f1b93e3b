/**
 * Modal's public API as data: the names of `modal` and its public submodules, and for each
 * public class its attributes and the parameters of its methods, read from modal-client's source
 * at one release by `scripts/api-inventory.mjs` (regenerate it for a new release with
 * `node scripts/api-inventory.mjs --client <modal-client clone> --ref <tag or commit>`).
 */
import data from './inventory.json' with { type: 'json' };

/**
 * Parameters in Python-like notation: `name`, `name=` (has a default), `*` (keyword-only from
 * here), `/` (positional-only before here), `*args`, `**kwargs`.
 */
export type ParameterList = readonly string[];

export interface ApiAttribute {
  kind: 'method' | 'staticmethod' | 'classmethod' | 'property' | 'attribute' | 'class';
  params?: ParameterList;
  /** The inventory class its return annotation names (`modal.volume.Volume` for `-> "_Volume"`), when it names one. */
  returns?: string;
}

export interface ApiClass {
  /** The private class that defines it (`modal.dict._Dict` for `modal.dict.Dict`). */
  definedIn: string;
  /**
   * The parameters of `__init__`; `raises` names the exception when `__init__` is a single
   * `raise` (no working constructor); null when it comes from a base outside Modal or a decorator.
   */
  constructor: { params?: ParameterList; raises?: string } | null;
  attributes: Readonly<Record<string, ApiAttribute>>;
  instanceAttributes: readonly string[];
  /** Bases outside Modal (`Exception`, `Enum`, a metaclass): attributes beyond the ones listed exist. */
  openBases?: readonly string[];
  dynamicInstanceAttributes?: boolean;
}

export interface ApiFunction {
  definedIn: string;
  params: ParameterList;
  /** The inventory class its return annotation names, when it names one. */
  returns?: string;
  /** The exception a function whose body is a single `raise` raises. */
  raises?: string;
}

export interface ApiModule {
  all?: readonly string[];
  /** A module `__getattr__` that may answer any name. */
  dynamicAttributes?: boolean;
  /** Public name -> `module:<name>`, `class:<name>`, `function:<name>` or `value`. */
  names: Readonly<Record<string, string>>;
}

export interface ApiInventory {
  modalClient: { version: string; commit: string | null };
  /** Top-level commands of the `modal` CLI (`serve`, `deploy`, ...). */
  cliCommands: readonly string[];
  /** Python series (`3.12`, `3.14t`) each image builder version accepts (`SUPPORTED_PYTHON_SERIES` in `_image.py`). */
  supportedPythonSeries: Readonly<Record<string, readonly string[]>>;
  modules: Readonly<Record<string, ApiModule>>;
  classes: Readonly<Record<string, ApiClass | null>>;
  functions: Readonly<Record<string, ApiFunction>>;
}

export const MODAL_API = data as unknown as ApiInventory;

/** What a dotted `modal...` name is, following modules, classes and class attributes. */
export type ApiLookup =
  | { kind: 'module'; name: string; module: ApiModule }
  | { kind: 'class'; name: string; cls: ApiClass }
  | { kind: 'function'; name: string; fn: ApiFunction }
  | { kind: 'attribute'; cls: ApiClass; className: string; attribute: ApiAttribute | null }
  /** A name that exists but whose attributes the inventory does not describe. */
  | { kind: 'unchecked' }
  /** The last part does not exist in `container` (a module or class), which is fully known. */
  | { kind: 'missing'; container: string; containerKind: 'module' | 'class'; name: string; known: string[]; depth: number };

/** Resolves `modal.X.Y...` part by part; private (`_x`) parts and anything below a plain value are unchecked. */
export function lookupApi(qualified: string): ApiLookup {
  const parts = qualified.split('.');
  if (parts[0] !== 'modal') return { kind: 'unchecked' };
  let current: ApiLookup = { kind: 'module', name: 'modal', module: MODAL_API.modules.modal! };
  for (let index = 1; index < parts.length; index++) {
    const part = parts[index]!;
    if (part.startsWith('_')) return { kind: 'unchecked' };
    current = step(current, part);
    if (current.kind === 'missing') return { ...current, depth: index + 1 };
    if (current.kind === 'unchecked') return current;
  }
  return current;
}

function step(current: ApiLookup, part: string): ApiLookup {
  switch (current.kind) {
    case 'module': {
      const reference = current.module.names[part];
      if (reference === undefined) {
        if (current.module.dynamicAttributes) return { kind: 'unchecked' };
        return { kind: 'missing', container: current.name, containerKind: 'module', name: part, known: Object.keys(current.module.names), depth: 0 };
      }
      return referenceLookup(reference);
    }
    case 'class': {
      const attribute = current.cls.attributes[part];
      if (attribute) return attribute.kind === 'class' ? { kind: 'unchecked' } : { kind: 'attribute', cls: current.cls, className: current.name, attribute };
      if (current.cls.instanceAttributes.includes(part)) return { kind: 'attribute', cls: current.cls, className: current.name, attribute: null };
      if (current.cls.openBases) return { kind: 'unchecked' };
      return { kind: 'missing', container: current.name, containerKind: 'class', name: part, known: [...Object.keys(current.cls.attributes), ...current.cls.instanceAttributes], depth: 0 };
    }
    default:
      // Attributes of functions, methods and values (`from_id.aio`, `__name__`) are not described.
      return { kind: 'unchecked' };
  }
}

function referenceLookup(reference: string): ApiLookup {
  const [kind, name] = reference.split(':') as [string, string | undefined];
  if (kind === 'module' && name && MODAL_API.modules[name]) return { kind: 'module', name, module: MODAL_API.modules[name]! };
  if (kind === 'class' && name && MODAL_API.classes[name]) return { kind: 'class', name, cls: MODAL_API.classes[name]! };
  if (kind === 'function' && name && MODAL_API.functions[name]) return { kind: 'function', name, fn: MODAL_API.functions[name]! };
  return { kind: 'unchecked' };
}

/** Keyword names a parameter list accepts; null when it takes `**kwargs` (any keyword). */
export function acceptedKeywords(params: ParameterList): Set<string> | null {
  const accepted = new Set<string>();
  let positionalOnly = params.includes('/');
  for (const param of params) {
    if (param.startsWith('**')) return null;
    if (param === '/') {
      positionalOnly = false;
      continue;
    }
    if (param === '*' || param.startsWith('*')) continue;
    if (!positionalOnly) accepted.add(param.replace(/=$/, ''));
  }
  return accepted;
}
