import type { SyntaxNode } from '../parser/syntax.js';
import { configurationSites, numberType, possibleExpressions, type ConfigurationSite } from '../model/configuration.js';
import type { ModalModel } from '../model/model.js';
import { defineRule } from './types.js';

/** `_partial_function.py:22-23`. */
const MAX_BATCH_SIZE = 1000;
const MAX_WAIT_MS = 10 * 60 * 1000;

type DecoratorMessage = 'concurrentWithoutMaxInputs' | 'targetAboveMax' | 'targetInputsType' | 'batchSize' | 'waitMs' | 'maxInputs';

/**
 * `@modal.concurrent` and `@modal.batched` values Modal rejects: the decorator itself checks its
 * limits (`_partial_function.py:677-683`, `:757`); the registration above it checks `max_inputs` is
 * given (`:108`) and `target_inputs` is a whole number (`_utils/function_utils.py:91-97`).
 */
function* decoratorProblems(model: ModalModel): Generator<{ at: SyntaxNode; id: DecoratorMessage; data: Record<string, string | number> }> {
  for (const decorated of model.nodesOfType('decorated_definition')) {
    const definition = decorated.field('definition');
    if (!definition) continue;
    const decorators = model.modalDecoratorsOf(definition);
    const decoratorNodes = decorated.children.filter((child) => child.type === 'decorator');
    for (const decorator of decorators) {
      if (!decorator.call || decorator.args.hasSplat) continue;
      const { keywords, keywordNodes } = decorator.args;
      if (decorator.name === 'batched') {
        const size = model.resolve(keywords.get('max_batch_size'));
        if (size.kind === 'num' && (size.value < 1 || size.value > MAX_BATCH_SIZE)) yield { at: keywordNodes.get('max_batch_size')!, id: 'batchSize', data: { value: size.value } };
        const wait = model.resolve(keywords.get('wait_ms'));
        if (wait.kind === 'num' && (wait.value < 0 || wait.value > MAX_WAIT_MS)) yield { at: keywordNodes.get('wait_ms')!, id: 'waitMs', data: { value: wait.value } };
      }
      if (decorator.name !== 'concurrent') continue;
      const max = model.resolve(keywords.get('max_inputs'));
      const target = model.resolve(keywords.get('target_inputs'));
      if (max.kind === 'num' && target.kind === 'num' && target.value > max.value) {
        yield { at: keywordNodes.get('target_inputs')!, id: 'targetAboveMax', data: { target: target.value, max: max.value } };
      }
      // The registration checks run only when `@app.function` / `@app.cls` sits above, with no other decorator between.
      const above = decoratorNodes.slice(0, decoratorNodes.indexOf(decorator.decorator));
      const registration = model.registrations.find((r) => r.decorator && above.includes(r.decorator));
      if (!registration?.call || registration.args.hasSplat || (registration.kind !== 'function' && registration.kind !== 'cls')) continue;
      const between = above.slice(above.indexOf(registration.decorator!) + 1);
      if (between.some((node) => !decorators.some((d) => d.decorator === node))) continue;
      // Flash functions (`experimental_options`, `@modal.experimental.http_server`) need `target_inputs` instead.
      const flash = registration.args.keywords.has('experimental_options') || decorators.some((d) => d.name.startsWith('experimental.'))
        || decoratorNodes.some((node) => model.qualifiedName(node.namedChildren[0]?.type === 'call' ? node.namedChildren[0].field('function') : node.namedChildren[0] ?? null)?.startsWith('modal.experimental.'));
      if (flash) continue;
      if (!keywords.has('max_inputs')) yield { at: decorator.decorator, id: 'concurrentWithoutMaxInputs', data: { registration: registration.call.field('function')!.text } };
      const targetNode = keywords.get('target_inputs');
      const invalidTarget = target.kind === 'str' || target.kind === 'bool' || (target.kind === 'num' && (target.value < 0 || numberType(model, targetNode) === 'float'));
      if (targetNode && invalidTarget) yield { at: keywordNodes.get('target_inputs')!, id: 'targetInputsType', data: { value: shortText(targetNode) } };
    }
  }
}

