import type { SyntaxNode } from '../parser/syntax.js';
import { MODAL_API } from '../model/api/inventory.js';
import { isEmptyStep } from '../model/images.js';
import { callArguments, unwrapParens, type ModalModel } from '../model/model.js';
import { NEWEST_BUILDER_VERSION } from '../model/packages/index.js';
import type { Value } from '../model/values.js';
import { defineRule } from './types.js';

/** Where an Image takes a Python version, and what `_validate_python_version` allows there (`_image.py:169-205`). */
interface PythonVersionParameter {
  parameter: 'python_version' | 'add_python';
  /** Position when it may be passed positionally. */
  position: number | null;
  freeThreading: boolean;
  micro: boolean;
}

const DEBIAN_OR_MICROMAMBA: PythonVersionParameter = { parameter: 'python_version', position: 0, freeThreading: false, micro: true };
const ADD_PYTHON: PythonVersionParameter = { parameter: 'add_python', position: null, freeThreading: true, micro: false };
const PARAMETERS: Record<string, PythonVersionParameter> = {
  debian_slim: DEBIAN_OR_MICROMAMBA,
  micromamba: DEBIAN_OR_MICROMAMBA,
  from_registry: ADD_PYTHON,
  from_gcp_artifact_registry: ADD_PYTHON,
  from_aws_ecr: ADD_PYTHON,
  from_dockerfile: ADD_PYTHON,
};

/** The pattern `_validate_python_version` matches (`3.X`, `3.X.Y`, an `rc` suffix, a trailing `t`). */
const PYTHON_VERSION = /^3(?:\.\d{1,2}){1,2}(rc\d*)?t?$/;

/** Image methods whose positional arguments go through `_flatten_str_args` (`_image.py:261-278`): strings or lists of strings. */
const FLATTENED_ARGUMENTS = new Set(['pip_install', 'uv_pip_install', 'apt_install', 'micromamba_install', 'run_commands', 'dockerfile_commands']);
/** Image methods that take one list of strings (`_image.py:1981-1982`, `2002-2003`, `2879-2880`). */
const STRING_LIST_ARGUMENT: Record<string, string> = { entrypoint: 'entrypoint_commands', shell: 'shell_commands', cmd: 'cmd' };
/** Image methods that hand `secrets=` to `_Image._from_args`, which wants `modal.Secret` objects (`_image.py:622-624`). */
const SECRETS_TO_BUILD = new Set([
  'pip_install', 'pip_install_private_repos', 'pip_install_from_requirements', 'pip_install_from_pyproject', 'uv_pip_install',
  'poetry_install_from_file', 'uv_sync', 'dockerfile_commands', 'run_commands', 'micromamba_install', 'apt_install',
]);
/** Image methods wrapped in `_requires_image_instance` (`_image.py:468-478`): they need an image, not the class. */
const INSTANCE_METHODS = new Set([
  'add_local_file', 'add_local_dir', 'add_local_python_source', 'pip_install', 'pip_install_private_repos',
  'pip_install_from_requirements', 'pip_install_from_pyproject', 'uv_pip_install', 'poetry_install_from_file', 'uv_sync',
  'dockerfile_commands', 'entrypoint', 'shell', 'run_commands', 'micromamba_install', 'apt_install', 'run_function', 'env',
  'workdir', 'cmd', 'pipe',
]);

function valueType(value: Value): string | null {
  switch (value.kind) {
    case 'num': return 'a number';
    case 'bool': return 'a bool';
    case 'none': return '`None`';
    case 'dict': return 'a dict';
    case 'list': return 'a list';
    default: return null;
  }
}

/** The node type of the literal an expression is, or that a module constant holds (resolved values do not tell tuples from lists, or 3.0 from 3). */
function literalType(model: ModalModel, node: SyntaxNode, depth = 0): string | null {
  const expr = unwrapParens(node);
  if (expr.type !== 'identifier') return expr.type;
  const bound = depth > 20 ? null : model.boundValue(expr);
  return bound ? literalType(model, bound, depth + 1) : null;
}

