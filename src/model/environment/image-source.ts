import type { SyntaxNode } from '../../parser/syntax.js';
import { callArguments, unwrapParens, type ImageChain, type ModalModel, type Registration } from '../model.js';
import { enclosingScope } from '../scope.js';

/*
 * The image a registered function, class or server runs in. modal-client 1.5.4 `app.py`: the
 * decorator's `image=`, else `App._get_default_image()`, which is the App's `image=` or the value
 * last given to the `App.image` setter, else the default `debian_slim()` image. The image is read
 * on the deploying machine, so under `if modal.is_local():` the local branch's image is the one built.
 */

export type ImageSource =
  | { kind: 'chain'; chain: ImageChain; /** The `image=` expression that names it. */ expression: SyntaxNode | null }
  | { kind: 'default' }
  | { kind: 'unknown' };

const UNKNOWN_IMAGE: ImageSource = { kind: 'unknown' };

function chainSource(model: ModalModel, expression: SyntaxNode): ImageSource {
  const chain = model.imageChainOf(expression);
  return chain ? { kind: 'chain', chain, expression } : UNKNOWN_IMAGE;
}

/**
 * The image a registered function, class or server runs in: its own `image=`, else its App's
 * (created here or imported from a project module), else Modal's default `debian_slim()`.
 */
export function imageSourceOf(model: ModalModel, registration: Registration): ImageSource {
  // Every import of a module asks about every registration: each is answered once.
  const cached = imageSourceCache.get(registration);
  if (cached?.model === model) return cached.source;
  const source = readImageSource(model, registration);
  imageSourceCache.set(registration, { model, source });
  return source;
}

const imageSourceCache = new WeakMap<Registration, { model: ModalModel; source: ImageSource }>();

function readImageSource(model: ModalModel, registration: Registration): ImageSource {
  const own = registration.args.keywords.get('image');
  if (own) return chainSource(model, own);
  if (registration.args.hasSplat) return UNKNOWN_IMAGE;
  // `app.image = ...` replaces the App's default image for registrations made after it.
  const setters = model.appImageAssignments(registration.appKey);
  if (setters.length > 0) {
    if (setters.some((assignment) => enclosingScope(assignment) !== model.root)) return UNKNOWN_IMAGE;
    const before = setters.filter((assignment) => assignment.startIndex < registration.node.startIndex).at(-1);
    if (before) return chainSource(model, before.field('right')!);
  }
  const app = model.appOf(registration);
  if (app) {
    if (app.constructor === 'lookup') return UNKNOWN_IMAGE;
    const args = callArguments(app.call);
    const image = args.keywords.get('image');
    if (image) return chainSource(model, image);
    return args.hasSplat ? UNKNOWN_IMAGE : { kind: 'default' };
  }
  const appNode = unwrapParens(registration.appNode);
  if (appNode.type !== 'identifier') return UNKNOWN_IMAGE;
  const binding = model.importOf(appNode.text);
  const exported = binding ? model.importedExport(binding) : undefined;
  if (exported?.kind !== 'app' || exported.appImage === undefined || exported.appImage === null) return UNKNOWN_IMAGE;
  return exported.appImage === 'default' ? { kind: 'default' } : { kind: 'chain', chain: exported.appImage, expression: null };
}

/** How a finding names an image: `image`, `gpu_image`, or Modal's default image. */
export function imageLabel(source: ImageSource): string {
  if (source.kind === 'default') return "Modal's default image (`debian_slim()`)";
  if (source.kind === 'chain' && source.expression && source.expression.text.length <= 60 && !source.expression.text.includes('\n')) {
    return `the image \`${source.expression.text}\``;
  }
  return source.kind === 'chain' && source.chain.base ? `the \`Image.${source.chain.base.constructor}()\` image` : 'its image';
}

/** A key that is the same for two references to one image chain. */
export function chainKey(chain: ImageChain): SyntaxNode | null {
  return chain.steps.at(-1)?.call ?? chain.base?.call ?? null;
}