/** `max_inputs=` of `@app.function` / `@app.cls`: an int, and only 1 (app.py:880-885, :1123-1128). */
function* maxInputsProblems(model: ModalModel): Generator<{ at: SyntaxNode; id: DecoratorMessage; data: Record<string, string | number> }> {
  for (const registration of model.registrations) {
    if ((registration.kind !== 'function' && registration.kind !== 'cls') || !registration.call) continue;
    const node = registration.args.keywords.get('max_inputs');
    const value = model.resolve(node);
    const invalid = value.kind === 'str' || (value.kind === 'num' && (numberType(model, node) === 'float' || value.value !== 1));
    if (node && invalid) yield { at: registration.args.keywordNodes.get('max_inputs')!, id: 'maxInputs', data: { value: shortText(node) } };
  }
}

const COUNTS = ['min_containers', 'max_containers', 'buffer_containers'];
const DAY_IN_SECONDS = 24 * 60 * 60;

/** The autoscaler and timeout keywords each call accepts (others are a different rule's business). */
function keywordsOf(site: ConfigurationSite): string[] {
  if (site.kind === 'registration') {
    return site.method === 'server' ? [...COUNTS, 'scaleup_window', 'scaledown_window'] : [...COUNTS, 'scaledown_window', 'timeout'];
  }
  if (site.kind === 'with_options') return ['max_containers', 'buffer_containers', 'scaledown_window', 'timeout'];
  if (site.kind === 'update_autoscaler') return [...COUNTS, 'scaledown_window'];
  return [];
}

