import type { SyntaxNode } from '../parser/syntax.js';
import { functionHandleKind } from '../model/function-handles.js';
import type { ModalModel } from '../model/model.js';
import { defineRule } from './types.js';

const LAZY_MAPS = new Set(['map', 'starmap']);

/** For `f.map(...)` / `f.map.aio(...)` on a proven Modal Function: the map method and whether `.aio` is used. */
function modalMapCall(model: ModalModel, call: SyntaxNode): { method: string; aio: boolean; receiver: SyntaxNode } | null {
  let callee = call.field('function');
  const aio = callee?.type === 'attribute' && callee.field('attribute')!.text === 'aio';
  if (aio) callee = callee!.field('object');
  if (callee?.type !== 'attribute') return null;
  const method = callee.field('attribute')!.text;
  const receiver = callee.field('object')!;
  return LAZY_MAPS.has(method) && functionHandleKind(model, receiver) ? { method, aio, receiver } : null;
}

export default defineRule({
  id: 'unconsumed-map',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['invocation', 'map'],
  summary: 'Result of a Modal `.map()` / `.starmap()` is discarded, so no input is ever sent.',
  docs: {
    what: 'Flags an expression statement that calls `.map(...)` or `.starmap(...)` (also `.map.aio(...)`, awaited or not) on a proven Modal Function or class method and throws the result away. Results that are iterated, passed on (`list(f.map(xs))`, `for y in f.map(xs)`) or assigned are fine, as are `.for_each()` and `.spawn_map()`, which run on their own. `.map()` on anything not proven to be Modal (`pool.map`, `executor.map`, pandas) is never reported.',
    why: '`Function.map` and `Function.starmap` are lazy generators: Modal sends inputs only while the result is iterated. A bare `f.map(xs)` statement creates the generator and drops it, so nothing runs; Modal only logs "the results of a call to Function.map was not consumed, so the call will never be executed" when the generator is garbage-collected (`_WarnIfGeneratorIsNotConsumed` in `_utils/async_utils.py`, applied in `parallel_map.py`). `await f.map.aio(xs)` fails outright with TypeError, because an async generator cannot be awaited.',
    example: '@app.local_entrypoint()\ndef main():\n    process.map(urls)',
    useInstead: '@app.local_entrypoint()\ndef main():\n    process.for_each(urls)  # or: results = list(process.map(urls))',
    link: 'https://modal.com/docs/guide/scale',
  },
  messages: {
    unconsumed: 'The result of `{receiver}.{method}(...)` is discarded, so Modal never sends any input: `.{method}()` runs only while it is iterated. Iterate it (`for result in ...`, `list(...)`){alternative}.',
    unconsumedAio: 'The result of `{receiver}.{method}.aio(...)` is discarded, so Modal never sends any input. Iterate it with `async for result in ...`{alternative}.',
    awaitedAio: '`await {receiver}.{method}.aio(...)` raises TypeError: `.{method}.aio()` returns an async generator, which cannot be awaited, so nothing runs. Iterate it with `async for result in ...`{alternative}.',
  },
  check({ model, report }) {
    for (const statement of model.nodesOfType('expression_statement')) {
      if (statement.namedChildren.length !== 1) continue;
      let expression = statement.namedChildren[0]!;
      const awaited = expression.type === 'await';
      if (awaited) expression = expression.namedChildren[0]!;
      if (expression?.type !== 'call') continue;
      const map = modalMapCall(model, expression);
      if (!map) continue;
      const receiver = map.receiver.text.length <= 40 && !map.receiver.text.includes('\n') ? map.receiver.text : '…';
      const messageId = !map.aio ? 'unconsumed' : awaited ? 'awaitedAio' : 'unconsumedAio';
      // `.for_each()` / `.spawn_map()` take the same arguments as `.map()`, not `.starmap()`'s tuples.
      const alternative = map.method !== 'map' ? '' : map.aio ? `, or use \`await ${receiver}.for_each.aio(...)\` when the results are not needed` : ', or use `.for_each()` / `.spawn_map()` when the results are not needed';
      report(statement, messageId, { receiver, method: map.method, alternative });
    }
  },
});
