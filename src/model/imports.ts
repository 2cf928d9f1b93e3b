import type { SyntaxNode } from '../parser/syntax.js';

/** One name bound by an import statement. */
export interface ImportBinding {
  statement: SyntaxNode;
  /** The node naming the imported module (`torch.nn` in `import torch.nn as nn`). */
  moduleNode: SyntaxNode;
  /** Dotted module path without leading dots (`common` in `from ..common import app`). */
  module: string;
  /** Number of leading dots of a relative import; 0 for absolute imports. */
  level: number;
  /** For `from M import name`: the imported name; undefined for `import M`. */
  importedName?: string;
  /** The name bound in the importing scope (`nn`, `app`, or `torch` for `import torch.nn`). */
  localName: string;
}

export function dottedText(node: SyntaxNode): string {
  return node.namedChildren.map((part) => part.text).join('.');
}

/** Reads every binding of an `import` or `from ... import` statement. */
export function importBindings(statement: SyntaxNode): ImportBinding[] {
  if (statement.type === 'import_statement') {
    return statement.fields('name').map((nameNode) => {
      const dotted = nameNode.type === 'aliased_import' ? nameNode.field('name')! : nameNode;
      const module = dottedText(dotted);
      const alias = nameNode.type === 'aliased_import' ? nameNode.field('alias')?.text : undefined;
      return { statement, moduleNode: dotted, module, level: 0, localName: alias ?? module.split('.')[0]! };
    });
  }
  if (statement.type !== 'import_from_statement') return [];
  const moduleNode = statement.field('module_name');
  if (!moduleNode) return [];
  let level = 0;
  let module = '';
  if (moduleNode.type === 'relative_import') {
    const prefix = moduleNode.children.find((child) => child.type === 'import_prefix');
    level = prefix ? prefix.text.length : 0;
    const dotted = moduleNode.children.find((child) => child.type === 'dotted_name');
    module = dotted ? dottedText(dotted) : '';
  } else {
    module = dottedText(moduleNode);
  }
  const bindings: ImportBinding[] = [];
  for (const nameNode of statement.fields('name')) {
    const dotted = nameNode.type === 'aliased_import' ? nameNode.field('name')! : nameNode;
    const importedName = dottedText(dotted);
    const alias = nameNode.type === 'aliased_import' ? nameNode.field('alias')?.text : undefined;
    bindings.push({ statement, moduleNode, module, level, importedName, localName: alias ?? importedName });
  }
  if (statement.children.some((child) => child.type === 'wildcard_import')) {
    bindings.push({ statement, moduleNode, module, level, importedName: '*', localName: '*' });
  }
  return bindings;
}
