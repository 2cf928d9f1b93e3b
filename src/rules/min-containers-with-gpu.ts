import { defineRule } from './types.js';

export default defineRule({
  id: 'min-containers-with-gpu',
  category: 'cost',
  defaultSeverity: 'warning',
  precision: 'high',
  tags: ['cost', 'gpu', 'autoscaling'],
  summary: 'GPU function, class or server kept warm with `min_containers` >= 1.',
  docs: {
    what: 'Flags `min_containers` (or the removed `keep_warm`, which raises since Modal 1.4.0 and is reported for the cost it has once renamed) resolving to 1 or more on an `@app.function`, `@app.cls` or `@app.server` that requests a GPU.',
    why: 'Modal keeps `min_containers` containers running even when no request arrives. With a GPU attached, each of them is billed around the clock, which is rarely what a development or low-traffic deployment wants. Values are resolved through module constants: `min_containers=MIN_CONTAINERS` with `MIN_CONTAINERS = 0` is not a finding.',
    example: '@app.function(gpu="H100", min_containers=1)\ndef generate(prompt: str) -> str: ...',
    useInstead: 'MIN_CONTAINERS = 0  # raise in production, where the traffic pays for it\n\n@app.function(gpu="H100", min_containers=MIN_CONTAINERS, scaledown_window=300)\ndef generate(prompt: str) -> str: ...',
    link: 'https://modal.com/docs/guide/cold-start',
  },
  messages: {
    warmGpu: '`{keyword}={value}` keeps {value} GPU container(s) ({gpu}) running and billed even when idle.',
    warmGpuOldKeyword: '`keep_warm={value}` raises an error since Modal 1.4.0 (the keyword was renamed to `min_containers`); once renamed to `min_containers`, it keeps {value} GPU container(s) ({gpu}) running and billed even when idle.',
  },
  check({ model, report }) {
    for (const registration of model.registrations) {
      if (registration.kind === 'local_entrypoint') continue;
      const gpus = model.possibleValues(registration.args.keywords.get('gpu'));
      if (gpus.length === 0 || gpus.some((gpu) => gpu.kind === 'none')) continue;
      for (const keyword of ['min_containers', 'keep_warm']) {
        const value = model.resolve(registration.args.keywords.get(keyword));
        if (value.kind !== 'num' || value.value < 1) continue;
        const gpu = gpus.map((g) => (g.kind === 'str' ? g.value : g.kind === 'list' ? g.items.map((i) => (i.kind === 'str' ? i.value : '?')).join(', ') : '?')).join(' or ');
        // `keep_warm=` raises first (`removed-api`); the cost applies once it is renamed.
        const messageId = keyword === 'keep_warm' ? 'warmGpuOldKeyword' : 'warmGpu';
        report(registration.args.keywordNodes.get(keyword)!, messageId, { keyword, value: value.value, gpu });
      }
    }
  },
});
