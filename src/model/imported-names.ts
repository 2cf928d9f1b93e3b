import type { SyntaxNode } from '../parser/syntax.js';
import { importBindings } from './imports.js';
import type { ModalModel } from './model.js';

/**
 * The absolute import path a name or attribute chain refers to, through aliases and function-local
 * imports: `th.cuda.is_available` after `import torch as th` is `torch.cuda.is_available`,
 * `pipeline` after `from transformers import pipeline` is `transformers.pipeline`.
 * `null` when the base name is not bound by an absolute import (a local variable, a relative import).
 */
export function importedPath(model: ModalModel, node: SyntaxNode | null): string | null {
  if (!node) return null;
  let known = importedPaths.get(model);
  if (!known) importedPaths.set(model, (known = new Map()));
  let found = known.get(node);
  if (found === undefined) known.set(node, (found = readImportedPath(model, node)));
  return found;
}

/** Answers by model and node: rules ask about the same names many times. */
const importedPaths = new WeakMap<ModalModel, Map<SyntaxNode, string | null>>();

function readImportedPath(model: ModalModel, node: SyntaxNode | null): string | null {
  while (node?.type === 'parenthesized_expression' && node.namedChildren.length === 1) node = node.namedChildren[0]!;
  if (!node) return null;
  if (node.type === 'attribute') {
    const base = importedPath(model, node.field('object'));
    const attribute = node.field('attribute')?.text;
    return base && attribute ? `${base}.${attribute}` : null;
  }
  if (node.type !== 'identifier') return null;
  const paths = new Set<string>();
  for (const binding of model.bindingsFor(node)) {
    // `try: import torch` / `except ImportError: torch = None` also rebinds the name; the import is what matters.
    if (binding.kind !== 'import') continue;
    for (const imported of importBindings(binding.statement)) {
      if (imported.localName !== node.text || imported.level !== 0) continue;
      if (imported.importedName !== undefined) paths.add(`${imported.module}.${imported.importedName}`);
      // `import torch.nn` binds `torch`; `import torch.nn as nn` binds the submodule.
      else paths.add(imported.localName === imported.module.split('.')[0] ? imported.localName : imported.module);
    }
  }
  return paths.size === 1 ? [...paths][0]! : null;
}

/** True when `path` is the package `root` or one of its submodules or members (`torch.nn` is in `torch`). */
export function isInPackage(path: string | null, root: string): boolean {
  return path !== null && (path === root || path.startsWith(`${root}.`));
}
