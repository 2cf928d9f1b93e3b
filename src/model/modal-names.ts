import type { SyntaxNode } from '../parser/syntax.js';
import type { ImportBinding } from './imports.js';
import type { ModalModel } from './model.js';

/** A use of a `modal.*` name in code: `modal.Stub`, `m.gpu.A100`, or `Stub` bound by `from modal import Stub`. */
export interface ModalNameUse<T> {
  node: SyntaxNode;
  qualified: string;
  match: T;
}

/**
 * Uses in code (not in import statements) of the `modal.*` names `match` accepts, outermost
 * first and once each: in `modal.Mount.from_local_dir`, a matcher for `modal.Mount` sees the
 * inner `modal.Mount`, and nothing inside a matched node is visited again.
 */
export function modalNameUses<T>(model: ModalModel, match: (qualified: string) => T | undefined): ModalNameUse<T>[] {
  const uses: ModalNameUse<T>[] = [];
  let coveredUntil = -1;
  for (const { node, qualified } of modalNamed(model)) {
    if (node.startIndex < coveredUntil) continue;
    const found = match(qualified);
    if (found === undefined || insideImport(node) || inCompatibilityFallback(node)) continue;
    if (node.type === 'identifier' && !isImportedReference(model, node, qualified)) continue;
    uses.push({ node, qualified, match: found });
    coveredUntil = node.endIndex;
  }
  return uses;
}

const namedByModel = new WeakMap<ModalModel, Array<{ node: SyntaxNode; qualified: string }>>();

/**
 * The attributes and names that are `modal.*` names, with them, in source order, an attribute
 * before the names inside it (a stable sort keeps pre-order on ties): found once per model for
 * every rule that looks for Modal names.
 */
function modalNamed(model: ModalModel): Array<{ node: SyntaxNode; qualified: string }> {
  let named = namedByModel.get(model);
  if (!named) {
    named = [];
    for (const node of model.nodesOfType('attribute', 'identifier')) {
      const qualified = model.qualifiedName(node);
      if (qualified) named.push({ node, qualified });
    }
    namedByModel.set(model, named);
  }
  return named;
}

/**
 * Code that handles a Modal version difference: the `except ImportError:` / `except AttributeError:`
 * handler of a `try` (`try: from modal import App` / `except ImportError: from modal import Stub as App`),
 * or the `try` side it guards (an import under `except ImportError`, any use under `except AttributeError`).
 */
export function inCompatibilityFallback(node: SyntaxNode): boolean {
  const inImport = node.type.startsWith('import') || insideImport(node);
  let child = node;
  for (const ancestor of node.ancestors()) {
    if (ancestor.type === 'except_clause' && ancestor.parent?.type === 'try_statement' && catches(ancestor, /\b(ImportError|ModuleNotFoundError|AttributeError)\b/)) return true;
    // The guarded side: `try: import modal.gpu` / `except ImportError:`, `try: modal.Stub` / `except AttributeError:`.
    if (ancestor.type === 'try_statement' && child.fieldName === 'body') {
      const handlers = ancestor.children.filter((clause) => clause.type === 'except_clause');
      if (handlers.some((handler) => catches(handler, /\bAttributeError\b/) || (inImport && catches(handler, /\b(ImportError|ModuleNotFoundError)\b/)))) return true;
    }
    child = ancestor;
  }
  return false;
}

function catches(handler: SyntaxNode, exceptions: RegExp): boolean {
  const caught = handler.namedChildren.find((child) => child.type !== 'block');
  const names = caught?.type === 'as_pattern' ? caught.namedChildren[0]?.text ?? '' : caught?.text ?? '';
  return exceptions.test(names);
}

export function insideImport(node: SyntaxNode): boolean {
  for (const ancestor of node.ancestors()) if (ancestor.type === 'import_statement' || ancestor.type === 'import_from_statement') return true;
  return false;
}

/**
 * An identifier that reads a name bound only by imports of `qualified` (not a parameter, local or
 * keyword that shadows it); imports in a compatibility fallback do not count.
 */
export function isImportedReference(model: ModalModel, identifier: SyntaxNode, qualified: string): boolean {
  if (identifier.fieldName === 'attribute' || (identifier.fieldName === 'name' && identifier.parent?.type === 'keyword_argument')) return false;
  const bindings = model.bindingsFor(identifier).filter((binding) => !inCompatibilityFallback(binding.statement));
  return bindings.length > 0 && bindings.every((binding) => binding.kind === 'import' && model.imports.some((imported) =>
    imported.statement === binding.statement && imported.localName === identifier.text
    && (imported.importedName === undefined ? imported.module : `${imported.module}.${imported.importedName}`) === qualified));
}

/** The `Stub` or `Stub as S` node of `from modal import Stub` for one import binding. */
export function importedNameNode(binding: ImportBinding): SyntaxNode | undefined {
  return binding.statement.fields('name').find((node) => {
    const imported = node.type === 'aliased_import' ? node.field('name')!.text : node.text;
    const local = node.type === 'aliased_import' ? node.field('alias')?.text : imported;
    return imported === binding.importedName && local === binding.localName;
  });
}

/** `from modal... import X` bindings at any level, with the qualified name each imports (`modal.Stub`). */
export function modalFromImports(model: ModalModel): Array<{ binding: ImportBinding; qualified: string; nameNode: SyntaxNode }> {
  const result: Array<{ binding: ImportBinding; qualified: string; nameNode: SyntaxNode }> = [];
  for (const binding of model.imports) {
    if (binding.level !== 0 || binding.importedName === undefined || binding.importedName === '*') continue;
    if (inCompatibilityFallback(binding.statement)) continue;
    if (binding.module !== 'modal' && !binding.module.startsWith('modal.')) continue;
    const nameNode = importedNameNode(binding);
    if (nameNode) result.push({ binding, qualified: `${binding.module}.${binding.importedName}`, nameNode });
  }
  return result;
}
