import type { SyntaxNode } from '../parser/syntax.js';
import { credentialKind } from '../model/credentials.js';
import { possibleOrigins } from '../model/flow.js';
import { callArguments, type ModalModel } from '../model/model.js';
import { defineRule } from './types.js';

const MAX_DEPTH = 10;

function unwrap(node: SyntaxNode): SyntaxNode {
  return node.type === 'parenthesized_expression' && node.namedChildren.length === 1 ? unwrap(node.namedChildren[0]!) : node;
}

/** Entries of a dict literal, `dict(K="v")`, or a name bound once to one (`**other` is followed); `key` is null when unknown. */
function dictEntries(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): Array<{ key: string | null; keyNode: SyntaxNode; value: SyntaxNode }> {
  if (!node || depth > MAX_DEPTH) return [];
  const expr = unwrap(node);
  if (expr.type === 'identifier') return sameModuleOrigins(model, expr).flatMap((origin) => dictEntries(model, origin, depth + 1));
  const callee = expr.type === 'call' ? expr.field('function') : null;
  if (callee?.type === 'identifier' && callee.text === 'dict' && model.bindingsFor(callee).length === 0) {
    return [...callArguments(expr).keywordNodes.values()].map((argument) => ({ key: argument.field('name')!.text, keyNode: argument.field('name')!, value: argument.field('value')! }));
  }
  if (expr.type !== 'dictionary') return [];
  return expr.namedChildren.flatMap((item) => {
    if (item.type === 'dictionary_splat') return dictEntries(model, item.namedChildren[0], depth + 1);
    if (item.type !== 'pair') return [];
    const key = model.resolve(item.field('key'));
    return [{ key: key.kind === 'str' ? key.value : null, keyNode: item.field('key')!, value: item.field('value')! }];
  });
}

/** Every binding of a name that can reach this use, and both arms of `a if c else b`, within this module. */
function sameModuleOrigins(model: ModalModel, node: SyntaxNode): SyntaxNode[] {
  return possibleOrigins(model, node).flatMap((origin) => (origin.model === model && origin.node && origin.node !== node ? [origin.node] : []));
}

/** The string literals an expression is or may be bound to (through module constants); `os.environ[...]` and calls never are. */
function literalStrings(model: ModalModel, node: SyntaxNode | null, depth = 0): Array<{ node: SyntaxNode; value: string }> {
  if (!node || depth > MAX_DEPTH) return [];
  const expr = unwrap(node);
  if (expr.type === 'identifier' || expr.type === 'conditional_expression') {
    return sameModuleOrigins(model, expr).flatMap((origin) => literalStrings(model, origin, depth + 1));
  }
  if (expr.type !== 'string' && expr.type !== 'concatenated_string') return [];
  const value = model.resolve(expr);
  return value.kind === 'str' ? [{ node: expr, value: value.value }] : [];
}

/** The environment dicts Modal turns into secrets or image variables, with where each one is passed. */
function environmentDicts(model: ModalModel): Array<{ dict: SyntaxNode | undefined; where: string }> {
  const found: Array<{ dict: SyntaxNode | undefined; where: string }> = [];
  for (const registration of model.registrations) {
    if (registration.kind !== 'local_entrypoint') found.push({ dict: registration.args.keywords.get('env'), where: `\`env=\` of \`@app.${registration.kind}\`` });
  }
  for (const call of model.nodesOfType('call')) {
    const callee = call.field('function')!;
    const args = callArguments(call);
    if (model.qualifiedName(callee) === 'modal.Secret.from_dict') found.push({ dict: args.keywords.get('env_dict') ?? args.positional[0], where: '`modal.Secret.from_dict`' });
    else if (callee.type === 'attribute' && callee.field('attribute')!.text === 'env' && model.imageChainOf(callee.field('object'))) {
      found.push({ dict: args.keywords.get('vars') ?? args.positional[0], where: '`Image.env`' });
    }
  }
  return found;
}

export default defineRule({
  id: 'hardcoded-secret',
  category: 'security',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['security', 'secrets'],
  securitySeverity: 8.0,
  summary: 'Credential written as a string literal into a Modal Secret, `env=` or `Image.env`.',
  docs: {
    what: 'Flags string literals (directly or through a module constant) passed as values (every literal a name bound more than once, or a conditional expression, may hold) to `modal.Secret.from_dict({...})`, to `env={...}` of `@app.function` / `@app.cls` / `@app.server`, or to `.env({...})` on a Modal Image, when the value looks like a credential: a known token format (`sk-`, `sk_live_`, `rk_live_`, `hf_`, `ghp_`, `github_pat_`, `xoxb-`, `AKIA`, `AIza`, `glpat-`, `shpat_`, `r8_`, `gsk_`, a `-----BEGIN ... PRIVATE KEY-----` block, ...) with a plausible length and character set, or, under a name containing TOKEN, KEY, SECRET, PASSWORD, PASS, PWD, CREDENTIAL or AUTH, a random-looking string: 20 or more characters, at least 3.5 bits of entropy per character, mixing letters and digits, with an unbroken run of 16 or more characters (slugs such as `v1-embeddings-all-MiniLM-L6-v2` do not count). Placeholders (`"changeme"`, `"<your-key>"`, `"sk-..."`, `${VAR}`, `{}`), empty strings, values read from `os.environ`, URLs, paths, model ids such as `meta-llama/Llama-3-8B`, hostnames and UUIDs are never reported. The message shows at most the first four characters of the value.',
    why: 'A literal credential ends up in version control, code review, CI logs and every copy of the repository, and rotating it means a code change. `env=` is turned into `Secret.from_dict(env)` (`app.py`), and `Image.env` bakes the value into an image layer that anyone with access to the image can read. Modal Secrets created with `modal secret create` or the dashboard keep the value out of the code and can be rotated without a deploy.',
    example: '@app.function(env={"OPENAI_API_KEY": "sk-proj-..."})  # a real key\ndef ask(prompt: str) -> str: ...',
    useInstead: '@app.function(secrets=[modal.Secret.from_name("openai")])\ndef ask(prompt: str) -> str: ...',
    link: 'https://modal.com/docs/guide/secrets',
  },
  messages: {
    hardcoded: '`{key}` in {where} holds a literal value that looks like a credential ({kind}, `{preview}…`); move it to a Modal Secret (`modal secret create`) and attach it with `secrets=[modal.Secret.from_name(...)]`.',
  },
  check({ model, report }) {
    const reported = new Set<SyntaxNode>();
    for (const { dict, where } of environmentDicts(model)) {
      for (const entry of dictEntries(model, dict)) {
        for (const literal of literalStrings(model, entry.value)) {
          if (literal.value === '' || reported.has(literal.node)) continue;
          const kind = credentialKind(entry.key, literal.value);
          if (!kind) continue;
          reported.add(literal.node);
          report(literal.node, 'hardcoded', { key: entry.key ?? entry.keyNode.text, where, kind, preview: [...literal.value].slice(0, 4).join('') });
        }
      }
    }
  },
});
