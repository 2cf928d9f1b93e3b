import type { SyntaxNode } from '../parser/syntax.js';
import type { ModalModel } from './model.js';

function unwrapParens(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildren.length === 1) current = current.namedChildren[0]!;
  return current;
}

/**
 * The dotted name an expression refers to through the module's imports: `sp.run` -> `subprocess.run`
 * (after `import subprocess as sp`), `Path` -> `pathlib.Path`, `os.path.join` -> `os.path.join`.
 * `null` for names that were not imported at module level.
 */
export function importedName(model: ModalModel, node: SyntaxNode | null): string | null {
  if (!node) return null;
  const expr = unwrapParens(node);
  if (expr.type === 'attribute') {
    const base = importedName(model, expr.field('object'));
    return base ? `${base}.${expr.field('attribute')!.text}` : null;
  }
  if (expr.type !== 'identifier') return null;
  const binding = model.importOf(expr.text);
  if (!binding || binding.level !== 0 || binding.importedName === '*') return null;
  // The import must be the only binding the name has where it is read.
  if (!model.bindingsFor(expr).every((b) => b.kind === 'import')) return null;
  if (binding.importedName !== undefined) return `${binding.module}.${binding.importedName}`;
  // `import os.path` binds `os`; `import os.path as osp` binds the submodule.
  return binding.localName === binding.module.split('.')[0] ? binding.localName : binding.module;
}

const PATH_CLASSES = new Set(['pathlib.Path', 'pathlib.PosixPath', 'pathlib.WindowsPath']);
const PATH_FACTORIES = new Set(['pathlib.Path.home', 'pathlib.Path.cwd']);
/** `Path` methods that return another concrete `Path`. */
const PATH_RETURNING_METHODS = new Set(['resolve', 'absolute', 'expanduser', 'with_name', 'with_suffix', 'with_stem', 'joinpath', 'relative_to']);

/** True when an expression is a concrete `pathlib.Path`: `Path(...)`, `Path(__file__).parent / "x"`, or a name bound once to one. */
export function isPathExpression(model: ModalModel, node: SyntaxNode | null, depth = 0): boolean {
  if (!node || depth > 20) return false;
  const expr = unwrapParens(node);
  switch (expr.type) {
    case 'call': {
      const callee = expr.field('function');
      const name = importedName(model, callee);
      if (name && (PATH_CLASSES.has(name) || PATH_FACTORIES.has(name))) return true;
      return callee?.type === 'attribute' && PATH_RETURNING_METHODS.has(callee.field('attribute')!.text) && isPathExpression(model, callee.field('object'), depth + 1);
    }
    case 'attribute':
      return expr.field('attribute')!.text === 'parent' && isPathExpression(model, expr.field('object'), depth + 1);
    case 'subscript': {
      const value = expr.field('value');
      return value?.type === 'attribute' && value.field('attribute')!.text === 'parents' && isPathExpression(model, value.field('object'), depth + 1);
    }
    case 'binary_operator':
      return expr.children.some((c) => !c.isNamed && c.text === '/') && isPathExpression(model, expr.field('left'), depth + 1);
    case 'identifier':
      return isPathExpression(model, model.boundValue(expr), depth + 1);
    default:
      return false;
  }
}
