import type { SyntaxNode } from '../parser/syntax.js';
import { configurationSites, possibleExpressions } from '../model/configuration.js';
import { mountPathOf, mountPathProblem, volumeIdentity } from '../model/volumes.js';
import { defineRule } from './types.js';

const NOT_A_DICT = new Set(['list', 'tuple', 'set', 'list_comprehension', 'set_comprehension']);

export default defineRule({
  id: 'invalid-volume-mount-path',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['volumes', 'configuration'],
  summary: '`volumes=` mount path that Modal rejects, a Volume mounted twice, or a mapping that is not a dict.',
  docs: {
    what: 'Checks `volumes=` on `modal.App(...)`, `@app.function`, `@app.cls`, `@app.server` (also without `@`), `with_options(...)` of a Modal Function or Cls, `Image.run_commands` / `Image.run_function` and `modal.Sandbox.create`, through module constants. Flags a mount path (a string, an f-string, `Path("/x")` or `PurePosixPath("/x")`) that is relative, contains `..`, or is `/`, `/root` or `/tmp` (a trailing slash does not matter); the same `modal.Volume` (one variable, or one `Volume.from_name` name) mounted at a second path of one mapping; and a list, tuple or set where a dict is needed. Paths and objects that cannot be resolved are not checked; a `CloudBucketMount` may be mounted at several paths.',
    why: 'Modal validates the mapping before it creates the function or sandbox (`validate_mount_points` and `validate_volumes` in `modal/_utils/mount_utils.py`): a path must equal its normalised absolute form and may not be the root directory, `/root` (the home directory, where your code lives) or `/tmp`; a non-dict raises InvalidError; and one Volume cannot be mounted in multiple locations for the same function, which is also checked by object id once Volumes are looked up. Each of these raises InvalidError at `modal run` / `modal deploy`.',
    example: 'vol = modal.Volume.from_name("weights")\n\n@app.function(volumes={"models": vol, "/cache": vol})\ndef train(): ...',
    useInstead: 'vol = modal.Volume.from_name("weights")\n\n@app.function(volumes={"/models": vol})\ndef train(): ...  # use /models/cache for the second directory',
    link: 'https://modal.com/docs/guide/volumes',
  },
  messages: {
    relative: 'Mount path "{path}" is relative; Modal needs an absolute path such as "/{suggestion}".',
    notCanonical: 'Mount path "{path}" contains `..`; Modal needs a canonical absolute path such as "{suggestion}".',
    root: 'A Volume cannot be mounted at the root directory "{path}"; mount it at a directory such as "/data".',
    reserved: 'A Volume cannot be mounted at "{path}" itself (Modal refuses `/root` and `/tmp` as mount points); mount it at a subdirectory such as "{path}/data" or at "/data".',
    duplicateVolume: 'The Volume mounted at "{path}" is already mounted at "{first}" in this mapping; Modal cannot mount one Volume at two paths of one function.',
    notDict: '`volumes=` must be a dict from mount path to Volume, not a {type}; Modal raises InvalidError.',
  },
  check({ model, report }) {
    const reported = new Set<SyntaxNode>();
    const flag: typeof report = (node, messageId, data) => {
      // A mapping constant used by several functions is reported once, where it is written.
      if (!reported.has(node)) report(node, messageId, data);
      reported.add(node);
    };
    for (const site of configurationSites(model)) {
      if (site.kind === 'update_autoscaler' || (site.kind === 'image_step' && site.method !== 'run_commands' && site.method !== 'run_function')) continue;
      for (const mapping of possibleExpressions(model, site.args.keywords.get('volumes'))) {
        if (NOT_A_DICT.has(mapping.type)) flag(mapping, 'notDict', { type: mapping.type.replace('_', ' ') });
        if (mapping.type !== 'dictionary') continue;
        const firstPathOf = new Map<string, string>();
        for (const pair of mapping.namedChildren) {
          if (pair.type !== 'pair') continue;
          const key = pair.field('key')!;
          const path = mountPathOf(model, key);
          if (path === null) continue;
          const problem = mountPathProblem(path);
          if (problem === 'relative') flag(key, 'relative', { path, suggestion: path.replace(/^[./]+/, '') });
          else if (problem === 'not-canonical') flag(key, 'notCanonical', { path, suggestion: mountPathProblem(normalise(path)) ? '/data' : normalise(path) });
          else if (problem) flag(key, problem, { path: path.replace(/\/+$/, '') || '/' });
          const volume = volumeIdentity(model, pair.field('value'));
          if (!volume) continue;
          const first = firstPathOf.get(volume);
          if (first === undefined) firstPathOf.set(volume, path);
          // Equal strings are one dict key: Python keeps only the last entry.
          else if (first !== path) flag(key, 'duplicateVolume', { path, first });
        }
      }
    }
  },
});

/** `posixpath.normpath` for an absolute path: what the user most likely meant. */
function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  return `/${parts.join('/')}`;
}
