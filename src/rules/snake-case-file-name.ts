import type { SyntaxNode } from '../parser/syntax.js';
import { defineRule } from './types.js';

const SNAKE_CASE = /^[a-z0-9_]+$/;

export default defineRule({
  id: 'snake-case-file-name',
  category: 'style',
  defaultSeverity: 'warning',
  precision: 'very-high',
  tags: ['naming', 'convention'],
  summary: 'A Python file that defines an App or registers functions should have a snake_case name.',
  docs: {
    what: 'Checks the name of each Python file that defines a `modal.App` or registers functions on one: without `.py`, it should hold only lowercase letters, digits and underscores (`03_train.py`, `common.py`). `MusicGenServer.py` and `cls-test.py` get one finding at the first line; a name with an extra period (`app.v2.py`) gets a finding saying that `modal run` and `modal deploy` refuse it. Files that neither define an App nor register functions are not checked. A project that keeps legacy names can exempt them with `per-file-ignores`.',
    why: 'File names and Modal object names follow separate conventions: files are snake_case, like any Python module, while Apps, Volumes and Secrets are kebab-case; the two are decoupled, so a file name never has to echo its App name. A snake_case file can be imported by other modules of the project (`from train_model import app`); a dashed one cannot be written in an `import` statement. A name with an extra period is more than style: given a file path, `modal run` and `modal deploy` stop with "Invalid Modal source filename" (modal-client `py/modal/cli/import_refs.py:82-86`).',
    example: '# MusicGenServer.py\nimport modal\n\napp = modal.App("musicgen-server")',
    useInstead: '# musicgen_server.py\nimport modal\n\napp = modal.App("musicgen-server")',
    link: 'https://modal.com/docs/reference/cli/run',
  },
  messages: {
    notSnakeCase: 'File name "{file}" is not snake_case; files that define Modal Apps follow Python module naming: lowercase letters, digits and underscores (e.g. "{suggestion}").',
    extraPeriod: 'File name "{file}" has an extra period: `modal run` and `modal deploy` refuse it ("Invalid Modal source filename"). Rename it, e.g. to "{suggestion}".',
  },
  check({ model, report }) {
    if (model.registrations.length === 0 && !model.apps.some((app) => app.constructor !== 'lookup')) return;
    const file = model.path.split(/[\\/]/).at(-1) ?? '';
    if (!file.endsWith('.py')) return;
    const stem = file.slice(0, -'.py'.length);
    if (SNAKE_CASE.test(stem)) return;
    report(firstLineNode(model.root), stem.includes('.') ? 'extraPeriod' : 'notSnakeCase', { file, suggestion: `${toSnakeCase(stem)}.py` });
  },
});

/** The first token of the first line, so the finding sits on line 1; the module itself when the line is empty. */
function firstLineNode(root: SyntaxNode): SyntaxNode {
  let node = root;
  while (node.children.length > 0 && node.children[0]!.startRow === 0) node = node.children[0]!;
  return node;
}

function toSnakeCase(stem: string): string {
  const snake = stem
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return snake === '' ? 'app' : snake;
}
