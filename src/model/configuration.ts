import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments, type CallArguments, type ModalModel, type Registration } from './model.js';

/**
 * A call that hands Modal container settings (`gpu=`, `volumes=`, autoscaler keywords):
 * - `registration`: `@app.function(...)`, `@app.cls(...)`, `@app.server(...)`, also without `@`;
 * - `with_options` / `update_autoscaler`: on a receiver proven to be a Modal Function or Cls;
 * - `image_step`: a build step of a proven Image chain (`pip_install`, `run_commands`, ...) or `Image.from_dockerfile`;
 * - `app`: `modal.App(...)`; `sandbox`: `modal.Sandbox.create(...)`.
 */
export interface ConfigurationSite {
  kind: 'registration' | 'with_options' | 'update_autoscaler' | 'image_step' | 'app' | 'sandbox';
  call: SyntaxNode;
  args: CallArguments;
  /** The method called: `function`, `cls`, `server`, `with_options`, `run_commands`, `App`, `create`. */
  method: string;
  registration: Registration | null;
}

/** Image methods that take `gpu=` or `volumes=` (the other steps take neither). */
const CONFIGURABLE_IMAGE_STEPS = new Set([
  'pip_install', 'pip_install_private_repos', 'pip_install_from_requirements', 'pip_install_from_pyproject',
  'uv_pip_install', 'poetry_install_from_file', 'uv_sync', 'dockerfile_commands', 'run_commands',
  'micromamba_install', 'apt_install', 'run_function',
]);
const CONFIGURABLE_IMAGE_CONSTRUCTORS = new Set(['modal.Image.from_dockerfile']);
/** Calls that return a handle to a deployed Function or Cls. */
const REMOTE_HANDLES = new Set([
  'modal.Function.from_name', 'modal.Cls.from_name', 'modal.Function.from_id', 'modal.Function.lookup', 'modal.Cls.lookup',
]);
/** Methods of a Function or Cls that return a reconfigured Function or Cls. */
const VARIANT_METHODS = new Set(['with_options', 'with_concurrency', 'with_batching']);

const cache = new WeakMap<ModalModel, ConfigurationSite[]>();

/** Every call in the module that passes container settings to Modal, in source order. */
export function configurationSites(model: ModalModel): ConfigurationSite[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const sites: ConfigurationSite[] = [];
  const registrationCalls = new Map<SyntaxNode, Registration>();
  for (const registration of model.registrations) {
    if (registration.call && registration.kind !== 'local_entrypoint') registrationCalls.set(registration.call, registration);
  }
  const appCalls = new Set(model.apps.filter((app) => app.constructor === 'App').map((app) => app.call));
  for (const node of model.nodesOfType('call')) {
    const callee = node.field('function');
    const method = callee?.type === 'attribute' ? callee.field('attribute')?.text ?? '' : '';
    const site = (kind: ConfigurationSite['kind'], name = method): void => {
      sites.push({ kind, call: node, args: callArguments(node), method: name, registration: registrationCalls.get(node) ?? null });
    };
    const qualified = model.qualifiedName(callee);
    if (registrationCalls.has(node)) site('registration');
    else if (appCalls.has(node)) site('app', 'App');
    else if (qualified === 'modal.Sandbox.create') site('sandbox');
    else if (qualified && CONFIGURABLE_IMAGE_CONSTRUCTORS.has(qualified)) site('image_step');
    else if (qualified?.startsWith('modal.')) continue;
    else if ((method === 'with_options' || method === 'update_autoscaler') && isModalFunctionOrCls(model, callee!.field('object'))) site(method);
    else if (CONFIGURABLE_IMAGE_STEPS.has(method) && model.imageChainOf(callee!.field('object'))) site('image_step');
  }
  cache.set(model, sites);
  return sites;
}

/**
 * True when an expression is proven to be a Modal Function or Cls (or an instance of a Cls):
 * a registered `def` / `class` of this module, `Function.from_name(...)` / `Cls.from_name(...)`,
 * `.with_options(...)` of one, through names bound once.
 */
