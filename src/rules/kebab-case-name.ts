import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments } from '../model/model.js';
import { defineRule } from './types.js';

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Calls that take an object or App name, and which argument holds it. */
const NAMED_OBJECT_CALLS: Record<string, { kind: string; keyword: string }> = {
  'modal.Dict.from_name': { kind: 'Dict', keyword: 'name' },
  'modal.Volume.from_name': { kind: 'Volume', keyword: 'name' },
  'modal.Queue.from_name': { kind: 'Queue', keyword: 'name' },
  'modal.Secret.from_name': { kind: 'Secret', keyword: 'name' },
  'modal.NetworkFileSystem.from_name': { kind: 'NetworkFileSystem', keyword: 'name' },
  'modal.App.lookup': { kind: 'App', keyword: 'name' },
  // The second argument of these is a Python identifier, never checked.
  'modal.Function.from_name': { kind: 'App', keyword: 'app_name' },
  'modal.Cls.from_name': { kind: 'App', keyword: 'app_name' },
};

export default defineRule({
  id: 'kebab-case-name',
  category: 'style',
  defaultSeverity: 'warning',
  precision: 'very-high',
  tags: ['naming', 'convention'],
  summary: 'App, Volume, Dict, Queue and Secret names should be kebab-case.',
  docs: {
    what: 'Checks the names given to `modal.App(...)` and to `Dict`, `Volume`, `Queue`, `Secret` and `NetworkFileSystem.from_name`, `App.lookup`, and the App name of `Function.from_name` / `Cls.from_name`, resolved through module constants, f-strings and `+`, against `^[a-z0-9]+(-[a-z0-9]+)*$`. Names that cannot be resolved statically are not checked.',
    why: 'Modal accepts any name made of letters, digits, `-`, `_` and `.` (up to 64 characters), so mixed styles deploy fine and then drift apart: dashboards, `modal app list` and lookups from other services become guesswork. One convention, `{domain}-{service}[-{variant}]` in kebab-case, keeps names predictable across a team. The function or class name passed to `Function.from_name` / `Cls.from_name` is a Python identifier and is not checked.',
    example: 'app = modal.App("ImageResizer_v2")\nweights = modal.Volume.from_name("model_weights")',
    useInstead: 'app = modal.App("media-image-resizer-v2")\nweights = modal.Volume.from_name("media-model-weights")',
    link: 'https://modal.com/docs/guide/apps',
  },
  messages: {
    notKebab: '{kind} name "{name}" is not kebab-case; Modal accepts it, but the convention is `{domain}-{service}[-{variant}]` in lowercase with dashes (e.g. "{suggestion}").',
  },
  check({ model, report }) {
    const check = (node: SyntaxNode | null | undefined, kind: string) => {
      const value = model.resolve(node);
      if (!node || value.kind !== 'str' || value.value === '' || KEBAB_CASE.test(value.value)) return;
      report(node, 'notKebab', { kind, name: value.value, suggestion: toKebabCase(value.value) });
    };
    for (const app of model.apps) if (app.constructor !== 'lookup') check(app.nameNode, 'App');
    for (const node of model.nodesOfType('call')) {
      const target = NAMED_OBJECT_CALLS[model.qualifiedName(node.field('function')) ?? ''];
      if (!target) continue;
      const args = callArguments(node);
      check(args.keywords.get(target.keyword) ?? args.positional[0], target.kind);
    }
  },
});

function toKebabCase(name: string): string {
  // Word boundaries: `ImageResizer` -> image-resizer, `HTTPServer` -> http-server, `LoRA` stays one word.
  const kebab = name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/([a-z0-9])([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return kebab || 'my-app';
}