export default defineRule({
  id: 'invalid-autoscaler-settings',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['autoscaling', 'configuration'],
  summary: 'Container counts, scaling windows, `timeout`, concurrency or batching limits that Modal rejects.',
  docs: {
    what: 'Checks `min_containers`, `max_containers`, `buffer_containers`, `scaledown_window`, `scaleup_window` and `timeout` on `@app.function`, `@app.cls` and `@app.server` (also without `@`), and on `with_options(...)` / `update_autoscaler(...)` of a Modal Function or Cls, through module constants and both arms of a conditional: `min_containers` above `max_containers`, a count that is not a whole number or is negative, a window or timeout of 0 or less, `timeout=None` on a decorator, and a timeout above 24 hours. Also checks `@modal.concurrent` (no `max_inputs=` under `@app.function` / `@app.cls`, `target_inputs` above `max_inputs` or not a whole number of 0 or more), `@modal.batched` (`max_batch_size` from 1 to 1000, `wait_ms` from 0 to 600000) and `max_inputs=` of `@app.function` / `@app.cls` (only 1 is accepted). Flash functions (`experimental_options=`, `modal.experimental.*` decorators) are left alone. Values that cannot be resolved are not checked.',
    why: 'When the function is created, the client raises InvalidError for a `min_containers` that is not an int, for `min_containers` > `max_containers`, for `scaledown_window` <= 0 and for `timeout=None` (`_Function.from_local` in `modal/_functions.py`), and `@app.server` rejects `scaleup_window` <= 0 (`modal/app.py`). The settings travel as unsigned integers, so a float, a string or a negative number fails too, and Modal accepts timeouts from 1 second to 24 hours (docs: Timeouts). `with_options` treats 0 as "not set", so `with_options(timeout=0)` silently keeps the old value. `@modal.concurrent` rejects `target_inputs` above `max_inputs` and `@modal.batched` its limits when the decorator runs (`modal/_partial_function.py:677-683`, `:756-757`); the registration then requires `max_inputs` (`verify_concurrent_params`, `_partial_function.py:96-108`, called at `app.py:936` and `:1148`), checks `target_inputs` (`validate_target_concurrency`, `_utils/function_utils.py:85-97`, called at `_functions.py:807`) and accepts only `max_inputs=1` (`app.py:880-885`, `:1123-1128`). All of these raise at import.',
    example: '@app.function(min_containers=4, max_containers=2, scaledown_window=0, timeout=None)\ndef handle(request): ...',
    useInstead: '@app.function(min_containers=2, max_containers=4, scaledown_window=60, timeout=600)\ndef handle(request): ...',
    link: 'https://modal.com/docs/guide/scale',
  },
  messages: {
    minAboveMax: '`min_containers={min}` is greater than `max_containers={max}`; Modal raises InvalidError when it creates the function.',
    notInteger: '`{keyword}={value}` is not an `int`; Modal sends it as an integer and rejects a float or a string (write `2`, not `2.0` or "2").',
    negative: '`{keyword}={value}` is negative; a container count must be 0 or more.',
    notPositive: '`{keyword}={value}` must be greater than 0 seconds.',
    timeoutNone: '`timeout=None` raises InvalidError: every Modal Function has a timeout; pass a number of seconds from 1 to 86400 (the default is 300).',
    concurrentWithoutMaxInputs: '`@modal.concurrent()` without `max_inputs=`: `{registration}(...)` raises TypeError ("missing required argument: `max_inputs`") at import; give the most inputs one container may run at once.',
    targetAboveMax: '`target_inputs={target}` is greater than `max_inputs={max}`: `@modal.concurrent` raises InvalidError at import.',
    targetInputsType: '`target_inputs={value}` must be a whole number of 0 or more: Modal raises InvalidError at import when it registers the function.',
    batchSize: '`max_batch_size={value}` must be from 1 to 1000: `@modal.batched` raises InvalidError at import.',
    waitMs: '`wait_ms={value}` must be from 0 to 600000 (10 minutes): `@modal.batched` raises InvalidError at import.',
    maxInputs: '`max_inputs={value}`: Modal accepts only `max_inputs=1` (an int) and raises InvalidError at import; write `single_use_containers=True`, which replaces it.',
    timeoutTooLong: '`timeout={value}` ({seconds} s) is longer than 24 hours (86400 s), the longest timeout Modal allows; checkpoint the work and resume it in a new call instead.',
  },
  check({ model, report }) {
    for (const problem of decoratorProblems(model)) report(problem.at, problem.id, problem.data);
    for (const problem of maxInputsProblems(model)) report(problem.at, problem.id, problem.data);
    for (const site of configurationSites(model)) {
      const reported = new Set<string>();
      const flag = (keyword: string, messageId: 'notInteger' | 'negative' | 'notPositive' | 'timeoutNone' | 'timeoutTooLong', value: string, seconds = 0) => {
        if (reported.has(keyword + messageId)) return;
        reported.add(keyword + messageId);
        report(site.args.keywordNodes.get(keyword)!, messageId, { keyword, value, seconds });
      };
      for (const keyword of keywordsOf(site)) {
        for (const expression of possibleExpressions(model, site.args.keywords.get(keyword))) {
          const value = model.resolve(expression);
          const text = shortText(expression);
          // `None` is the default everywhere except a decorator's `timeout`.
          if (value.kind === 'none' && keyword === 'timeout' && site.kind === 'registration') flag(keyword, 'timeoutNone', text);
          else if (value.kind === 'str' || numberType(model, expression) === 'float') flag(keyword, 'notInteger', text);
          else if (value.kind !== 'num') continue;
          else if (COUNTS.includes(keyword) && value.value < 0) flag(keyword, 'negative', text);
          else if (!COUNTS.includes(keyword) && value.value <= 0) flag(keyword, 'notPositive', text);
          else if (keyword === 'timeout' && value.value > DAY_IN_SECONDS) flag(keyword, 'timeoutTooLong', text, value.value);
        }
      }
      const min = model.resolve(site.args.keywords.get('min_containers'));
      const max = model.resolve(site.args.keywords.get('max_containers'));
      if (min.kind === 'num' && max.kind === 'num' && min.value > max.value && keywordsOf(site).includes('min_containers')) {
        report(site.args.keywordNodes.get('min_containers')!, 'minAboveMax', { min: min.value, max: max.value });
      }
    }
  },
});

function shortText(node: SyntaxNode): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
