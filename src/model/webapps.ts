import type { SyntaxNode } from '../parser/syntax.js';
import { functionReturns, possibleOrigins } from './flow.js';
import { importedPath } from './imported-names.js';
import { callArguments, type ModalFunction, type ModalModel } from './model.js';

/** Route paths of a web app, or `unknown` when routes may come from code the linter cannot see. */
export type Routes = { known: true; paths: string[] } | { known: false };

const UNKNOWN_ROUTES: Routes = { known: false };
const WEB_APP_CONSTRUCTORS = new Set(['FastAPI', 'Starlette', 'Flask', 'Quart', 'APIRouter', 'Router', 'Blueprint']);
const ROUTE_DECORATORS = new Set([
  'get', 'post', 'put', 'delete', 'patch', 'options', 'head', 'trace', 'api_route', 'route', 'websocket',
  'add_api_route', 'add_route', 'add_url_rule', 'add_api_websocket_route', 'add_websocket_route', 'websocket_route',
]);
/** Methods that configure an app without adding routes. */
const NEUTRAL_METHODS = new Set([
  'middleware', 'add_middleware', 'exception_handler', 'add_exception_handler', 'on_event', 'add_event_handler',
  'openapi', 'state', 'config', 'before_request', 'after_request', 'teardown_request', 'errorhandler', 'user_middleware',
  'dependency_overrides', 'url_path_for', 'url_for', 'register_error_handler', 'app_context', 'test_client',
]);

function lastName(node: SyntaxNode | null): string {
  if (!node) return '';
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') return node.field('attribute')?.text ?? '';
  return '';
}