function isTupleLiteral(model: ModalModel, node: SyntaxNode): boolean {
  return literalType(model, node) === 'tuple';
}

export default defineRule({
  id: 'invalid-image-spec',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['images', 'build-time'],
  summary: 'Image definition that Modal rejects, when it is defined or when it is built: an unsupported Python version, arguments of the wrong type, options among packages.',
  docs: {
    what: `Checks Image definitions against the checks in \`modal/_image.py\` that the source decides, for values that resolve to constants, on images the model can follow. When the image is built: the Python version of \`debian_slim(python_version=...)\` and \`micromamba(...)\`, and the \`add_python=\` of \`from_registry\`, \`from_gcp_artifact_registry\`, \`from_aws_ecr\` and \`from_dockerfile\`, must be a string, look like a Python version (\`"3.12"\`, \`"3.12.4"\`), not ask for free-threaded Python (\`"3.14t"\`) where Modal does not offer it (\`debian_slim\`, \`micromamba\`), give only a series (\`"3.12"\`) for \`add_python\`, and name a series the image builder supports (the newest builder unless the \`image-builder-version\` option names your workspace's). When the line runs (at import, for a module-level image): packages and commands of \`pip_install\`, \`uv_pip_install\`, \`apt_install\`, \`micromamba_install\`, \`run_commands\` and \`dockerfile_commands\` must be strings or lists of strings; \`pip_install\` / \`uv_pip_install\` packages must not be command-line options (\`"--index-url"\`, \`"-r requirements.txt"\`); \`uv_pip_install(requirements=...)\` and \`uv_sync(groups=..., extras=...)\` take lists; \`entrypoint\`, \`shell\` and \`cmd\` take a list of strings; \`env({...})\` values must be strings; \`add_local_file\` / \`add_local_dir\` need an absolute \`remote_path\`; \`add_local_python_source\` takes module names as strings; \`run_function\` takes a named function (not a lambda); \`pip_install_private_repos\` needs \`secrets=\` and \`github.com/...\` or \`gitlab.com/...\` references; \`secrets=\` of a build step holds \`modal.Secret\` objects, not names; \`from_gcp_artifact_registry\` / \`from_aws_ecr\` take one \`secret=\`, not \`secrets=\`; \`debian_slim\` rejects a float Python version; an image method is called on an image, not on the \`modal.Image\` class; and \`Image.from_name\` names are not empty around \`/\`, do not start with \`im-\`, and do not carry an environment prefix together with \`environment_name=\`. Silent where a project module named \`modal\` may shadow the package, on receivers not proven to be Modal images, and for values that cannot be resolved. The full list of Modal's own checks, and which are mirrored here, is in \`docs/modal-checks.md\`.`,
    why: `Modal raises InvalidError (TypeError for \`secrets=\` on the registry constructors and for a float \`python_version\`) for each of these; every check cites its line in \`modal/_image.py\` (modal-client ${MODAL_API.modalClient.version}). Those in the body of an Image method fail as soon as the line runs, so \`modal run\` and \`modal deploy\` stop while importing the app; Python versions are checked when the image is built (\`_validate_python_version\`). Every builder version supports Python 3.10 and later only (\`SUPPORTED_PYTHON_SERIES\`), so images pinned to 3.8 or 3.9 by older code no longer build (Modal 1.3.0 dropped Python 3.9, CHANGELOG); a float such as \`3.10\` is also the number 3.1.`,
    example: 'image = (\n    modal.Image.debian_slim(python_version="3.9")\n    .pip_install("torch", "--index-url", "https://download.pytorch.org/whl/cu121")\n    .env({"WORKERS": 4})\n)\ncuda = modal.Image.from_registry("nvidia/cuda:12.4.1-devel-ubuntu22.04", add_python="3.11.9")',
    useInstead: 'image = (\n    modal.Image.debian_slim(python_version="3.12")\n    .pip_install("torch", index_url="https://download.pytorch.org/whl/cu121")\n    .env({"WORKERS": "4"})\n)\ncuda = modal.Image.from_registry("nvidia/cuda:12.4.1-devel-ubuntu22.04", add_python="3.11")',
    fixSafety: 'No automatic fix: changing the Python version can change which packages install, and the right form of the other arguments depends on what was meant.',
    link: 'https://modal.com/docs/reference/modal.Image',
  },
  options: {
    'image-builder-version': {
      type: 'string',
      description: 'The image builder version of your workspace (`2025.06`, `2024.10`, ...): Python series are checked against what it supports.',
      default: NEWEST_BUILDER_VERSION,
    },
  },
  messages: {
    notString: '`{parameter}={text}` is not a string: Modal raises InvalidError ("Python version must be specified as a string") when the image is built; write `{parameter}="{suggestion}"`.',
    floatVersion: '`python_version={text}` is a float: `Image.debian_slim` raises TypeError as soon as this line runs; write `python_version="{suggestion}"`.',
    malformed: '`{parameter}="{value}"` is not a Python version Modal accepts: it raises InvalidError ("Invalid Python version") when the image is built; write a version such as "3.12".',
    freeThreaded: '`{parameter}="{value}"` asks for free-threaded Python, which `Image.{method}` does not offer: Modal raises InvalidError when the image is built. Use `from_registry(..., add_python="{value}")` or a regular series.',
    micro: '`add_python="{value}"` must name a series such as "{series}": Modal raises InvalidError for a micro version when the image is built.',
    unsupported: '`{parameter}="{value}"` is not supported by the {builder} image builder: Modal raises InvalidError ("Unsupported Python version") when the image is built. Supported series: {series}.',
    notStrings: '`{method}` takes strings or lists of strings, and this is {type}: Modal raises InvalidError ("must only contain strings") as soon as this line runs.',
    packageOption: '"{value}" is a command-line option, not a package: `{method}` raises InvalidError ("cannot contain other arguments") as soon as this line runs; {hint}.',
    notList: '`{parameter}=` of `{method}` must be a list of strings, and this is {type}: Modal raises InvalidError as soon as this line runs; write `[{example}]`.',
    commandsNotList: '`{method}` takes one list of strings, and this is {type}: Modal raises InvalidError as soon as this line runs; write `{method}([...])`.',
    envNotString: 'Image environment values must be strings, and `{key}` is {type}: `Image.env` raises InvalidError ("Image ENV variables must be strings") as soon as this line runs; {fix}.',
    relativeRemotePath: '`{method}` needs an absolute `remote_path`, and "{value}" is relative: Modal raises InvalidError as soon as this line runs; write "/{suggestion}".',
    moduleNotString: '`add_local_python_source` takes module names as separate strings, and this is {type}: Modal raises InvalidError ("Local Python modules must be specified as strings") as soon as this line runs.',
    lambdaBuildFunction: '`Image.run_function` does not take a lambda: Modal raises InvalidError as soon as this line runs; pass a function defined with `def`.',
    notCallable: '`Image.run_function` takes a function, and this is {type}: Modal raises InvalidError as soon as this line runs.',
    privateReposWithoutSecrets: '`pip_install_private_repos` needs `secrets=[...]` with the access token: Modal raises InvalidError ("No secrets provided") as soon as this line runs.',
    invalidRepository: '"{value}" is not a repository reference `pip_install_private_repos` accepts (it must start with `github.com/` or `gitlab.com/`): Modal raises InvalidError as soon as this line runs.',
    secretNotObject: '`secrets=` of an image step holds `modal.Secret` objects, and this is {type}: Modal raises InvalidError ("All secrets of an Image need to be modal.Secret instances") as soon as this line runs; write `modal.Secret.from_name({name})`.',
    registrySecrets: '`Image.{method}` takes one `secret=`, not `secrets=`: Modal raises TypeError as soon as this line runs.',
    calledOnClass: '`modal.Image.{method}` is called on the class, not on an image: the method needs an image to build on (`_requires_image_instance`), so this line fails as soon as it runs; start from a base image such as `modal.Image.debian_slim().{method}(...)`.',
    imageName: 'Image name "{value}" {problem}: `Image.from_name` raises InvalidError as soon as this line runs.',
  },
  check({ model, options, report }) {
    const builder = String(options['image-builder-version']);
    const supported = MODAL_API.supportedPythonSeries[builder];

    const checkPythonVersion = (call: SyntaxNode, method: string) => {
      const spec = PARAMETERS[method];
      if (!spec) return;
      const args = callArguments(call);
      const argument: SyntaxNode | undefined = args.keywords.get(spec.parameter) ?? (spec.position !== null ? args.positional[spec.position] : undefined);
      if (!argument) return;
      const value = model.resolve(argument);
      const at = args.keywordNodes.get(spec.parameter) ?? argument;
      const base = { parameter: spec.parameter, method };
      if (value.kind === 'num') {
        const written = argument.type === 'float' || argument.type === 'integer' ? argument.text : String(value.value);
        const suggestion = PYTHON_VERSION.test(written) ? written : '3.12';
        // `debian_slim` turns a float away itself before any build (`_image.py:2572-2573`).
        const isFloat = literalType(model, argument) === 'float' || !Number.isInteger(value.value);
        report(at, method === 'debian_slim' && isFloat ? 'floatVersion' : 'notString', { ...base, text: argument.text, suggestion });
        return;
      }
      if (value.kind !== 'str') return;
      const version = value.value;
      if (!PYTHON_VERSION.test(version)) return report(at, 'malformed', { ...base, value: version });
      const components = version.split('.');
      if (!spec.freeThreading && version.endsWith('t')) return report(at, 'freeThreaded', { ...base, value: version });
      const suffix = components.length === 3 && version.endsWith('t') ? 't' : '';
      const series = `${components[0]}.${components[1]}${suffix}`;
      if (components.length === 3 && !spec.micro) return report(at, 'micro', { ...base, value: version, series });
      if (supported && !supported.includes(series)) {
        report(at, 'unsupported', { ...base, value: version, builder, series: supported.map((item) => `"${item}"`).join(', ') });
      }
    };

    const checkImageName = (call: SyntaxNode) => {
      const args = callArguments(call);
      const nameNode = args.positional[0] ?? args.keywords.get('name');
      const name = nameNode ? model.resolve(nameNode) : null;
      if (!nameNode || name?.kind !== 'str') return;
      // `_parse_image_name` and `_validate_image_name` (`_image.py:110-140`), then `_upgrade_image_name` (`:157-160`).
      const withoutTag = name.value.split(':')[0]!;
      const slash = withoutTag.lastIndexOf('/');
      const environment = slash >= 0 ? withoutTag.slice(0, slash) : null;
      const image = slash >= 0 ? withoutTag.slice(slash + 1) : withoutTag;
      let problem: string | null = null;
      if (environment === '') problem = 'has nothing before its `/` (the environment prefix)';
      else if (slash >= 0 && image === '') problem = 'has nothing after its last `/`';
      else if (image.startsWith('im-')) problem = 'starts with `im-`, which Modal keeps for image IDs';
      else if (environment !== null && args.keywords.has('environment_name')) {
        const explicit = model.resolve(args.keywords.get('environment_name'));
        if (explicit.kind !== 'none') problem = 'has an environment prefix, so `environment_name=` cannot be given too';
      }
      if (problem) report(nameNode, 'imageName', { value: name.value, problem });
    };

    const checkFlattened = (call: SyntaxNode, method: string) => {
      for (const arg of callArguments(call).positional) {
        const value = model.resolve(arg);
        const items = value.kind === 'list' ? value.items : [value];
        const bad = isTupleLiteral(model, arg) ? value : items.find((item) => item.kind !== 'str' && item.kind !== 'unknown');
        const type = bad ? (isTupleLiteral(model, arg) ? 'a tuple' : valueType(bad)) : null;
        if (type) {
          report(arg, 'notStrings', { method, type: value.kind === 'list' && !isTupleLiteral(model, arg) ? `a list holding ${type}` : type });
          continue;
        }
        if (method !== 'pip_install' && method !== 'uv_pip_install') continue;
        const strings = value.kind === 'str' ? [{ item: value, node: arg }] : value.kind === 'list' ? value.items.map((item, index) => ({ item, node: value.nodes[index]! })) : [];
        for (const { item, node } of strings) {
          if (item.kind !== 'str' || !item.value.startsWith('-')) continue;
          report(node, 'packageOption', { method, value: item.value, hint: optionHint(item.value, method) });
        }
      }
    };

    const checkListKeyword = (call: SyntaxNode, method: string, parameter: string, example: string) => {
      const node = callArguments(call).keywords.get(parameter);
      if (!node) return;
      const value = model.resolve(node);
      const tuple = isTupleLiteral(model, node);
      const type = tuple ? 'a tuple' : value.kind === 'list' ? null : valueType(value) ?? (value.kind === 'str' ? 'a string' : null);
      if (type && value.kind !== 'none') report(node, 'notList', { method, parameter, type, example: value.kind === 'str' ? `"${value.value}"` : example });
    };

    const checkStep = (call: SyntaxNode, method: string) => {
      const args = callArguments(call);
      if (FLATTENED_ARGUMENTS.has(method)) checkFlattened(call, method);
      if (method === 'uv_pip_install') checkListKeyword(call, method, 'requirements', '"requirements.txt"');
      if (method === 'uv_sync') {
        checkListKeyword(call, method, 'groups', '"dev"');
        checkListKeyword(call, method, 'extras', '"cpu"');
      }
      const listParameter = STRING_LIST_ARGUMENT[method];
      const listNode = listParameter ? args.positional[0] ?? args.keywords.get(listParameter) : undefined;
      if (listNode) {
        const value = model.resolve(listNode);
        const tuple = isTupleLiteral(model, listNode);
        const bad = tuple ? 'a tuple' : value.kind === 'str' ? 'a string' : value.kind === 'list' ? (value.items.some((item) => item.kind !== 'str' && item.kind !== 'unknown') ? 'a list holding something other than strings' : null) : valueType(value);
        if (bad) report(listNode, 'commandsNotList', { method, type: bad });
      }
      if (method === 'env') {
        const vars = args.positional[0] ?? args.keywords.get('vars');
        const value = vars ? model.resolve(vars) : null;
        if (value?.kind === 'dict') {
          for (const entry of value.entries) {
            const type = entry.value.kind === 'str' ? null : valueType(entry.value);
            if (!type) continue;
            const key = entry.key.kind === 'str' ? entry.key.value : entry.keyNode.text;
            const fix = entry.value.kind === 'num' ? `write "${entry.value.value}"` : entry.value.kind === 'bool' ? `write "${entry.value.value ? 'true' : 'false'}"` : 'give a string, or leave the key out';
            report(entry.valueNode, 'envNotString', { key, type, fix });
          }
        }
      }
      if (method === 'add_local_file' || method === 'add_local_dir') {
        const remote = args.positional[1] ?? args.keywords.get('remote_path');
        const value = remote ? model.resolve(remote) : null;
        if (remote && value?.kind === 'str' && !value.value.startsWith('/')) {
          report(remote, 'relativeRemotePath', { method, value: value.value, suggestion: value.value.replace(/^(\.\/|~\/)+/, '') });
        }
      }
      if (method === 'add_local_python_source') {
        for (const arg of args.positional) {
          const type = valueType(model.resolve(arg)) ?? (isTupleLiteral(model, arg) ? 'a tuple' : null);
          if (type) report(arg, 'moduleNotString', { type });
        }
      }
      if (method === 'run_function') {
        const target = args.positional[0] ?? args.keywords.get('raw_f');
        if (target && unwrapParens(target).type === 'lambda') report(target, 'lambdaBuildFunction');
        else if (target) {
          const value = model.resolve(target);
          const type = value.kind === 'str' ? 'a string' : valueType(value);
          if (type) report(target, 'notCallable', { type });
        }
      }
      if (method === 'pip_install_private_repos' && !args.hasSplat) {
        const secrets = args.keywords.get('secrets');
        const value = secrets ? model.resolve(secrets) : null;
        if (!secrets || value?.kind === 'none' || (value?.kind === 'list' && value.items.length === 0)) report(secrets ?? call, 'privateReposWithoutSecrets');
        else {
          for (const arg of args.positional) {
            const ref = model.resolve(arg);
            if (ref.kind === 'str' && !/^(github\.com|gitlab\.com)\//.test(ref.value)) report(arg, 'invalidRepository', { value: ref.value });
          }
        }
      }
      if (SECRETS_TO_BUILD.has(method) && !(method === 'pip_install_private_repos' && !args.keywords.has('secrets'))) {
        const secrets = args.keywords.get('secrets');
        const value = secrets ? model.resolve(secrets) : null;
        // `pip_install` and its kin return the image unchanged, before any check of secrets, when there is nothing to install.
        if (value?.kind === 'list' && !isEmptyStep(model, { method, call })) {
          value.items.forEach((item, index) => {
            if (item.kind === 'str') report(value.nodes[index]!, 'secretNotObject', { type: 'a string', name: `"${item.value}"` });
          });
        }
      }
    };

    // A project module named `modal` may shadow the package: its `Image` is not Modal's.
    if (model.modalShadowed) return;
    for (const call of model.nodesOfType('call')) {
      const callee = call.field('function');
      const qualified = model.qualifiedName(callee);
      if (qualified?.startsWith('modal.Image.')) {
        const method = qualified.slice('modal.Image.'.length);
        checkPythonVersion(call, method);
        if (method === 'from_name') checkImageName(call);
        if ((method === 'from_gcp_artifact_registry' || method === 'from_aws_ecr') && callArguments(call).keywordNodes.has('secrets')) {
          report(callArguments(call).keywordNodes.get('secrets')!, 'registrySecrets', { method });
        }
        if (INSTANCE_METHODS.has(method)) {
          const first = callArguments(call).positional[0];
          // `modal.Image.pip_install(image, "x")` is a valid unbound call; only a first argument that is surely not an image counts.
          if (first && model.resolve(first).kind !== 'unknown') report(callee!, 'calledOnClass', { method });
        }
        continue;
      }
      // Only a method `Image` has can be an image step: other calls cost no chain walk.
      if (callee?.type !== 'attribute' || !INSTANCE_METHODS.has(callee.field('attribute')!.text) || !model.imageChainOf(callee.field('object'))) continue;
      checkStep(call, callee.field('attribute')!.text);
    }
  },
});

/** How to pass what a command-line option means to `pip_install` / `uv_pip_install` (their keyword parameters). */
function optionHint(option: string, method: string): string {
  const flag = option.split(/[\s=]/)[0]!;
  const keyword: Record<string, string> = {
    '--index-url': 'index_url=', '-i': 'index_url=', '--extra-index-url': 'extra_index_url=', '--find-links': 'find_links=', '-f': 'find_links=', '--pre': 'pre=True',
  };
  if (keyword[flag]) return `pass it as \`${keyword[flag]}\``;
  if (flag === '-r' || flag === '--requirement') return method === 'uv_pip_install' ? 'use `requirements=["..."]`' : 'use `pip_install_from_requirements("...")`';
  return 'pass options with `extra_options="..."`';
}
