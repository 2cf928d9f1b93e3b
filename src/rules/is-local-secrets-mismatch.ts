import type { SyntaxNode } from '../parser/syntax.js';
import { conditionFacts } from '../model/guards.js';
import { callArguments, type ModalModel, type Registration } from '../model/model.js';
import { blockStatements, statementBindings } from '../model/scope.js';
import { possibleLengths, reachingBindings } from '../model/flow.js';
import { defineRule } from './types.js';

/** Number of items of a statically known list, or null. */
function listLength(model: ModalModel, node: SyntaxNode | null | undefined): number | null {
  const value = model.resolve(node);
  return value.kind === 'list' ? value.items.length : null;
}

function lastAssignments(block: SyntaxNode): Map<string, { statement: SyntaxNode; value: SyntaxNode }> {
  const result = new Map<string, { statement: SyntaxNode; value: SyntaxNode }>();
  for (const statement of blockStatements(block)) {
    for (const binding of statementBindings(statement)) {
      if (binding.kind === 'assign' && binding.value) result.set(binding.name, { statement, value: binding.value });
      else result.delete(binding.name);
    }
  }
  return result;
}

/**
 * The numbers of secrets a `secrets=` value may hold on each side of `modal.is_local()`, following
 * names bound more than once and the returns of project functions. Null when some value is not a
 * readable list, or when no `is_local()` test decides between them (a choice made on an environment
 * variable is made again in the container, where a secret may well set that variable).
 */
function sideLengths(model: ModalModel, value: SyntaxNode): { local: Set<number>; container: Set<number>; origins: SyntaxNode[]; via: string } | null {
  const lengths = possibleLengths(model, value);
  if (!lengths || lengths.length === 0 || lengths.every((entry) => entry.locality === null)) return null;
  const local = new Set<number>();
  const container = new Set<number>();
  for (const entry of lengths) {
    if (entry.locality !== 'container') local.add(entry.length);
    if (entry.locality !== 'local') container.add(entry.length);
  }
  if (local.size === 0 || container.size === 0) return null;
  const origins = lengths.flatMap((entry) => entry.nodes);
  const helpers = new Set(origins.flatMap((node) => {
    const scope = enclosingFunctionName(node);
    return scope ? [`\`${scope}()\``] : [];
  }));
  const via = helpers.size > 0 ? `as returned by ${[...helpers].join(', ')}` : 'through the bindings of its names';
  return { local, container, origins, via };
}

function enclosingFunctionName(node: SyntaxNode): string | null {
  for (const ancestor of node.ancestors()) if (ancestor.type === 'function_definition') return ancestor.field('name')?.text ?? null;
  return null;
}