export function isModalFunctionOrCls(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): boolean {
  if (!node || depth > 20) return false;
  const expr = unwrapParentheses(node);
  if (expr.type === 'identifier') {
    const bindings = model.bindingsFor(expr);
    if (bindings.length !== 1) return false;
    const [binding] = bindings;
    if (binding!.kind === 'assign') return isModalFunctionOrCls(model, binding!.value, depth + 1);
    if (binding!.kind !== 'def' && binding!.kind !== 'class') return false;
    const definition = binding!.statement.type === 'decorated_definition' ? binding!.statement.field('definition') : binding!.statement;
    return model.registrations.some((r) => r.target === definition && r.kind !== 'local_entrypoint');
  }
  if (expr.type !== 'call') return false;
  const callee = expr.field('function');
  if (REMOTE_HANDLES.has(model.qualifiedName(callee) ?? '')) return true;
  // `app.function(**config)(fn)`: the registered function itself.
  if (model.registrations.some((r) => r.call === callee && r.kind !== 'local_entrypoint')) return true;
  if (callee?.type === 'attribute' && VARIANT_METHODS.has(callee.field('attribute')?.text ?? '')) {
    return isModalFunctionOrCls(model, callee.field('object'), depth + 1);
  }
  // `Model()` instantiates a Cls; `update_autoscaler` lives on the instance.
  return isModalCls(model, callee);
}

/** A registered class of this module, or `Cls.from_name(...)`, through names bound once. */
function isModalCls(model: ModalModel, node: SyntaxNode | null): boolean {
  if (node?.type !== 'identifier') return false;
  const bindings = model.bindingsFor(node);
  if (bindings.length !== 1) return false;
  const [binding] = bindings;
  if (binding!.kind === 'assign') return model.qualifiedName(model.originCall(node)?.field('function') ?? null) === 'modal.Cls.from_name';
  const definition = binding!.statement.type === 'decorated_definition' ? binding!.statement.field('definition') : binding!.statement;
  return binding!.kind === 'class' && model.registrations.some((r) => r.target === definition && (r.kind === 'cls' || r.kind === 'server'));
}

/**
 * The expressions a value may come from: both arms of `a if cond else b`, through names bound once.
 * A name that is not bound exactly once by an assignment contributes nothing (its value is unknown).
 */
export function possibleExpressions(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): SyntaxNode[] {
  if (!node || depth > 40) return [];
  const expr = unwrapParentheses(node);
  if (expr.type === 'conditional_expression') {
    const [whenTrue, , whenFalse] = expr.namedChildren;
    return [...possibleExpressions(model, whenTrue, depth + 1), ...possibleExpressions(model, whenFalse, depth + 1)];
  }
  if (expr.type === 'identifier') return possibleExpressions(model, model.boundValue(expr), depth + 1);
  return [expr];
}

/** Whether a numeric expression is a Python `int` or `float` (`1.0`, `n / 2`), as far as it can be told. */
export function numberType(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): 'int' | 'float' | null {
  if (!node || depth > 40) return null;
  const expr = unwrapParentheses(node);
  switch (expr.type) {
    case 'integer':
      return /[jJ]$/.test(expr.text) ? null : 'int';
    case 'float':
      return /[jJ]$/.test(expr.text) ? null : 'float';
    case 'identifier':
      return numberType(model, model.boundValue(expr), depth + 1);
    case 'unary_operator':
      return numberType(model, expr.field('argument'), depth + 1);
    case 'binary_operator': {
      const left = numberType(model, expr.field('left'), depth + 1);
      const right = numberType(model, expr.field('right'), depth + 1);
      if (!left || !right) return null;
      const operator = expr.field('operator')?.text ?? expr.children.find((child) => !child.isNamed)?.text;
      if (operator === '/') return 'float';
      if (operator && ['+', '-', '*', '//', '%'].includes(operator)) return left === 'float' || right === 'float' ? 'float' : 'int';
      return null;
    }
    case 'call': {
      const callee = expr.field('function');
      if (callee?.type !== 'identifier' || model.bindingsFor(callee).length > 0) return null;
      return callee.text === 'int' || callee.text === 'len' ? 'int' : callee.text === 'float' ? 'float' : null;
    }
    default:
      return null;
  }
}

function unwrapParentheses(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildren.length === 1) current = current.namedChildren[0]!;
  return current;
}
