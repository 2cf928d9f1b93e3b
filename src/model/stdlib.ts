import type { SyntaxNode } from '../parser/syntax.js';
import { importedPath } from './imported-names.js';
import { unwrapParens, type ModalModel } from './model.js';

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
      const name = importedPath(model, callee);
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
