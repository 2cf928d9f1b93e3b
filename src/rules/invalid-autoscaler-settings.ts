import type { SyntaxNode } from '../parser/syntax.js';
import { configurationSites, numberType, possibleExpressions, type ConfigurationSite } from '../model/configuration.js';
import { defineRule } from './types.js';

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
  summary: 'Container counts, scaling windows or `timeout` that Modal rejects.',
  docs: {
    what: 'Checks `min_containers`, `max_containers`, `buffer_containers`, `scaledown_window`, `scaleup_window` and `timeout` on `@app.function`, `@app.cls` and `@app.server` (also without `@`), and on `with_options(...)` / `update_autoscaler(...)` of a Modal Function or Cls, through module constants and both arms of a conditional: `min_containers` above `max_containers`, a count that is not a whole number or is negative, a window or timeout of 0 or less, `timeout=None` on a decorator, and a timeout above 24 hours. Values that cannot be resolved are not checked.',
    why: 'When the function is created, the client raises InvalidError for a `min_containers` that is not an int, for `min_containers` > `max_containers`, for `scaledown_window` <= 0 and for `timeout=None` (`_Function.from_local` in `modal/_functions.py`), and `@app.server` rejects `scaleup_window` <= 0 (`modal/app.py`). The settings travel as unsigned integers, so a float, a string or a negative number fails too, and Modal accepts timeouts from 1 second to 24 hours (docs: Timeouts). `with_options` treats 0 as "not set", so `with_options(timeout=0)` silently keeps the old value.',
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
    timeoutTooLong: '`timeout={value}` ({seconds} s) is longer than 24 hours (86400 s), the longest timeout Modal allows; checkpoint the work and resume it in a new call instead.',
  },
  check({ model, report }) {
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
