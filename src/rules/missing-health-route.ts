import type { ModalFunction } from '../model/model.js';
import { isHealthPath, WebAppReader } from '../model/webapps.js';
import { defineRule } from './types.js';

const HEALTH_NAME = /^health(z|[-_]?check)?$/i;

export default defineRule({
  id: 'missing-health-route',
  category: 'reliability',
  defaultSeverity: 'warning',
  precision: 'medium',
  tags: ['web', 'health-check'],
  summary: 'Web app served through `asgi_app` / `wsgi_app` has no `/health` route.',
  docs: {
    what: 'For each App that serves HTTP through `@modal.asgi_app()` or `@modal.wsgi_app()`, looks for a `/health` or `/healthz` route on the web app the endpoint returns (FastAPI and Starlette decorators, `add_api_route`, `Route(...)`, Flask `route`, routers with prefixes; apps built in the function, at module level or in `@modal.enter()`). An App whose endpoints are all `@modal.fastapi_endpoint` passes when one of them is named or labelled `health`. Reported once per App, at its first web endpoint. `web_server` and `@app.server` wrap another process and are not checked; apps built where the linter cannot see are not reported.',
    why: 'Load balancers, uptime monitors and deploy scripts need a cheap endpoint that answers without touching the model or the database. Without one they probe a real route, which wakes GPU containers, costs money and reports a slow model as an outage.',
    example: '@app.function()\n@modal.asgi_app()\ndef api():\n    web_app = FastAPI()\n\n    @web_app.post("/predict")\n    def predict(item: dict): ...\n\n    return web_app',
    useInstead: '@app.function()\n@modal.asgi_app()\ndef api():\n    web_app = FastAPI()\n\n    @web_app.get("/health")\n    def health():\n        return {"status": "ok"}\n\n    @web_app.post("/predict")\n    def predict(item: dict): ...\n\n    return web_app',
    link: 'https://modal.com/docs/guide/webhooks',
  },
  messages: {
    missingHealth: 'App `{app}` serves HTTP but no `/health` or `/healthz` route was found; add a cheap health route for monitors and load balancers.',
  },
  check({ model, report }) {
    const reader = new WebAppReader(model);
    const endpointsByApp = new Map<string, ModalFunction[]>();
    for (const fn of model.functions) {
      const registration = model.registrationOf(fn);
      if (!registration || !fn.decorators.some((d) => ['asgi_app', 'wsgi_app', 'fastapi_endpoint', 'web_endpoint'].includes(d.name))) continue;
      const list = endpointsByApp.get(registration.appKey) ?? [];
      list.push(fn);
      endpointsByApp.set(registration.appKey, list);
    }
    for (const [app, endpoints] of endpointsByApp) {
      let hasHealth = false;
      let unknown = false;
      for (const fn of endpoints) {
        const decorators = new Set(fn.decorators.map((d) => d.name));
        if (decorators.has('asgi_app') || decorators.has('wsgi_app')) {
          const routes = reader.routesOfEndpoint(fn);
          if (!routes.known) unknown = true;
          else if (routes.paths.some(isHealthPath)) hasHealth = true;
        } else {
          const web = fn.decorators.find((d) => d.name === 'fastapi_endpoint' || d.name === 'web_endpoint')!;
          const label = model.resolve(web.args.keywords.get('label'));
          if (HEALTH_NAME.test(fn.name) || (label.kind === 'str' && HEALTH_NAME.test(label.value))) hasHealth = true;
        }
      }
      if (hasHealth || unknown) continue;
      const first = endpoints
        .map((fn) => fn.decorators.find((d) => ['asgi_app', 'wsgi_app', 'fastapi_endpoint', 'web_endpoint'].includes(d.name))!.decorator)
        .sort((a, b) => a.startIndex - b.startIndex)[0]!;
      report(first, 'missingHealth', { app });
    }
  },
});
