import type { SyntaxNode } from '../parser/syntax.js';
import type { ModalModel } from '../model/model.js';
import { DEFAULT_MODEL_LOADERS, isCachedLoad, modelLoaderOf } from '../model/model-loads.js';
import { defineRule } from './types.js';

/** Decorators whose method body runs once per input. */
const PER_INPUT = new Set(['method', 'batched', 'fastapi_endpoint', 'web_endpoint']);
/** Decorators whose method runs once per container to build a web app; its route handlers run per request. */
const APP_BUILDERS = new Set(['asgi_app', 'wsgi_app']);

export default defineRule({
  id: 'model-load-in-method',
  category: 'performance',
  defaultSeverity: 'warning',
  precision: 'high',
  tags: ['performance', 'cold-start', 'lifecycle'],
  summary: 'Model weights loaded inside a per-request method of a Modal class.',
  docs: {
    what: 'Flags a call that loads model weights (`from_pretrained`, `torch.load`, transformers `pipeline(...)`, vLLM `LLM(...)`, `SentenceTransformer(...)`, `load_model`, `joblib.load`, `YOLO(...)`, ... see the `loaders` option) in a `@modal.method()`, `@modal.batched()`, `@modal.fastapi_endpoint()` or `@modal.web_endpoint()` method of an `@app.cls` class, or in a route handler defined inside an `@modal.asgi_app()` / `@modal.wsgi_app()` method. Not flagged: loads under a check of what they fill (`if self.model is None: self.model = ...`, `if not hasattr(self, "model")`, `if name not in self.models: self.models[name] = ...`); loads in `@modal.enter()`, in undecorated helper methods, in the body of an `asgi_app` / `wsgi_app` method (Modal calls it once per container to build the app), and in nested functions the method never calls; `hf_hub_download` / `snapshot_download` (they return a cached path, and per-request downloads of request-chosen adapters are legitimate); `*Config.from_pretrained` (a small JSON file); `torch.load(io.BytesIO(...))` (request data); functions registered with `@app.function`, where loading per call is a different trade-off.',
    why: 'Modal creates one instance of the class per container and runs its `@modal.enter()` methods once, before the first input; `@modal.method()` and web endpoint methods then run once per input (`_LifecycleManager` and `ImportedClass` in modal/_runtime/user_code_imports.py: the enter methods run in the container lifecycle, every method is bound to that one instance, and an `asgi_app` / `wsgi_app` method is called once to build the app). A load in the method body reads gigabytes from disk or the network and moves them to the GPU again on every request, turning a warm container into a cold start each time.',
    example: '@app.cls(gpu="A10G")\nclass Embedder:\n    @modal.method()\n    def embed(self, text: str) -> list[float]:\n        model = SentenceTransformer("all-MiniLM-L6-v2", device="cuda")\n        return model.encode(text).tolist()',
    useInstead: '@app.cls(gpu="A10G")\nclass Embedder:\n    @modal.enter()\n    def load(self):\n        self.model = SentenceTransformer("all-MiniLM-L6-v2", device="cuda")\n\n    @modal.method()\n    def embed(self, text: str) -> list[float]:\n        return self.model.encode(text).tolist()',
    link: 'https://modal.com/docs/guide/lifecycle-functions',
  },
  options: {
    'extend-loaders': { type: 'string[]', description: 'More loader calls: import paths (`mylib.load_weights`) or `*.method_name` for any receiver.', default: [] },
    loaders: { type: 'string[]', description: 'Replaces the default list of loader calls.', default: DEFAULT_MODEL_LOADERS },
  },
  messages: {
    loadPerRequest: '`{call}` loads a model on every call of {where}; load it once in a `@modal.enter()` method and keep it on `self`.',
  },
  check({ model, options, report }) {
    const loaders = [...(options.loaders as string[]), ...(options['extend-loaders'] as string[])];
    for (const fn of model.functions) {
      if (!fn.owner) continue;
      const names = fn.decorators.map((d) => d.name);
      let bodies: SyntaxNode[];
      if (names.some((name) => PER_INPUT.has(name))) bodies = [fn.definition, ...calledNestedFunctions(model, fn.definition)];
      else if (names.some((name) => APP_BUILDERS.has(name))) bodies = routeHandlersIn(fn.definition);
      else continue;
      for (const body of bodies) {
        for (const call of ownCalls(body)) {
          const loader = modelLoaderOf(model, call, loaders);
          if (!loader || isCachedLoad(call, body)) continue;
          const method = `${fn.owner.name}.${fn.name}`;
          const where = body === fn.definition ? `\`${method}\`` : `\`${body.field('name')!.text}\` (in \`${method}\`)`;
          report(call, 'loadPerRequest', { call: call.field('function')!.text, where });
        }
      }
    }
  },
});

/** Calls in a function's own body, not in the functions and lambdas nested in it. */
function* ownCalls(definition: SyntaxNode): Generator<SyntaxNode> {
  const stack = [...(definition.field('body')?.children ?? [])];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'function_definition' || node.type === 'lambda' || node.type === 'class_definition') continue;
    if (node.type === 'call') yield node;
    stack.push(...node.children);
  }
}

/** Functions nested in a method that the method itself calls by name. */
function calledNestedFunctions(model: ModalModel, method: SyntaxNode): SyntaxNode[] {
  const called: SyntaxNode[] = [];
  for (const call of ownCalls(method)) {
    const callee = call.field('function');
    if (callee?.type !== 'identifier') continue;
    for (const binding of model.bindingsFor(callee)) {
      const target = binding.statement.type === 'decorated_definition' ? binding.statement.field('definition') : binding.statement;
      if (binding.kind === 'def' && target && method.contains(target) && !called.includes(target)) called.push(target);
    }
  }
  return called;
}

/** Decorated functions nested in a web app builder: `@web_app.post("/predict")` handlers run per request. */
function routeHandlersIn(builder: SyntaxNode): SyntaxNode[] {
  return [...builder.descendants()].filter(
    (node) => node.type === 'function_definition' && node !== builder && node.parent?.type === 'decorated_definition',
  );
}
