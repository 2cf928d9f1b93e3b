import { callArguments } from '../model/model.js';
import { ENVIRONMENT_NAME_CALLS, environmentNameProblem, isValidTag, MAX_OBJECT_NAME_LENGTH, objectNameProblem, objectNames, type NameProblem } from '../model/object-names.js';
import type { SyntaxNode } from '../parser/syntax.js';
import { defineRule } from './types.js';

export default defineRule({
  id: 'invalid-object-name',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['naming', 'deploy'],
  summary: 'Volume, Dict, Queue, Secret, App or Environment name, or App tag, that Modal rejects.',
  docs: {
    what: 'Checks the names given to `Volume`, `Dict`, `Queue` and `NetworkFileSystem.from_name`, to `Volume`, `Dict`, `Queue` and `Secret.objects.create`, to `Sandbox.create(name=...)`, to `modal.App(...)` and `App.lookup`, to `Secret.from_name`, and the App name of `Function.from_name` / `Cls.from_name`, resolved through module constants, f-strings and `+`, against the rule Modal applies to object names: at most 64 characters, only letters, digits, `-`, `_` and `.`, and not shaped like an App id (`ap-` followed by 22 letters or digits). Names that cannot be resolved statically are not checked. An empty App name is left to Modal (it means "no name"). Also checks the keys and values of `modal.App(tags={...})` (1 to 63 letters, digits, `-`, `_`, `.`) and the names given to `Environment.from_name` / `Environment.objects.create` (at most 64 characters, starting with a letter or digit, not starting with `en-`).',
    why: 'Modal checks names with `check_object_name` (modal/_utils/name_utils.py:19-27, 60-67), and when the check runs decides when the program fails. `Volume`, `Dict`, `Queue` and `NetworkFileSystem.from_name`, the `objects.create` managers, `Sandbox.create` and `App.lookup` check in the call itself (volume.py:607, dict.py:403, queue.py:394, network_file_system.py:121, app.py:337): the line raises InvalidError when it runs, and at module level that means importing the module fails, locally, at `modal deploy` and in every container. An App name is checked only by `modal deploy` (runner.py:616): `modal run` of the App works, deploying it fails. `Secret.from_name` does not check the name, but Modal has refused to create Secrets with such names since June 2024 (`Secret.objects.create`, secret.py:74; modal-client changelog 0.62.230, commit c25eb8455), so the lookup only finds a Secret created before then. Likewise `Function.from_name` and `Cls.from_name` do not check the App name, but no App with it can be deployed. The InvalidError text says names "must be shorter than 64 characters", but the code allows exactly 64. `App(tags=...)` is checked by `check_tag_dict` in the constructor (name_utils.py:47-57, app.py:231-232), and Environment names by `check_environment_name` in the call (name_utils.py:70-78, _environments.py:54, :409).',
    example: 'data = modal.Volume.from_name("raw data", create_if_missing=True)\napp = modal.App("llm/serving")',
    useInstead: 'data = modal.Volume.from_name("raw-data", create_if_missing=True)\napp = modal.App("llm-serving")',
    link: 'https://modal.com/docs/guide/volumes',
  },
  messages: {
    atCall: '{kind} name "{name}" {problem}: `{call}` raises InvalidError when this line runs{consequence}{suggestion}.',
    atDeploy: 'App name "{name}" {problem}: `modal run` accepts it, but `modal deploy` rejects it with InvalidError{suggestion}.',
    secretLookup: 'Secret name "{name}" {problem}: `Secret.from_name` does not check it, but Modal has refused to create Secrets with such names since June 2024, so this lookup only finds a Secret created before then{suggestion}.',
    invalidTag: 'App tag {part} "{tag}" is not a valid tag: `modal.App(tags=...)` raises InvalidError when this line runs{consequence}; tags may hold only letters, digits, "-", "_" and ".", 1 to 63 characters.',
    environmentName: 'Environment name "{name}" {problem}: `{call}` raises InvalidError when this line runs{consequence}.',
    appLookup: 'App name "{name}" {problem}: `{call}` does not check it, but `modal deploy` rejects such names, so this lookup cannot find an App deployed under it{suggestion}.',
  },
  messageSeverities: { atDeploy: 'warning', secretLookup: 'warning', appLookup: 'warning' },
  check({ model, report }) {
    for (const { node, name, kind, check, call } of objectNames(model)) {
      const problem = objectNameProblem(name);
      if (!problem) continue;
      const suggested = validNameLike(name, problem);
      const data = {
        kind,
        name: name.length > 80 ? `${name.slice(0, 77)}...` : name,
        problem: describe(name, problem),
        call,
        consequence: runsOnImport(node) ? ', so importing the module fails, locally, at `modal deploy` and in every container' : '',
        suggestion: suggested ? `; use a name like "${suggested}"` : '',
      };
      if (check === 'call') report(node, 'atCall', data);
      else if (check === 'deploy') report(node, 'atDeploy', data);
      else report(node, kind === 'Secret' ? 'secretLookup' : 'appLookup', data);
    }
    if (model.modalShadowed) return;
    // name_utils.py:47-57, called by `App.__init__` (app.py:231-232).
    for (const app of model.apps) {
      if (app.constructor !== 'App') continue;
      const tags = model.resolve(callArguments(app.call).keywords.get('tags'));
      if (tags.kind !== 'dict') continue;
      for (const entry of tags.entries) {
        const consequence = runsOnImport(app.call) ? ', so importing the module fails' : '';
        if (entry.key.kind === 'str' && !isValidTag(entry.key.value)) report(entry.keyNode, 'invalidTag', { part: 'key', tag: entry.key.value, consequence });
        else if (entry.value.kind === 'str' && !isValidTag(entry.value.value)) report(entry.valueNode, 'invalidTag', { part: 'value', tag: entry.value.value, consequence });
      }
    }
    for (const call of model.nodesOfType('call')) {
      const qualified = model.qualifiedName(call.field('function')) ?? '';
      if (!ENVIRONMENT_NAME_CALLS.has(qualified)) continue;
      const args = callArguments(call);
      const node = args.keywords.get('name') ?? args.positional[0];
      const value = model.resolve(node);
      if (!node || value.kind !== 'str') continue;
      const problem = environmentNameProblem(value.value);
      if (!problem) continue;
      const described = problem === 'too-long' ? `is ${value.value.length} characters long, more than the ${MAX_OBJECT_NAME_LENGTH} Modal allows`
        : problem === 'environment-id' ? 'starts with "en-", which Modal keeps for Environment ids'
          : 'must start with a letter or digit and hold only letters, digits, "-", "_" and ".", at least 2 characters';
      report(node, 'environmentName', { name: value.value, problem: described, call: qualified.replace(/^modal\./, ''), consequence: runsOnImport(call) ? ', so importing the module fails' : '' });
    }
  },
});