export default defineRule({
  id: 'is-local-secrets-mismatch',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['secrets', 'is_local', 'deploy'],
  summary: 'The two sides of a `modal.is_local()` test attach different numbers of secrets.',
  docs: {
    what: 'Under `if modal.is_local(): ... else: ...` (either polarity, also `X if modal.is_local() else Y`), flags secret lists of different lengths that reach a `secrets=` argument: a name bound in both branches, decorators of the same function in both branches, or the two arms of a conditional expression. It also follows the `secrets=` of `@app.function` / `@app.cls` / `@app.server` and of `modal.App(...)` through names bound more than once (`secrets = [...]` then `if not modal.is_local(): secrets = [...]`) and through calls to functions of the project, in the same module or imported from another one, whose `return` values sit on one side of an `is_local()` test or after an early `if not modal.is_local(): return []`. When the choice depends on an `is_local()` test, the numbers of secrets each side can get are compared: "come to" when they always differ, "may come to" when they differ for some local environments (a helper that returns a secret only when `HF_TOKEN` is set locally). A choice made without `is_local()` (an environment variable alone) is made again in the container, where the secret itself may set that variable, and is not reported. A list grown with `.append(...)` is counted when every resize is an `append` under `for` loops over constant lists or tuples and `if modal.is_local():` branches; any other resize or loop leaves its length unknown.',
    why: 'Modal imports your module twice: once locally to build the App, and again inside every container, where `modal.is_local()` is False. The container must rebuild the same dependency graph of objects that was deployed. When the local branch attaches two secrets and the container branch one, the function definitions no longer line up, and the container fails at start-up instead of at deploy time. Swap the secret source, not the number of secrets.',
    example: 'if modal.is_local():\n    secrets = [modal.Secret.from_dotenv(), modal.Secret.from_name("openai")]\nelse:\n    secrets = [modal.Secret.from_name("openai")]\n\n@app.function(secrets=secrets)\ndef ask(q: str) -> str: ...',
    useInstead: 'if modal.is_local():\n    secrets = [modal.Secret.from_dotenv(), modal.Secret.from_name("openai")]\nelse:\n    secrets = [modal.Secret.from_name("app-env"), modal.Secret.from_name("openai")]',
    link: 'https://modal.com/docs/reference/modal.is_local',
  },
  messages: {
    nameMismatch: '`{name}` holds {localCount} secret(s) when `modal.is_local()` is true and {remoteCount} in the container; the container must rebuild the same functions, so both sides need the same number of secrets.',
    decoratorMismatch: '`{function}` is registered with {localCount} secret(s) locally and {remoteCount} in the container; both sides of `modal.is_local()` must attach the same number of secrets.',
    ternaryMismatch: 'This `secrets=` list has {localCount} secret(s) locally and {remoteCount} in the container; both sides of `modal.is_local()` must attach the same number of secrets.',
    flowMismatch: 'These secrets come to {localCount} when `modal.is_local()` is true and {remoteCount} in the container ({via}); the container must rebuild the same functions, so both sides need the same number of secrets.',
    flowMayMismatch: 'These secrets may come to {localCount} when `modal.is_local()` is true but {remoteCount} in the container, depending on what the code finds on the deploying machine ({via}); the container must rebuild the same functions, so both sides need the same number of secrets.',
  },
  check({ model, report: emit }) {
    const reported: SyntaxNode[] = [];
    const report: typeof emit = (node, ...rest) => {
      reported.push(node);
      emit(node, ...rest);
    };
    const secretValues: SyntaxNode[] = [];
    for (const node of model.nodesOfType('keyword_argument')) {
      if (node.field('name')?.text === 'secrets' && node.field('value')) secretValues.push(node.field('value')!);
    }
    if (secretValues.length === 0) return;
    const reachesSecrets = (statement: SyntaxNode, name: string) =>
      secretValues.some((value) => [value, ...value.descendants()].some((id) =>
        id.type === 'identifier' && id.text === name && model.bindingsFor(id).some((binding) => binding.statement === statement)));
    const counts = (local: number, remote: number, firstIsLocal: boolean) =>
      firstIsLocal ? { localCount: local, remoteCount: remote } : { localCount: remote, remoteCount: local };

    for (const node of model.nodesOfType('conditional_expression', 'if_statement')) {
      if (node.type === 'conditional_expression') {
        const [whenTrue, condition, whenFalse] = node.namedChildren;
        const facts = conditionFacts(condition ?? null, model.isLocalCall);
        if (!facts.whenTrue || !facts.whenFalse) continue;
        const first = listLength(model, whenTrue);
        const second = listLength(model, whenFalse);
        if (first === null || second === null || first === second) continue;
        const parent = node.parent;
        const direct = secretValues.includes(node);
        const viaName = parent?.type === 'assignment' && parent.field('left')?.type === 'identifier'
          && reachesSecrets(parent.parent!, parent.field('left')!.text);
        if (direct || viaName) report(node, 'ternaryMismatch', counts(first, second, facts.whenTrue === 'local'));
        continue;
      }
      if (node.type !== 'if_statement') continue;
      const facts = conditionFacts(node.field('condition'), model.isLocalCall);
      const elseClause = node.fields('alternative');
      if (!facts.whenTrue || elseClause.length !== 1 || elseClause[0]!.type !== 'else_clause') continue;
      const thenBlock = node.field('consequence');
      const elseBlock = elseClause[0]!.field('body');
      if (!thenBlock || !elseBlock) continue;
      const firstIsLocal = facts.whenTrue === 'local';

      const thenNames = lastAssignments(thenBlock);
      const elseNames = lastAssignments(elseBlock);
      for (const [name, first] of thenNames) {
        const second = elseNames.get(name);
        if (!second) continue;
        const firstLength = listLength(model, first.value);
        const secondLength = listLength(model, second.value);
        if (firstLength === null || secondLength === null || firstLength === secondLength) continue;
        if (!reachesSecrets(first.statement, name) && !reachesSecrets(second.statement, name)) continue;
        report(first.statement, 'nameMismatch', { name, ...counts(firstLength, secondLength, firstIsLocal) });
      }

      const registrationsIn = (block: SyntaxNode) => {
        const result = new Map<string, Registration>();
        for (const statement of blockStatements(block)) {
          const registration = model.registrations.find((r) => r.decorator === statement && r.target);
          if (registration) result.set(registration.target!.field('name')!.text, registration);
        }
        return result;
      };
      const elseRegistrations = registrationsIn(elseBlock);
      for (const [name, first] of registrationsIn(thenBlock)) {
        const second = elseRegistrations.get(name);
        if (!second || first.args.hasSplat || second.args.hasSplat) continue;
        const firstNode = first.args.keywords.get('secrets');
        const secondNode = second.args.keywords.get('secrets');
        const firstLength = firstNode ? listLength(model, firstNode) : 0;
        const secondLength = secondNode ? listLength(model, secondNode) : 0;
        if (firstLength === null || secondLength === null || firstLength === secondLength) continue;
        const at = first.args.keywordNodes.get('secrets') ?? second.args.keywordNodes.get('secrets')!;
        report(at, 'decoratorMismatch', { function: name, ...counts(firstLength, secondLength, firstIsLocal) });
      }
    }

    // Lengths that differ only once helper returns and rebindings are followed: registrations and Apps,
    // whose secrets are part of the functions the container rebuilds.
    const definitionSecrets = [
      ...model.registrations.map((registration) => registration.args.keywords.get('secrets')),
      ...model.apps.map((app) => callArguments(app.call).keywords.get('secrets')),
    ].filter((value): value is SyntaxNode => value !== undefined);
    for (const value of definitionSecrets) {
      if (model.localityOf(value) !== null) continue;
      const sides = sideLengths(model, value);
      if (!sides) continue;
      const covered = (node: SyntaxNode) => reported.some((at) => at.contains(node) || node.contains(at));
      const boundBy = [value, ...value.descendants()].filter((node) => node.type === 'identifier')
        .flatMap((identifier) => reachingBindings(model, identifier).map((reaching) => reaching.binding.statement));
      if (covered(value) || [...sides.origins, ...boundBy].some((node) => model.root.contains(node) && covered(node))) continue;
      const { local, container } = sides;
      if (![...local].some((l) => [...container].some((c) => l !== c))) continue;
      const definite = local.size === 1 && container.size === 1;
      const show = (lengths: Set<number>) => [...lengths].sort((a, b) => a - b).join(' or ');
      report(value, definite ? 'flowMismatch' : 'flowMayMismatch', { localCount: show(local), remoteCount: show(container), via: sides.via });
    }
  },
});