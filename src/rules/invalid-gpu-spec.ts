import type { SyntaxNode } from '../parser/syntax.js';
import { configurationSites, possibleExpressions, type ConfigurationSite } from '../model/configuration.js';
import { gpuSpecProblem } from '../model/gpus.js';
import { defineRule } from './types.js';

const NOT_A_STRING = new Set(['tuple', 'set', 'dictionary', 'integer', 'float', 'true', 'false', 'list_comprehension', 'set_comprehension']);

export default defineRule({
  id: 'invalid-gpu-spec',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['gpu', 'configuration'],
  summary: '`gpu=` names an unknown GPU type, a count that is not a positive integer, or is not a string.',
  docs: {
    what: 'Checks the `gpu=` of `@app.function`, `@app.cls` and `@app.server` (also without `@`), of `with_options(...)` on a Modal Function or Cls, of `Sandbox.create(...)` and of Image build steps (`pip_install`, `run_commands`, `run_function`, ...). Each possible value, through module constants, f-strings and both arms of a conditional, must be `None` or a string `"TYPE"` / `"TYPE:N"` where TYPE is a GPU type Modal documents or uses in its examples (any case; add newer ones with the `extend-gpu-types` option) and N a whole number from 1 to the most GPUs a container can have (4 for A10, 8 for the others); lists of fallbacks are checked item by item. Values that cannot be resolved, `gpu=None` and legacy `modal.gpu.X()` objects (a removed API, reported separately) are left alone.',
    why: 'The client splits the string on `:`, parses the count with `int()` and raises InvalidError "Invalid GPU count" for `"A100:two"`, and raises "Value must be a string or `None`" for `gpu=1`, `gpu=True` or a tuple (`parse_gpu_config` in `modal/_utils/function_utils.py`). It checks neither the type nor the size of the count: it upper-cases the type and sends both to the server, which only offers its documented types and at most 8 GPUs per container (4 for A10), so the mistake surfaces at deploy time instead of in the editor; a count of 0 is never what the code means. Only the decorators and `Image.run_function` accept a list of fallback types; `with_options`, `Sandbox.create` and the other build steps take one string.',
    example: '@app.function(gpu="A100-80G:2")\ndef train(): ...\n\n@app.cls(gpu="H100:0")\nclass Model: ...',
    useInstead: '@app.function(gpu="A100-80GB:2")\ndef train(): ...\n\n@app.cls(gpu=["H100", "A100-80GB"])\nclass Model: ...',
    link: 'https://modal.com/docs/guide/gpu',
  },
  options: {
    'extend-gpu-types': { type: 'string[]', description: 'More GPU types to accept (any case), for types Modal added after this release.', default: [] },
  },
  messages: {
    unknownType: 'Unknown GPU type `{type}` in "{value}"{hint}; Modal offers T4, L4, A10, L40S, A100, A100-40GB, A100-80GB, RTX-PRO-6000, H100, H100!, H200, B200, B200+ and B300 (any case).',
    badCount: '"{value}": the GPU count `{count}` is not a positive integer; write `TYPE:N` with a whole N of 1 or more.',
    tooMany: '"{value}" asks for {count} {type} GPUs; one container can have at most {max}, so Modal rejects it.',
    notString: '`gpu={value}` is not a GPU string; Modal raises InvalidError "Value must be a string or `None`". Write it as `gpu="A100"` or `gpu="H100:2"`.',
    singleOnly: '`{call}` takes one GPU string, not a list; only `@app.function`, `@app.cls`, `@app.server` and `Image.run_function` accept fallback lists.',
  },
  check({ model, options, report }) {
    const extraTypes = new Set((options['extend-gpu-types'] as string[]).map((type) => type.toUpperCase()));
    const reported = new Set<SyntaxNode>();
    const flag: typeof report = (node, messageId, data) => {
      // A constant used by several functions is reported once, where it is written.
      if (!reported.has(node)) report(node, messageId, data);
      reported.add(node);
    };
    const checkSpec = (node: SyntaxNode) => {
      const value = model.resolve(node);
      if (NOT_A_STRING.has(node.type) || ['num', 'bool', 'dict', 'list'].includes(value.kind)) return flag(node, 'notString', { value: node.text });
      // An empty string reaches the server as "no type"; what it does with it is not documented.
      if (value.kind !== 'str' || value.value === '') return;
      const problem = gpuSpecProblem(value.value, extraTypes);
      if (problem?.kind === 'unknown-type') {
        const hint = problem.suggestion ? ` (did you mean \`${problem.suggestion}\`?)` : '';
        flag(node, 'unknownType', { value: value.value, type: problem.type, hint });
      } else if (problem?.kind === 'bad-count') flag(node, 'badCount', { value: value.value, count: problem.count });
      else if (problem) flag(node, 'tooMany', { value: value.value, count: problem.count, type: problem.type, max: problem.max });
    };
    for (const site of configurationSites(model)) {
      if (site.kind === 'app' || site.kind === 'update_autoscaler') continue;
      const acceptsList = site.kind === 'registration' || site.method === 'run_function';
      for (const expression of possibleExpressions(model, site.args.keywords.get('gpu'))) {
        const value = model.resolve(expression);
        if (expression.type !== 'tuple' && value.kind === 'list') {
          if (!acceptsList) flag(expression, 'singleOnly', { call: callName(site) });
          else for (const item of value.nodes) for (const choice of possibleExpressions(model, item)) checkSpec(choice);
        } else checkSpec(expression);
      }
    }
  },
});

function callName(site: ConfigurationSite): string {
  if (site.kind === 'image_step') return `Image.${site.method}`;
  if (site.kind === 'sandbox') return 'Sandbox.create';
  return site.method;
}