function describe(name: string, problem: NameProblem): string {
  switch (problem) {
    case 'empty': return 'is empty';
    case 'too-long': return `is ${name.length} characters long, more than the ${MAX_OBJECT_NAME_LENGTH} Modal allows`;
    case 'app-id': return 'has the shape of an App id (`ap-` and 22 letters or digits), which Modal reserves';
    case 'characters': {
      const invalid = [...new Set(name.replace(/[a-zA-Z0-9._-]/g, ''))].map((c) => (c === ' ' ? 'a space' : c.trim() === '' ? 'whitespace' : `"${c}"`));
      return `contains ${invalid.join(', ')}; Modal allows only letters, digits, "-", "_" and "."`;
    }
  }
}

/** The name with each run of characters Modal rejects turned into one `-`; none for other problems. */
function validNameLike(name: string, problem: NameProblem): string | null {
  if (problem !== 'characters') return null;
  const cleaned = name.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
  return objectNameProblem(cleaned) === null ? cleaned : null;
}

/** Unconditional code outside any function body runs whenever the module is imported (class bodies included). */
function runsOnImport(node: SyntaxNode): boolean {
  for (const ancestor of node.ancestors()) {
    if (['function_definition', 'lambda', 'if_statement', 'conditional_expression', 'try_statement'].includes(ancestor.type)) return false;
  }
  return true;
}
