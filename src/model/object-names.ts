import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments, type ModalModel } from './model.js';

/**
 * Names of Modal objects: which calls take one, when Modal checks it, and what it accepts.
 * The rule is `is_valid_object_name` in modal/_utils/name_utils.py:19-27 (modal-client 1.5.4):
 * at most 64 characters, only `[A-Za-z0-9-_.]`, non-empty, and not shaped like an App id.
 */

/** When a name Modal rejects makes the program fail. */
export type NameCheck =
  /** `check_object_name` runs in the call itself: on import, locally and in every container. */
  | 'call'
  /** Only `modal deploy` (and `App.lookup`) check an App's name (runner.py:616); `modal run` accepts it. */
  | 'deploy'
  /** The lookup checks nothing, but Modal refuses to create an object with the name. */
  | 'lookup';

export interface NamedObjectCall {
  /** The object the name belongs to, as Modal's error message says it: `Volume`, `App`. */
  kind: string;
  /** The keyword of the name argument; positional index 0 otherwise. */
  keyword: string;
  /** The name may only be given by keyword (`Sandbox.create(name=...)`). */
  keywordOnly?: boolean;
  check: NameCheck;
}

/** Calls that take an object or App name (besides `modal.App(...)`), by qualified name. */
export const NAMED_OBJECT_CALLS: Readonly<Record<string, NamedObjectCall>> = {
  // volume.py:607, dict.py:403, queue.py:394, network_file_system.py:121.
  'modal.Volume.from_name': { kind: 'Volume', keyword: 'name', check: 'call' },
  'modal.Dict.from_name': { kind: 'Dict', keyword: 'name', check: 'call' },
  'modal.Queue.from_name': { kind: 'Queue', keyword: 'name', check: 'call' },
  'modal.NetworkFileSystem.from_name': { kind: 'NetworkFileSystem', keyword: 'name', check: 'call' },
  // volume.py:185, dict.py:114, queue.py:79, secret.py:74 (the `objects.create` managers).
  'modal.Volume.objects.create': { kind: 'Volume', keyword: 'name', check: 'call' },
  'modal.Dict.objects.create': { kind: 'Dict', keyword: 'name', check: 'call' },
  'modal.Queue.objects.create': { kind: 'Queue', keyword: 'name', check: 'call' },
  'modal.Secret.objects.create': { kind: 'Secret', keyword: 'name', check: 'call' },
  // sandbox.py:806-807.
  'modal.Sandbox.create': { kind: 'Sandbox', keyword: 'name', keywordOnly: true, check: 'call' },
  // app.py:337.
  'modal.App.lookup': { kind: 'App', keyword: 'name', check: 'call' },
  // secret.py:411-459 checks nothing; `objects.create` (secret.py:74) and `create_deployed` (:471) do.
  'modal.Secret.from_name': { kind: 'Secret', keyword: 'name', check: 'lookup' },
  // The App name is not checked by the lookup (_functions.py, cls.py), but deploy rejects it (runner.py:616).
  // Their second argument is a Python identifier, never checked as an object name.
  'modal.Function.from_name': { kind: 'App', keyword: 'app_name', check: 'lookup' },
  'modal.Cls.from_name': { kind: 'App', keyword: 'app_name', check: 'lookup' },
};

export interface ObjectName {
  /** Where the name is written (the argument, resolved through constants, f-strings and `+`). */
  node: SyntaxNode;
  name: string;
  kind: string;
  check: NameCheck;
  /** The call that takes the name, without `modal.`: `Volume.from_name`, `App`. */
  call: string;
}

/**
 * Every statically known object or App name in the file: `modal.App(name)` (not `App.lookup`,
 * which is among the calls) and the name argument of each call in `NAMED_OBJECT_CALLS`.
 * Names that cannot be resolved are left out; the empty App name is left out (it means "no name").
 */
export function objectNames(model: ModalModel): ObjectName[] {
  const names: ObjectName[] = [];
  const add = (node: SyntaxNode | null | undefined, kind: string, check: NameCheck, call: string) => {
    const value = model.resolve(node);
    if (node && value.kind === 'str') names.push({ node, name: value.value, kind, check, call });
  };
  for (const app of model.apps) {
    if (app.constructor === 'lookup') continue;
    const value = model.resolve(app.nameNode);
    if (value.kind === 'str' && value.value !== '') add(app.nameNode, 'App', 'deploy', app.constructor);
  }
  for (const node of model.nodesOfType('call')) {
    const qualified = model.qualifiedName(node.field('function')) ?? '';
    const target = NAMED_OBJECT_CALLS[qualified];
    if (!target) continue;
    const args = callArguments(node);
    add(args.keywords.get(target.keyword) ?? (target.keywordOnly ? undefined : args.positional[0]), target.kind, target.check, qualified.replace(/^modal\./, ''));
  }
  return names.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

export type NameProblem = 'empty' | 'too-long' | 'characters' | 'app-id';

const OBJECT_NAME_CHARACTERS = /^[a-zA-Z0-9._-]+$/;
const APP_ID = /^ap-[a-zA-Z0-9]{22}$/;
/** name_utils.py:22: `len(name) <= 64` (the error text says "shorter than 64", the code allows 64). */
export const MAX_OBJECT_NAME_LENGTH = 64;

/** Why Modal rejects a name (`is_valid_object_name` is false), or null when it accepts it. */
export function objectNameProblem(name: string): NameProblem | null {
  if (name.length > MAX_OBJECT_NAME_LENGTH) return 'too-long';
  if (name === '') return 'empty';
  if (!OBJECT_NAME_CHARACTERS.test(name)) return 'characters';
  if (APP_ID.test(name)) return 'app-id';
  return null;
}

export function isValidObjectName(name: string): boolean {
  return objectNameProblem(name) === null;
}

/** name_utils.py:30-38 and :41-44: what `check_environment_name` and `check_tag_dict` accept. */
const ENVIRONMENT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]+$/;
const TAG = /^[a-zA-Z0-9._-]{1,63}$/;

/** Why Modal rejects an Environment name, or null when it accepts it (`en-` is kept for Environment ids). */
export function environmentNameProblem(name: string): 'too-long' | 'characters' | 'environment-id' | null {
  if (name.length > MAX_OBJECT_NAME_LENGTH) return 'too-long';
  if (!ENVIRONMENT_NAME.test(name)) return 'characters';
  return name.toLowerCase().startsWith('en-') ? 'environment-id' : null;
}

/** True when `check_tag_dict` accepts a tag key or value: 1 to 63 letters, digits, `.`, `_` or `-`. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** Calls that check an Environment name in the call itself (_environments.py:54, :409). */
export const ENVIRONMENT_NAME_CALLS = new Set(['modal.Environment.from_name', 'modal.Environment.objects.create']);