function joinPath(prefix: string, path: string): string {
  return `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function merge(parts: Routes[]): Routes {
  const paths: string[] = [];
  for (const part of parts) {
    if (!part.known) return UNKNOWN_ROUTES;
    paths.push(...part.paths);
  }
  return { known: true, paths };
}

/** Reads the web apps that ASGI/WSGI endpoints return, and the routes registered on them. */
export class WebAppReader {
  private depth = 0;

  constructor(private readonly model: ModalModel) {}

  /** Routes of the web app returned by an `asgi_app` / `wsgi_app` function or method. */
  routesOfEndpoint(fn: ModalFunction): Routes {
    const returns = [...fn.definition.field('body')!.descendants()].filter(
      (node) => node.type === 'return_statement' && this.model.guardsOf(node).find((g) => g.kind === 'function')?.node === fn.definition,
    );
    if (returns.length === 0) return UNKNOWN_ROUTES;
    return merge(returns.map((statement) => this.routesOfExpression(statement.namedChildren[0] ?? null, fn)));
  }

  private routesOfExpression(expression: SyntaxNode | null, fn: ModalFunction): Routes {
    if (!expression || this.depth > 20) return UNKNOWN_ROUTES;
    this.depth++;
    try {
      if (expression.type === 'call') return this.isConstructor(expression) ? this.constructorRoutes(expression) : UNKNOWN_ROUTES;
      if (expression.type === 'identifier') return this.routesOfVariable(expression);
      if (expression.type === 'attribute' && expression.field('object')?.text === 'self' && fn.owner) {
        return this.routesOfSelfAttribute(expression.field('attribute')!.text, fn.owner.definition, fn);
      }
      return UNKNOWN_ROUTES;
    } finally {
      this.depth--;
    }
  }

  private isConstructor(call: SyntaxNode): boolean {
    return WEB_APP_CONSTRUCTORS.has(lastName(call.field('function')));
  }

  /** `routes=[Route(...), Mount(...)]` given to the constructor, and an APIRouter's own prefix. */
  private constructorRoutes(call: SyntaxNode): Routes {
    const routes = callArguments(call).keywords.get('routes');
    if (!routes) return { known: true, paths: [] };
    if (routes.type !== 'list') return UNKNOWN_ROUTES;
    return merge(routes.namedChildren.map((item) => this.starletteRoute(item)));
  }

  private starletteRoute(item: SyntaxNode): Routes {
    if (item.type !== 'call') return UNKNOWN_ROUTES;
    const kind = lastName(item.field('function'));
    const args = callArguments(item);
    const path = this.model.resolve(args.keywords.get('path') ?? args.positional[0]);
    if (path.kind !== 'str') return UNKNOWN_ROUTES;
    if (kind === 'Route' || kind === 'WebSocketRoute') return { known: true, paths: [path.value] };
    if (kind === 'Mount') {
      const nested = args.keywords.get('routes');
      if (!nested || nested.type !== 'list') return UNKNOWN_ROUTES;
      const inner = merge(nested.namedChildren.map((child) => this.starletteRoute(child)));
      return inner.known ? { known: true, paths: inner.paths.map((p) => joinPath(path.value, p)) } : inner;
    }
    return UNKNOWN_ROUTES;
  }

  /** A local or module variable bound once to `FastAPI()` / `Flask()` / ...: its constructor routes plus every use. */
  private routesOfVariable(identifier: SyntaxNode): Routes {
    const bindings = this.model.bindingsFor(identifier);
    if (bindings.length !== 1) return UNKNOWN_ROUTES;
    const binding = bindings[0]!;
    if (binding.kind !== 'assign' || binding.value?.type !== 'call' || !this.isConstructor(binding.value)) return UNKNOWN_ROUTES;
    const scope = this.scopeNodeOf(binding.statement);
    const uses = [...scope.descendants()].filter(
      (node) => node.type === 'identifier' && node.text === identifier.text && node !== binding.statement.namedChildren[0]?.field('left')
        && this.model.bindingsFor(node)[0]?.statement === binding.statement,
    );
    const prefix = this.model.resolve(callArguments(binding.value).keywords.get('prefix') ?? callArguments(binding.value).keywords.get('url_prefix'));
    const own = merge([this.constructorRoutes(binding.value), ...uses.map((use) => this.routesOfUse(use))]);
    if (!own.known || prefix.kind !== 'str') return own;
    return { known: true, paths: own.paths.map((p) => joinPath(prefix.value, p)) };
  }

  /** `self.web_app` set in one method (usually `@modal.enter()`): resolve the assigned value there. */
  private routesOfSelfAttribute(attribute: string, classDefinition: SyntaxNode, fn: ModalFunction): Routes {
    const assignments = [...classDefinition.descendants()].filter(
      (node) => node.type === 'assignment' && node.field('left')?.text === `self.${attribute}`,
    );
    if (assignments.length !== 1) return UNKNOWN_ROUTES;
    const value = assignments[0]!.field('right');
    if (!value) return UNKNOWN_ROUTES;
    const base = value.type === 'identifier' ? this.routesOfVariable(value)
      : value.type === 'call' && this.isConstructor(value) ? this.constructorRoutes(value) : UNKNOWN_ROUTES;
    const uses = [...classDefinition.descendants()].filter(
      (node) => node.type === 'attribute' && node.text === `self.${attribute}` && node !== assignments[0]!.field('left')
        && !(node.parent?.type === 'return_statement' && fn.definition.contains(node)),
    );
    return merge([base, ...uses.map((use) => this.routesOfUse(use))]);
  }

  private scopeNodeOf(statement: SyntaxNode): SyntaxNode {
    for (const ancestor of statement.ancestors()) if (ancestor.type === 'function_definition' || ancestor.type === 'module') return ancestor;
    return this.model.root;
  }

  /** What one use of the app object adds: a route, an included router, or something unknowable. */
  private routesOfUse(use: SyntaxNode): Routes {
    const parent = use.parent;
    if (!parent) return UNKNOWN_ROUTES;
    if (parent.type === 'return_statement') return { known: true, paths: [] };
    if (parent.type === 'assignment' && parent.field('right') === use) {
      // `self.web_app = web_app` hands the same object on; its uses are read through the attribute.
      return parent.field('left')?.text.startsWith('self.') ? { known: true, paths: [] } : UNKNOWN_ROUTES;
    }
    if (parent.type === 'attribute' && parent.field('object') === use) {
      const method = parent.field('attribute')?.text ?? '';
      const call = parent.parent?.type === 'call' && parent.parent.field('function') === parent ? parent.parent : null;
      if (ROUTE_DECORATORS.has(method)) {
        if (!call) return UNKNOWN_ROUTES;
        const args = callArguments(call);
        const path = this.model.resolve(args.keywords.get('path') ?? args.keywords.get('rule') ?? args.positional[0]);
        return path.kind === 'str' ? { known: true, paths: [path.value] } : UNKNOWN_ROUTES;
      }
      if (method === 'include_router' || method === 'register_blueprint') return call ? this.includedRoutes(call) : UNKNOWN_ROUTES;
      if (method === 'mount') return call && this.mountsStaticFiles(call) ? { known: true, paths: [] } : UNKNOWN_ROUTES;
      if (NEUTRAL_METHODS.has(method)) return { known: true, paths: [] };
      return UNKNOWN_ROUTES;
    }
    // A router handed to `include_router` is read from the including side.
    const call = parent.type === 'argument_list' ? parent.parent : null;
    const callee = call?.field('function');
    if (callee?.type === 'attribute' && ['include_router', 'register_blueprint'].includes(callee.field('attribute')?.text ?? '')) {
      return { known: true, paths: [] };
    }
    // Passed to another function, stored in a container, re-bound: routes may be added out of sight.
    return UNKNOWN_ROUTES;
  }

  private includedRoutes(call: SyntaxNode): Routes {
    const args = callArguments(call);
    const router = args.positional[0];
    if (router?.type !== 'identifier') return UNKNOWN_ROUTES;
    const inner = this.routesOfVariable(router);
    const prefixNode = args.keywords.get('prefix') ?? args.keywords.get('url_prefix');
    if (!inner.known || !prefixNode) return inner;
    const prefix = this.model.resolve(prefixNode);
    return prefix.kind === 'str' ? { known: true, paths: inner.paths.map((p) => joinPath(prefix.value, p)) } : UNKNOWN_ROUTES;
  }

  private mountsStaticFiles(call: SyntaxNode): boolean {
    const args = callArguments(call);
    const mounted = args.keywords.get('app') ?? args.positional[1];
    return mounted?.type === 'call' && lastName(mounted.field('function')) === 'StaticFiles';
  }
}

/** `/health`, `/healthz`, `/api/health/`: the last path segment names a health check. */
export function isHealthPath(path: string): boolean {
  const segments = path.split('/').filter((segment) => segment !== '');
  const last = segments.at(-1)?.toLowerCase();
  return last === 'health' || last === 'healthz';
}

/** Constructors of ASGI and WSGI applications, by import path, with the interface each speaks. */
const APP_CLASSES: Record<string, { framework: string; interface: 'asgi' | 'wsgi' }> = {
  'fastapi.FastAPI': { framework: 'FastAPI', interface: 'asgi' },
  'fastapi.applications.FastAPI': { framework: 'FastAPI', interface: 'asgi' },
  'starlette.applications.Starlette': { framework: 'Starlette', interface: 'asgi' },
  'quart.Quart': { framework: 'Quart', interface: 'asgi' },
  'flask.Flask': { framework: 'Flask', interface: 'wsgi' },
  'flask.app.Flask': { framework: 'Flask', interface: 'wsgi' },
};

/**
 * The framework and interface of the ASGI / WSGI app a function builds and returns, when every value
 * it may return (through local names and project functions it calls) is a call of one app
 * constructor (`FastAPI()`, `Starlette()`, `Flask()`, `Quart()`); null when any return is something else.
 */
export function returnedWebApp(model: ModalModel, definition: SyntaxNode): { framework: string; interface: 'asgi' | 'wsgi' } | null {
  const returns = functionReturns(model, definition);
  let found: { framework: string; interface: 'asgi' | 'wsgi' } | null = null;
  for (const { node } of returns) {
    if (!node) return null;
    const origins = possibleOrigins(model, node);
    if (origins.length === 0) return null;
    for (const origin of origins) {
      const callee = origin.node?.type === 'call' ? origin.node.field('function') : null;
      const app = callee ? APP_CLASSES[importedPath(origin.model, callee) ?? ''] : undefined;
      if (!app || (found && found.interface !== app.interface)) return null;
      found = found ?? app;
    }
  }
  return found;
}
