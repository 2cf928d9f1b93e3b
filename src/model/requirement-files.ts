import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments, type ImageChain, type ModalModel } from './model.js';

/**
 * The requirements files an image chain installs from, as the code writes them
 * (`pip_install_from_requirements("requirements.txt")`, `uv_pip_install(requirements=[...])`), in
 * step order. Names that cannot be resolved to strings are left out.
 */
export function requirementFilesOf(model: ModalModel, chain: ImageChain): string[] {
  const files: string[] = [];
  const add = (node: SyntaxNode | undefined): void => {
    if (!node) return;
    const value = model.resolve(node);
    if (value.kind === 'str') files.push(value.value);
    else if (value.kind === 'list') for (const item of value.items) if (item.kind === 'str') files.push(item.value);
  };
  for (const step of chain.steps) {
    const args = callArguments(step.call);
    if (step.method === 'pip_install_from_requirements') add(args.keywords.get('requirements_txt') ?? args.positional[0]);
    else if (step.method === 'pip_install' || step.method === 'uv_pip_install') add(args.keywords.get('requirements'));
  }
  return [...new Set(files)];
}
