import { ownYield, setsRetryPolicy } from '../model/function-shape.js';
import { parameterNames } from '../model/scope.js';
import { returnedWebApp } from '../model/webapps.js';
import type { ModalDecorator } from '../model/model.js';
import { replaceNode } from '../fix/edits.js';
import { defineRule, type Fix } from './types.js';

/** Decorators whose function only builds and returns an app (or starts a server): sync, no parameters. */
const APP_FACTORIES = new Set(['asgi_app', 'wsgi_app', 'web_server']);
/** Keywords of `@modal.fastapi_endpoint` that `@modal.asgi_app` / `@modal.wsgi_app` take too (`_partial_function.py`). */
const APP_DECORATOR_KEYWORDS = new Set(['label', 'custom_domains', 'requires_proxy_auth']);

export default defineRule({
  id: 'web-endpoint-signature',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['web', 'import-time'],
  summary: 'Web endpoint whose shape Modal rejects: async or parameterized app factory, generator, or retries.',
  docs: {
    what: 'Flags `@modal.asgi_app()`, `@modal.wsgi_app()` and `@modal.web_server()` functions and methods that are `async def` or take parameters other than `self`; and web functions registered with `@app.function(...)` (those three plus `@modal.fastapi_endpoint()`) that are generators (a `yield` in their own body, not in a nested function) or whose registration sets `retries=` to an int or a `modal.Retries(...)`. Generators and retries are not checked on methods of `@app.cls` classes, where the client does not reject them at import. Also flags `@modal.fastapi_endpoint()` (or the removed `@modal.web_endpoint()`) on a function or method whose every return value is a new `FastAPI()`, `Starlette()`, `Quart()` or `Flask()` app (followed through local names and the project functions it calls).',
    why: 'An ASGI/WSGI/web-server function is called once per container, with no arguments, to build the app or start the server, so the decorator rejects an async function or one with parameters when the module is imported (`validate_obj_compatibility` in `_partial_function.py`: "can\'t be applied to an async function", "can\'t have parameters"). The app it returns may be async and take requests. A web Function cannot be a generator ("Webhooks cannot be generators") and does not support retries, even `retries=0` ("Web Functions do not support retries", `_Function.from_local` in `_functions.py`). Stream from a nested generator with `StreamingResponse` instead. `@modal.fastapi_endpoint` wraps the function itself as the one route of an endpoint and sends back what it returns (`_partial_function.py`, `fastapi_endpoint`): a returned app is the response, not a server, so its routes are never reached. `@modal.asgi_app()` / `@modal.wsgi_app()` call the function once per container and serve the app it returns.',
    example: '@app.function(retries=3)\n@modal.asgi_app()\nasync def api(debug: bool = False):\n    return web_app',
    useInstead: '@app.function()\n@modal.asgi_app()\ndef api():\n    return web_app',
    fixSafety: 'Safe, for an endpoint that returns an app: `@modal.fastapi_endpoint(...)` becomes `@modal.asgi_app(...)` (`@modal.wsgi_app(...)` for Flask) when the function is a plain `def` without parameters and the decorator passes only `label`, `custom_domains` or `requires_proxy_auth`, which the app decorators take too. The endpoint served nothing useful before; it now serves the app. No fix for a decorator imported by name, or with `method=` or `docs=`.',
    link: 'https://modal.com/docs/guide/webhooks',
  },
  messages: {
    asyncFactory: '`@modal.{decorator}` cannot wrap an `async def`: Modal raises InvalidError at import; make `{function}` a plain `def`; the app it returns, or the server it starts, can still be async.',
    factoryParameters: '`@modal.{decorator}` functions cannot take parameters ({parameters}): Modal calls `{function}` with none and raises InvalidError at import; read configuration from module constants or environment variables instead.',
    generator: 'Web endpoint `{function}` is a generator: Modal raises InvalidError ("Webhooks cannot be generators") at import; return a `StreamingResponse` over a nested generator instead.',
    returnsApp: '`@modal.{decorator}` serves what `{function}` returns, and it returns a {framework} app: its one route answers with that app object instead of serving it, so none of the routes of that app is ever reached. Use `@modal.{replacement}()`, which serves the returned app.',
    retries: '`retries=` on web endpoint `{function}`: Modal raises InvalidError ("Web Functions do not support retries") at import, even for `retries=0`; remove it and retry inside the handler if needed.',
  },
  fixAvailability: 'sometimes',
  check({ model, report }) {
    for (const fn of model.functions) {
      const web = model.webDecoratorOf(fn);
      if (!web) continue;
      const name = fn.definition.field('name')!;
      const app = web.name === 'fastapi_endpoint' || web.name === 'web_endpoint' ? returnedWebApp(model, fn.definition) : null;
      if (app) {
        const replacement = `${app.interface}_app`;
        const fixable = !fn.isAsync && parameterNames(fn.definition).every((p) => p === 'self');
        report(web.decorator, 'returnsApp', { decorator: web.name, function: fn.name, framework: app.framework, replacement }, fixable ? appDecoratorFix(web, replacement) : undefined);
      }
      if (web.name === 'web_endpoint') continue;
      if (APP_FACTORIES.has(web.name)) {
        if (fn.isAsync) report(name, 'asyncFactory', { decorator: web.name, function: fn.name });
        const parameters = parameterNames(fn.definition).filter((p) => p !== 'self');
        if (parameters.length > 0) {
          report(fn.definition.field('parameters')!, 'factoryParameters', { decorator: web.name, function: fn.name, parameters: parameters.map((p) => `\`${p}\``).join(', ') });
        }
      }
      // Methods of `@app.cls` classes are not checked for these by the client; only web Functions are.
      const registration = fn.registration;
      if (registration?.kind !== 'function' || registration.args.hasSplat) continue;
      const yielded = registration.args.keywords.has('is_generator') ? null : ownYield(fn.definition);
      if (yielded) report(yielded, 'generator', { function: fn.name });
      if (setsRetryPolicy(model, registration.args.keywords.get('retries'))) report(registration.args.keywordNodes.get('retries')!, 'retries', { function: fn.name });
    }
  },
});

/** `@modal.fastapi_endpoint(label=...)` -> `@modal.asgi_app(label=...)`, when the decorator passes nothing the app decorator lacks. */
function appDecoratorFix(web: ModalDecorator, replacement: string): Fix | undefined {
  const callee = web.call?.field('function');
  if (callee?.type !== 'attribute' || web.args.hasSplat || web.args.positional.length > 0) return undefined;
  if (![...web.args.keywords.keys()].every((keyword) => APP_DECORATOR_KEYWORDS.has(keyword))) return undefined;
  return { safety: 'safe', title: `Use \`@modal.${replacement}()\``, edits: [replaceNode(callee.field('attribute')!, replacement)] };
}
