import type { SyntaxNode } from '../parser/syntax.js';
import { attachedSecretCalls, servesWebEndpoints } from '../model/secrets.js';
import { defineRule } from './types.js';

export default defineRule({
  id: 'from-local-environ-in-web',
  category: 'reliability',
  defaultSeverity: 'warning',
  precision: 'high',
  tags: ['secrets', 'web', 'deploy'],
  summary: '`modal.Secret.from_local_environ(...)` attached to a function or class that serves web endpoints.',
  docs: {
    what: 'Flags `modal.Secret.from_local_environ(...)` attached to a function or class that serves HTTP: `@modal.asgi_app`, `@modal.wsgi_app`, `@modal.fastapi_endpoint`, `@modal.web_endpoint`, `@modal.web_server` (also on methods of an `@app.cls`) or an `@app.server` class. The secret may be passed directly in `secrets=[...]`, through a name or a constant list, or on the App\'s `secrets=`; a name bound more than once counts with every value it can hold at the use (`secret = modal.Secret.from_name(...)` then `if os.environ.get("DEV"): secret = modal.Secret.from_local_environ([...])`), both arms of a conditional expression count (`[hf_secret] if hf_secret else []`), and so do the `return` values of a function of the project that builds the list or the secret (reported at the call when that function lives in another module). Functions without web endpoints, which you run with `modal run`, are not flagged. One finding per `from_local_environ` call.',
    why: '`Secret.from_local_environ` copies the listed variables from the environment of the process that runs `modal deploy`, and returns an empty Secret in the container (modal-client `secret.py`, `Secret.from_local_environ`). A long-lived web service then gets whatever the person or CI job that last deployed it happened to have set: a deploy from another shell fails with "Could not find local environment variable", or silently ships different values. Keep service credentials in a named Secret that every deploy reads the same way.',
    example: '@app.function(secrets=[modal.Secret.from_local_environ(["OPENAI_API_KEY"])])\n@modal.asgi_app()\ndef api():\n    return web_app',
    useInstead: '@app.function(secrets=[modal.Secret.from_name("openai", required_keys=["OPENAI_API_KEY"])])\n@modal.asgi_app()\ndef api():\n    return web_app',
    link: 'https://modal.com/docs/guide/secrets',
  },
  messages: {
    localEnvironInWeb: '`Secret.from_local_environ` hands `{endpoint}`, which serves web requests, whatever the shell that runs `modal deploy` has set; a deployed service should read its credentials from `modal.Secret.from_name(...)`.',
  },
  check({ model, report }) {
    const reported = new Set<SyntaxNode>();
    for (const registration of model.registrations) {
      if (!servesWebEndpoints(model, registration)) continue;
      for (const secret of attachedSecretCalls(model, registration)) {
        if (reported.has(secret.site) || secret.model.qualifiedName(secret.node.field('function')) !== 'modal.Secret.from_local_environ') continue;
        reported.add(secret.site);
        report(secret.site, 'localEnvironInWeb', { endpoint: registration.target?.field('name')?.text ?? '?' });
      }
    }
  },
});
