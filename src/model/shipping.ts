import type { SyntaxNode } from '../parser/syntax.js';
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
