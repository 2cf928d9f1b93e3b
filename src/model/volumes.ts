import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments, type ModalModel } from './model.js';

const PATH_CLASSES = new Set(['Path', 'PurePath', 'PurePosixPath', 'PosixPath']);
const VOLUME_CONSTRUCTORS = new Set(['modal.Volume.from_name', 'modal.Volume.from_id', 'modal.Volume.ephemeral']);

/**
 * The mount path a `volumes=` key stands for: a resolved string, `Path("/x")` / `PurePosixPath("/x")`
 * (from pathlib), `Path("/x") / "y"`, or `str(...)` of one, through names bound once; null when unknown.
 */
export function mountPathOf(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): string | null {
  if (!node || depth > 20) return null;
  const value = model.resolve(node);
  if (value.kind === 'str') return value.value;
  if (node.type === 'parenthesized_expression') return mountPathOf(model, node.namedChildren[0], depth + 1);
  if (node.type === 'identifier') return mountPathOf(model, model.boundValue(node), depth + 1);
  if (node.type === 'binary_operator' && node.children.some((child) => !child.isNamed && child.text === '/')) {
    const base = mountPathOf(model, node.field('left'), depth + 1);
    const tail = mountPathOf(model, node.field('right'), depth + 1);
    if (base === null || tail === null || !isPathObject(model, node.field('left'), depth)) return null;
    return tail.startsWith('/') ? tail : `${base.replace(/\/+$/, '')}/${tail}`;
  }
  if (node.type !== 'call') return null;
  const callee = node.field('function');
  const args = callArguments(node);
  if (args.positional.length !== 1 || args.keywords.size > 0 || args.hasSplat) return null;
  if (isPathClass(model, callee) || (callee?.type === 'identifier' && callee.text === 'str' && model.bindingsFor(callee).length === 0)) {
    return mountPathOf(model, args.positional[0], depth + 1);
  }
  return null;
}

/** `Path(...)`, or a name bound once to it, or `Path(...) / "x"`: where `/` joins paths instead of failing. */
function isPathObject(model: ModalModel, node: SyntaxNode | null, depth: number): boolean {
  if (!node || depth > 20) return false;
  if (node.type === 'identifier') return isPathObject(model, model.boundValue(node), depth + 1);
  if (node.type === 'parenthesized_expression') return isPathObject(model, node.namedChildren[0] ?? null, depth + 1);
  if (node.type === 'binary_operator') return isPathObject(model, node.field('left'), depth + 1);
  return node.type === 'call' && isPathClass(model, node.field('function'));
}

function isPathClass(model: ModalModel, callee: SyntaxNode | null): boolean {
  if (callee?.type === 'identifier') {
    const imported = model.importOf(callee.text);
    return imported?.module === 'pathlib' && PATH_CLASSES.has(imported.importedName ?? '') && model.bindingsFor(callee).every((b) => b.kind === 'import');
  }
  if (callee?.type === 'attribute') {
    const object = callee.field('object');
    return object?.type === 'identifier' && model.importOf(object.text)?.module === 'pathlib' && model.importOf(object.text)?.importedName === undefined
      && PATH_CLASSES.has(callee.field('attribute')?.text ?? '');
  }
  return false;
}

/** Why Modal rejects a mount path, read the way `validate_mount_points` reads it (`modal/_utils/mount_utils.py`). */
export type MountPathProblem = 'relative' | 'not-canonical' | 'root' | 'reserved';

export function mountPathProblem(path: string): MountPathProblem | null {
  if (!path.startsWith('/')) return 'relative';
  // `PurePosixPath` drops empty and `.` parts and a trailing slash, and keeps exactly two leading slashes;
  // only a `..` part then makes the path differ from `posixpath.abspath` of it.
  const prefix = /^\/\/(?!\/)/.test(path) ? '//' : '/';
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return 'not-canonical';
  const normalised = prefix + parts.join('/');
  if (normalised === '/') return 'root';
  if (normalised === '/root' || normalised === '/tmp') return 'reserved';
  return null;
}

/** Volume methods that return a view of the same Volume (same object id once looked up). */
const VOLUME_VIEWS = new Set(['with_mount_options', 'read_only']);

/**
 * A key telling which Volume an expression mounts, when it is proven to be a `modal.Volume`: the
 * `from_name` name (two lookups of one name are the same Volume), else the variable bound once.
 * `with_mount_options(...)` / `read_only()` views keep the key: Modal compares object ids.
 * `CloudBucketMount`s and unknown objects give null: they may be mounted twice.
 */
export function volumeIdentity(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): string | null {
  if (!node || depth > 20) return null;
  if (node.type === 'parenthesized_expression') return volumeIdentity(model, node.namedChildren[0], depth + 1);
  if (node.type === 'identifier') {
    const inner = volumeIdentity(model, model.boundValue(node), depth + 1);
    // Bound once to a lookup without a readable name: the variable itself is the identity.
    return inner?.startsWith('call:') ? `variable:${model.bindingsFor(node)[0]!.statement.startIndex}:${node.text}` : inner;
  }
  if (node.type !== 'call') return null;
  const callee = node.field('function');
  if (callee?.type === 'attribute' && VOLUME_VIEWS.has(callee.field('attribute')?.text ?? '')) {
    return volumeIdentity(model, callee.field('object'), depth + 1);
  }
  const constructor = model.qualifiedName(callee);
  if (!constructor || !VOLUME_CONSTRUCTORS.has(constructor)) return null;
  const args = callArguments(node);
  const first = model.resolve(args.positional[0] ?? args.keywords.get(constructor.endsWith('from_id') ? 'volume_id' : 'name'));
  if (constructor !== 'modal.Volume.ephemeral' && first.kind === 'str' && !args.hasSplat) {
    return `${constructor}:${args.keywords.get('environment_name')?.text ?? ''}:${first.value}`;
  }
  return `call:${node.startIndex}`;
}
