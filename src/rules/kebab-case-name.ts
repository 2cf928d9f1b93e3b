import { isValidObjectName, objectNames } from '../model/object-names.js';
import { defineRule } from './types.js';

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The calls whose names follow the naming convention; `objects.create` and Sandbox names are left alone. */
const CONVENTION_CALLS = /^(App|(Dict|Volume|Queue|Secret|NetworkFileSystem)\.from_name|App\.lookup|(Function|Cls)\.from_name|Stub)$/;

export default defineRule({
  id: 'kebab-case-name',
  category: 'style',
  defaultSeverity: 'warning',
  precision: 'very-high',
  tags: ['naming', 'convention'],
  summary: 'App, Volume, Dict, Queue and Secret names should be kebab-case.',
  docs: {
    what: 'Checks the names given to `modal.App(...)` and to `Dict`, `Volume`, `Queue`, `Secret` and `NetworkFileSystem.from_name`, `App.lookup`, and the App name of `Function.from_name` / `Cls.from_name`, resolved through module constants, f-strings and `+`, against `^[a-z0-9]+(-[a-z0-9]+)*$`. Names that cannot be resolved statically are not checked, and names Modal rejects are left to `invalid-object-name`.',
    why: 'Modal accepts any name made of letters, digits, `-`, `_` and `.` (up to 64 characters, and not shaped like an App id; modal/_utils/name_utils.py:19-27), so mixed styles deploy fine and then drift apart: dashboards, `modal app list` and lookups from other services become guesswork. One convention, `{domain}-{service}[-{variant}]` in kebab-case, keeps names predictable across a team. The function or class name passed to `Function.from_name` / `Cls.from_name` is a Python identifier and is not checked.',
    example: 'app = modal.App("ImageResizer_v2")\nweights = modal.Volume.from_name("model_weights")',
    useInstead: 'app = modal.App("media-image-resizer-v2")\nweights = modal.Volume.from_name("media-model-weights")',
    link: 'https://modal.com/docs/guide/apps',
  },
  messages: {
    notKebab: '{kind} name "{name}" is not kebab-case; Modal accepts it, but the convention is `{domain}-{service}[-{variant}]` in lowercase with dashes (e.g. "{suggestion}").',
  },
  check({ model, report }) {
    for (const { node, name, kind, call } of objectNames(model)) {
      // A name Modal rejects gets `invalid-object-name` only: "Modal accepts it" would be false.
      if (!CONVENTION_CALLS.test(call) || name === '' || KEBAB_CASE.test(name) || !isValidObjectName(name)) continue;
      report(node, 'notKebab', { kind, name, suggestion: toKebabCase(name) });
    }
  },
});

function toKebabCase(name: string): string {
  // Word boundaries: `ImageResizer` -> image-resizer, `HTTPServer` -> http-server, `LoRA` stays one word.
  const kebab = name
    // Lookaheads, so adjacent boundaries all count: `RcloneToVolume` -> rclone-to-volume.
    .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1-')
    .replace(/([a-z0-9])(?=[A-Z][a-z0-9])/g, '$1-')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return kebab || 'my-app';
}
