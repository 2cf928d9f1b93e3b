import type { SyntaxNode } from '../parser/syntax.js';
import { defineRule } from './types.js';

function firstErrorNode(root: SyntaxNode): SyntaxNode | null {
  // Iterative pre-order walk that stops at the first hit, without listing the whole tree.
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'ERROR' || node.isMissing) return node;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return null;
}

export default defineRule({
  id: 'syntax-error',
  category: 'syntax',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['syntax'],
  summary: 'The file does not parse as Python.',
  docs: {
    what: 'Reports the first place where a file analysed as a Modal file fails to parse. The rest of the file is still analysed as far as the parser recovers, so other findings may still appear.',
    why: 'Modal imports the module locally at deploy time and again in every container; a syntax error fails both, and findings in the broken region may be incomplete.',
    example: '@app.function(gpu="A10G"\ndef f(): ...',
    useInstead: '@app.function(gpu="A10G")\ndef f(): ...',
    link: 'https://modal.com/docs/guide/apps',
  },
  messages: {
    syntaxError: 'Syntax error: {detail}; findings after this point may be incomplete.',
  },
  check({ model, report }) {
    if (!model.root.hasError) return;
    const errorNode = firstErrorNode(model.root);
    if (!errorNode) return;
    // Flag the first token of the broken region, not the whole (often file-long) ERROR node.
    let node = errorNode;
    while (node.children.length > 0) node = node.children[0]!;
    const detail = node.isMissing ? `expected \`${node.type}\`` : `cannot parse \`${truncate(errorNode.text)}\``;
    report(node, 'syntaxError', { detail });
  },
});

function truncate(text: string): string {
  const firstLine = text.split(/\r\n|\r|\n/)[0] ?? '';
  return firstLine.length > 30 ? `${firstLine.slice(0, 30)}…` : firstLine || 'end of line';
}
