import path from 'node:path';
import type { SyntaxNode } from '../../parser/syntax.js';
import { resolveAt } from '../images.js';
import { callArguments, type ModalModel, type Registration } from '../model.js';

/*
 * Pre-1.0 `mounts=[modal.Mount.from_local_dir(...), modal.Mount.from_local_file(...)]` on a
 * function or an App: files of the deploying machine placed at container paths. modal-client
 * `mount.py` before a57d40173: `add_local_file` puts a file at `PurePosixPath("/", remote_path)`,
 * by default `/<file name>`.
 */

export interface MountedFile {
  /** The container path, absolute; null when it cannot be read. */
  remote: string | null;
  /** The local path, when it can be read. */
  local: string | null;
  kind: 'file' | 'dir' | 'python-packages' | 'unknown';
  /** For `from_local_python_packages`: the module names. */
  modules: string[];
}

/** The mounts of a registration and of its App (created in this module); an empty list when there are none. */
export function legacyMountsOf(model: ModalModel, registration: Registration): MountedFile[] {
  const app = model.appOf(registration);
  const lists = [registration.args.keywords.get('mounts'), app ? callArguments(app.call).keywords.get('mounts') : undefined];
  const result: MountedFile[] = [];
  for (const list of lists) {
    if (!list) continue;
    const items = model.listItems(list);
    if (!items) {
      result.push({ remote: null, local: null, kind: 'unknown', modules: [] });
      continue;
    }
    for (const item of items) result.push(readMount(model, item));
  }
  return result;
}

/** True when the module passes `mounts=` anywhere (a registration, an App, or a helper building one). */
export function usesLegacyMounts(model: ModalModel): boolean {
  return model.nodesOfType('keyword_argument').some((node) => node.field('name')?.text === 'mounts')
    || model.nodesOfType('call').some((call) => /^modal\.Mount\./.test(model.qualifiedName(call.field('function')) ?? ''));
}

function stringAt(model: ModalModel, node: SyntaxNode | undefined): string | null {
  if (!node) return null;
  const value = resolveAt(model, node);
  return value.kind === 'str' ? value.value : null;
}

function readMount(model: ModalModel, item: SyntaxNode): MountedFile {
  const call = model.originCall(item);
  const name = call ? model.qualifiedName(call.field('function')) : null;
  if (!call || !name) return { remote: null, local: null, kind: 'unknown', modules: [] };
  const args = callArguments(call);
  const local = stringAt(model, args.keywords.get('local_path') ?? args.positional[0]);
  const remoteNode = args.keywords.get('remote_path') ?? args.positional[1];
  const remote = remoteNode ? stringAt(model, remoteNode) : undefined;
  switch (name) {
    case 'modal.Mount.from_local_file':
    case 'modal.Mount.from_local_dir': {
      // Without `remote_path`, the file or folder lands at `/<its name>`.
      const target = remote === undefined ? (local ? path.posix.basename(local) : null) : remote;
      return { remote: target === null ? null : path.posix.join('/', target), local, kind: name.endsWith('file') ? 'file' : 'dir', modules: [] };
    }
    case 'modal.Mount.from_local_python_packages': {
      const modules = args.positional.map((arg) => stringAt(model, arg));
      return { remote: null, local: null, kind: modules.includes(null) || args.hasSplat ? 'unknown' : 'python-packages', modules: modules.filter((m): m is string => m !== null) };
    }
    default:
      return { remote: null, local, kind: 'unknown', modules: [] };
  }
}
