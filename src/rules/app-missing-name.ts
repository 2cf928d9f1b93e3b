import { defineRule } from './types.js';

export default defineRule({
  id: 'app-missing-name',
  category: 'style',
  defaultSeverity: 'warning',
  precision: 'very-high',
  tags: ['naming', 'convention'],
  summary: '`modal.App()` created without a name.',
  docs: {
    what: 'Flags `modal.App()` (or the removed `modal.Stub()`) called without a name, positional or `name=`.',
    why: '`modal deploy` refuses an App without a name unless `--name` is given on the command line, so the deployed name ends up in a shell script or CI job instead of next to the code, and `App.lookup` / `Function.from_name` callers depend on every deploy passing the same flag. `modal run` works without a name, which hides the problem until the first deploy.',
    example: 'app = modal.App(image=image)',
    useInstead: 'app = modal.App("media-image-resizer", image=image)',
    link: 'https://modal.com/docs/reference/modal.App',
  },
  messages: {
    missingName: '`{call}` has no name; give the App a stable kebab-case name such as `modal.App("{domain}-{service}")`.',
  },
  check({ model, report }) {
    for (const app of model.apps) {
      if (app.constructor === 'lookup' || app.nameNode) continue;
      const list = app.call.field('arguments');
      const hidesName = list?.namedChildren.some((arg) => arg.type === 'list_splat' || arg.type === 'dictionary_splat');
      if (hidesName) continue;
      report(app.call, 'missingName', { call: `${app.call.field('function')!.text}()` });
    }
  },
});
