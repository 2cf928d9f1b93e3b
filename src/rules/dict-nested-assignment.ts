import type { SyntaxNode } from '../parser/syntax.js';
import { dictReadBehind } from '../model/dicts.js';
import { defineRule } from './types.js';

/** In-place methods of list, dict and set. */
const MUTATORS = new Set(['append', 'extend', 'insert', 'remove', 'pop', 'clear', 'update', 'setdefault', 'popitem', 'add', 'discard', 'sort', 'reverse']);

/** The container a target changes: `d[k]` for `d[k][j] = v`, `del d[k][j]` and `d[k].x += 1`. */
function containerOf(target: SyntaxNode): SyntaxNode | null {
  return target.type === 'subscript' ? target.field('value') : target.type === 'attribute' ? target.field('object') : null;
}

/** Assignment targets, flattening `a, d[k][j] = ...`. */
function targetsOf(node: SyntaxNode): SyntaxNode[] {
  if (['pattern_list', 'tuple_pattern', 'list_pattern', 'expression_list', 'tuple', 'list', 'parenthesized_expression'].includes(node.type)) return node.namedChildren.flatMap(targetsOf);
  return [node];
}

export default defineRule({
  id: 'dict-nested-assignment',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['dict', 'state'],
  summary: 'In-place change of a value read from a `modal.Dict`, never written back.',
  docs: {
    what: 'Flags `d[k][j] = v`, `d[k].attr = v`, `d[k][j] += v`, `del d[k][j]` and in-place method calls (`d[k].append(x)`, `.extend`, `.insert`, `.update`, `.add`, `.pop`, `.remove`, `.clear`, `.setdefault`, ...), also on `d.get(k)`, where `d` is proven to be a `modal.Dict`: `Dict.from_name` / `Dict.ephemeral` / `Dict.from_id` through names, `with modal.Dict.ephemeral() as d`, a parameter annotated `modal.Dict`, or `self.d` when the class only ever binds `d` to a Dict (as in `@modal.enter()`). Plain dicts and lists, unannotated parameters, and `d[k] += x` (which writes back) are not findings.',
    why: '`d[k]` on a modal.Dict fetches the stored value and returns a fresh deserialized copy (`Dict.__getitem__` calls `Dict.get` in modal/dict.py). Changing that copy changes nothing in the Dict, so the update is silently lost for every other container and for the next read. Only `d[k] = value`, `d.put`, `d.update` and `del d[k]` reach the server (`__setitem__` calls `put`, `__delitem__` calls `pop`). That is also why `d[k] += 1` is fine: Python reads through `__getitem__` and writes the sum back through `__setitem__`.',
    example: 'sessions = modal.Dict.from_name("chat-sessions", create_if_missing=True)\n\n@app.function()\ndef add_message(session_id: str, text: str):\n    sessions[session_id]["messages"].append(text)',
    useInstead: '@app.function()\ndef add_message(session_id: str, text: str):\n    session = sessions[session_id]\n    session["messages"].append(text)\n    sessions[session_id] = session  # write the changed value back',
    link: 'https://modal.com/docs/guide/dicts-and-queues',
  },
  messages: {
    lostChange: '`{target}` changes a copy of `{read}`: a modal.Dict returns a deserialized copy, so this change is never stored. Change a local variable and write it back with `{dict}[key] = value`.',
  },
  check({ model, report }) {
    if (!model.isModalFile) return;
    const firstLine = (node: SyntaxNode) => node.text.split('\n')[0]!;
    const check = (at: SyntaxNode, container: SyntaxNode | null) => {
      const found = dictReadBehind(model, container);
      if (found) report(at, 'lostChange', { target: firstLine(at), read: firstLine(found.read), dict: firstLine(found.handle) });
    };
    for (const node of model.nodesOfType('assignment', 'augmented_assignment', 'delete_statement', 'call')) {
      if (node.type === 'assignment' || node.type === 'augmented_assignment') {
        for (const target of targetsOf(node.field('left')!)) check(target, containerOf(target));
      } else if (node.type === 'delete_statement') {
        for (const target of node.namedChildren.flatMap(targetsOf)) check(target, containerOf(target));
      } else if (node.type === 'call') {
        const callee = node.field('function');
        if (callee?.type === 'attribute' && MUTATORS.has(callee.field('attribute')?.text ?? '')) check(node, callee.field('object'));
      }
    }
  },
});
