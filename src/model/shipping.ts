import path from 'node:path';
import type { SyntaxNode } from '../parser/syntax.js';
import { resolveAt } from './images.js';
import { legacyMountsOf, usesLegacyMounts } from './environment/legacy-mounts.js';
import { callArguments, type ModalModel } from './model.js';

/** Image steps and constructors that put files from the local machine into a container. */
const SHIPPING = new Set(['add_local_file', 'add_local_dir', 'copy_local_file', 'copy_local_dir', 'dockerfile_commands', 'from_dockerfile']);

function methodName(call: SyntaxNode): string | null {
  const callee = call.field('function');
  return callee?.type === 'attribute' ? callee.field('attribute')!.text : null;
}

/**
 * True when containers of this module may hold copies of local files: the module calls
 * `add_local_file` / `add_local_dir` / a Dockerfile step itself, or an App or registration runs in
 * an image that does, or in an image the model cannot follow (built by a helper, or imported from
 * outside the project).
 */
export function mayShipLocalFiles(model: ModalModel): boolean {
  if (usesLegacyMounts(model)) return true;
  for (const node of model.nodesOfType('call')) {
    const name = methodName(node);
    if (name && SHIPPING.has(name)) return true;
  }
  const images = [
    ...model.registrations.map((registration) => registration.args.keywords.get('image')),
    ...model.apps.map((app) => callArguments(app.call).keywords.get('image')),
  ];
  for (const expression of images) {
    if (!expression) continue;
    const chain = model.imageChainOf(expression);
    if (!chain) return true;
    if (chain.steps.some((step) => SHIPPING.has(step.method)) || (chain.base && SHIPPING.has(chain.base.constructor))) return true;
  }
  return false;
}

const FILE_STEPS = new Set(['add_local_file', 'copy_local_file']);

/**
 * True when the image puts the `.env` file a `load_dotenv()` / `dotenv_values()` call reads into
 * `/root`, the container's working directory and the folder of the module there:
 * `add_local_file(".env", "/root/.env")`. With no path, python-dotenv looks for `.env` next to the
 * calling module and in the folders above it; a relative path is read from the working directory.
 */
export function shipsDotenvFile(model: ModalModel, call: SyntaxNode): boolean {
  const args = callArguments(call);
  const pathArgument = args.keywords.get('dotenv_path') ?? args.positional[0];
  let wanted = '.env';
  // Without a path, python-dotenv searches upward from the calling module's folder (`/root`): `/root/.env`, then `/.env`.
  let targets = ['/root/.env', '/.env'];
  if (pathArgument) {
    const value = resolveAt(model, pathArgument);
    if (value.kind !== 'str' || value.value.startsWith('/')) return false;
    wanted = path.posix.normalize(value.value);
    targets = [path.posix.join('/root', wanted)];
  }
  const mounted = model.registrations.flatMap((registration) => legacyMountsOf(model, registration));
  if (mounted.some((mount) => mount.kind === 'file' && mount.remote !== null && targets.includes(path.posix.normalize(mount.remote)))) return true;
  const steps = [
    ...model.nodesOfType('call'),
    ...[...model.registrations.map((registration) => registration.args.keywords.get('image')), ...model.apps.map((app) => callArguments(app.call).keywords.get('image'))]
      .flatMap((expression) => model.imageChainOf(expression)?.steps.map((step) => step.call) ?? []),
  ];
  return steps.some((step) => {
    const name = methodName(step);
    if (!name || !FILE_STEPS.has(name)) return false;
    const stepArgs = callArguments(step);
    const local = resolveAt(model, stepArgs.keywords.get('local_path') ?? stepArgs.positional[0]);
    const remote = resolveAt(model, stepArgs.keywords.get('remote_path') ?? stepArgs.positional[1]);
    if (remote.kind !== 'str') return false;
    // Where the file lands is what matters; `str(HERE / ".env")` as the source is fine.
    if (local.kind === 'str' && path.posix.basename(local.value) !== path.posix.basename(wanted)) return false;
    if (local.kind !== 'str' && remote.value.endsWith('/')) return false;
    const target = remote.value.endsWith('/') ? `${remote.value}${path.posix.basename((local as { value: string }).value)}` : remote.value;
    return targets.includes(path.posix.normalize(target));
  });
}
