import path from 'node:path';
import type { SyntaxNode } from '../../parser/syntax.js';
import { importedPath } from '../imported-names.js';
import { callArguments, unwrapParens, type ModalModel } from '../model.js';

/**
 * The absolute path a path expression evaluates to where `__file__` is `file` and the working
 * directory is `cwd` (`Path(__file__).parent / "data"`, `os.path.join(os.path.dirname(__file__), "x")`,
 * relative strings); null when it cannot be read.
 */
export function pathExpressionValue(model: ModalModel, node: SyntaxNode | null | undefined, file: string, cwd: string, depth = 0): string | null {
  if (!node || depth > 20) return null;
  const expr = unwrapParens(node);
  switch (expr.type) {
    case 'identifier':
      if (expr.text === '__file__' && model.bindingsFor(expr).length === 0) return file;
      return pathExpressionValue(model, model.boundValue(expr), file, cwd, depth + 1);
    case 'string':
    case 'concatenated_string': {
      const value = model.resolve(expr);
      return value.kind === 'str' ? path.posix.resolve(cwd, value.value) : null;
    }
    case 'attribute': {
      if (expr.field('attribute')!.text !== 'parent') return null;
      const inner = pathExpressionValue(model, expr.field('object'), file, cwd, depth + 1);
      return inner === null ? null : path.posix.dirname(inner);
    }
    case 'subscript': {
      const value = expr.field('value');
      const index = model.resolve(expr.field('subscript'));
      if (value?.type !== 'attribute' || value.field('attribute')!.text !== 'parents' || index.kind !== 'num') return null;
      let inner = pathExpressionValue(model, value.field('object'), file, cwd, depth + 1);
      for (let i = 0; inner !== null && i <= index.value; i++) inner = path.posix.dirname(inner);
      return inner;
    }
    case 'binary_operator': {
      if (!expr.children.some((child) => !child.isNamed && child.text === '/')) return null;
      const left = pathExpressionValue(model, expr.field('left'), file, cwd, depth + 1);
      const right = model.resolve(expr.field('right'));
      return left !== null && right.kind === 'str' ? path.posix.resolve(left, right.value) : null;
    }
    case 'call': {
      const callee = expr.field('function');
      const args = callArguments(expr);
      const name = importedPath(model, callee) ?? (callee?.type === 'identifier' && model.bindingsFor(callee).length === 0 ? callee.text : '');
      if (/^pathlib\.(Pure)?(Posix)?Path$/.test(name) && args.positional.length === 1) return pathExpressionValue(model, args.positional[0], file, cwd, depth + 1);
      if (/^pathlib\.Path\.cwd$/.test(name)) return cwd;
      if (name === 'os.getcwd') return cwd;
      if (name === 'os.path.dirname') {
        const inner = pathExpressionValue(model, args.positional[0], file, cwd, depth + 1);
        return inner === null ? null : path.posix.dirname(inner);
      }
      if (name === 'os.path.abspath' || name === 'os.path.realpath' || name === 'str' || name === 'os.fspath') return pathExpressionValue(model, args.positional[0], file, cwd, depth + 1);
      if (name === 'os.path.join' && args.positional.length > 0) {
        let joined = pathExpressionValue(model, args.positional[0], file, cwd, depth + 1);
        for (const part of args.positional.slice(1)) {
          const value = model.resolve(part);
          joined = joined !== null && value.kind === 'str' ? path.posix.resolve(joined, value.value) : null;
        }
        return joined;
      }
      if (callee?.type === 'attribute' && ['resolve', 'absolute', 'expanduser'].includes(callee.field('attribute')!.text) && args.positional.length === 0) {
        return pathExpressionValue(model, callee.field('object'), file, cwd, depth + 1);
      }
      return null;
    }
    default:
      return null;
  }
}

