import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments, type ImageStep, type ModalModel } from './model.js';
import { resolveValue, type Value } from './values.js';

export const ADD_LOCAL_METHODS = new Set(['add_local_file', 'add_local_dir', 'add_local_python_source']);

/** Image methods that build a new layer on top of their base image (modal/_image.py: each goes through `_Image._from_args`). */
export const BUILD_STEP_METHODS = new Set([
  'pip_install', 'pip_install_private_repos', 'pip_install_from_requirements', 'pip_install_from_pyproject',
  'uv_pip_install', 'uv_sync', 'poetry_install_from_file', 'dockerfile_commands', 'entrypoint', 'shell', 'cmd',
  'run_commands', 'apt_install', 'micromamba_install', 'run_function', 'env', 'workdir',
]);

/**
 * Steps that return the image unchanged when given nothing to install or run (`if not pkgs: return self`),
 * with the keyword arguments that count as something.
 */
const NO_OP_WHEN_EMPTY: Record<string, string[]> = {
  pip_install: [], uv_pip_install: ['requirements'], apt_install: [], run_commands: [], dockerfile_commands: [],
  micromamba_install: ['spec_file'],
};

/**
 * Resolves a value of an image step. Chains imported from another module hold that module's nodes:
 * there, only literals are read, since names would be looked up in the wrong module.
 */
export function resolveAt(model: ModalModel, node: SyntaxNode | null | undefined): Value {
  if (!node || model.root.contains(node)) return model.resolve(node);
  return resolveValue(node, () => null);
}

/** `copy=` of an `add_local_*` step: false for the lazy default, null when it cannot be read. */
export function addLocalCopies(model: ModalModel, step: ImageStep): boolean | null {
  const args = callArguments(step.call);
  const copy = args.keywords.get('copy');
  if (!copy) return hasDictionarySplat(step.call) ? null : false;
  const value = resolveAt(model, copy);
  return value.kind === 'bool' ? value.value : value.kind === 'none' ? false : null;
}

function hasDictionarySplat(call: SyntaxNode): boolean {
  return call.field('arguments')?.namedChildren.some((arg) => arg.type === 'dictionary_splat') ?? false;
}

/** Number of strings a step's positional arguments flatten to (`"a", ["b", "c"]`, `*PKGS`); null when unknown. */
function positionalItemCount(model: ModalModel, call: SyntaxNode): number | null {
  let count = 0;
  for (const arg of call.field('arguments')?.namedChildren ?? []) {
    if (arg.type === 'keyword_argument') continue;
    if (arg.type === 'dictionary_splat') return null;
    const value = resolveAt(model, arg.type === 'list_splat' ? arg.namedChildren[0] : arg);
    if (value.kind === 'str') count += 1;
    else if (value.kind === 'list') count += value.items.length;
    else return null;
  }
  return count;
}

/** True when a step is proven to add no layer: `pip_install()`, `uv_pip_install(*EXTRA)` with `EXTRA = []`. */
export function isEmptyStep(model: ModalModel, step: ImageStep): boolean {
  const extraKeywords = NO_OP_WHEN_EMPTY[step.method];
  if (!extraKeywords || positionalItemCount(model, step.call) !== 0) return false;
  const args = callArguments(step.call);
  if (hasDictionarySplat(step.call)) return false;
  return extraKeywords.every((keyword) => {
    const value = resolveAt(model, args.keywords.get(keyword));
    return !args.keywords.has(keyword) || value.kind === 'none' || (value.kind === 'list' && value.items.length === 0);
  });
}

/**
 * True when a step is proven to add a layer on top of its base: a build step, or `add_local_*(copy=True)`.
 * Lazy `add_local_*`, `imports()`, `pipe()` and unknown methods are not.
 */
export function addsImageLayer(model: ModalModel, step: ImageStep): boolean {
  if (ADD_LOCAL_METHODS.has(step.method)) return addLocalCopies(model, step) === true;
  return BUILD_STEP_METHODS.has(step.method) && !isEmptyStep(model, step);
}

/** True for `add_local_*` proven lazy (`copy=False`, the default): its files are attached at container start. */
export function isLazyAddLocal(model: ModalModel, step: ImageStep): boolean {
  return ADD_LOCAL_METHODS.has(step.method) && addLocalCopies(model, step) === false;
}
