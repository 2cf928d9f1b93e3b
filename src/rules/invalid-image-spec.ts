import type { SyntaxNode } from '../parser/syntax.js';
import { MODAL_API } from '../model/api/inventory.js';
import { callArguments } from '../model/model.js';
import { NEWEST_BUILDER_VERSION } from '../model/packages/index.js';
import { defineRule } from './types.js';

/** Where an Image takes a Python version, and what `_validate_python_version` allows there (`_image.py`). */
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

export default defineRule({
  id: 'invalid-image-spec',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['images', 'build-time'],
  summary: 'Image definition that Modal\'s image builder rejects, such as an unsupported Python version.',
  docs: {
    what: 'Checks the Python version of `modal.Image.debian_slim(python_version=...)` and `micromamba(...)`, and the `add_python=` of `from_registry`, `from_gcp_artifact_registry`, `from_aws_ecr` and `from_dockerfile`, when it resolves to a constant: it must be a string, look like a Python version (`"3.12"`, `"3.12.4"`), not ask for free-threaded Python (`"3.14t"`) where Modal does not offer it (`debian_slim`, `micromamba`), give only a series (`"3.12"`) for `add_python`, and name a series the image builder supports. The builder version is the newest one unless the `image-builder-version` option names your workspace\'s.',
    why: `Modal checks these when it builds the image, so \`modal run\` and \`modal deploy\` stop with InvalidError ("Unsupported Python version", "Invalid Python version", "Free threaded Python is not supported", "Python version must be specified as a string"; \`_validate_python_version\` in \`modal/_image.py\`). Every builder version of modal-client ${MODAL_API.modalClient.version} supports Python 3.10 and later only (\`SUPPORTED_PYTHON_SERIES\`), so images pinned to 3.8 or 3.9 by older code no longer build (Modal 1.3.0 dropped Python 3.9, CHANGELOG); a float such as \`3.10\` is also the number 3.1.`,
    example: 'image = modal.Image.debian_slim(python_version="3.9")\ncuda = modal.Image.from_registry("nvidia/cuda:12.4.1-devel-ubuntu22.04", add_python="3.11.9")',
    useInstead: 'image = modal.Image.debian_slim(python_version="3.12")\ncuda = modal.Image.from_registry("nvidia/cuda:12.4.1-devel-ubuntu22.04", add_python="3.11")',
    fixSafety: 'No automatic fix: changing the Python version can change which packages install.',
    link: 'https://modal.com/docs/guide/images',
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
    malformed: '`{parameter}="{value}"` is not a Python version Modal accepts: it raises InvalidError ("Invalid Python version") when the image is built; write a version such as "3.12".',
    freeThreaded: '`{parameter}="{value}"` asks for free-threaded Python, which `Image.{method}` does not offer: Modal raises InvalidError when the image is built. Use `from_registry(..., add_python="{value}")` or a regular series.',
    micro: '`add_python="{value}"` must name a series such as "{series}": Modal raises InvalidError for a micro version when the image is built.',
    unsupported: '`{parameter}="{value}"` is not supported by the {builder} image builder: Modal raises InvalidError ("Unsupported Python version") when the image is built. Supported series: {series}.',
  },
  check({ model, options, report }) {
    const builder = String(options['image-builder-version']);
    const supported = MODAL_API.supportedPythonSeries[builder];
    for (const call of model.nodesOfType('call')) {
      const qualified = model.qualifiedName(call.field('function'));
      const method = qualified?.startsWith('modal.Image.') ? qualified.slice('modal.Image.'.length) : null;
      const spec = method ? PARAMETERS[method] : undefined;
      if (!spec || !method) continue;
      const args = callArguments(call);
      const argument: SyntaxNode | undefined = args.keywords.get(spec.parameter) ?? (spec.position !== null ? args.positional[spec.position] : undefined);
      if (!argument) continue;
      const value = model.resolve(argument);
      const at = args.keywordNodes.get(spec.parameter) ?? argument;
      const base = { parameter: spec.parameter, method };
      if (value.kind === 'num') {
        report(at, 'notString', { ...base, text: argument.text, suggestion: argument.type === 'float' || argument.type === 'integer' ? argument.text : String(value.value) });
        continue;
      }
      if (value.kind !== 'str') continue;
      const version = value.value;
      if (!PYTHON_VERSION.test(version)) {
        report(at, 'malformed', { ...base, value: version });
        continue;
      }
      const components = version.split('.');
      if (!spec.freeThreading && version.endsWith('t')) {
        report(at, 'freeThreaded', { ...base, value: version });
        continue;
      }
      const suffix = components.length === 3 && version.endsWith('t') ? 't' : '';
      const series = `${components[0]}.${components[1]}${suffix}`;
      if (components.length === 3 && !spec.micro) {
        report(at, 'micro', { ...base, value: version, series });
        continue;
      }
      if (supported && !supported.includes(series)) {
        report(at, 'unsupported', { ...base, value: version, builder, series: supported.map((item) => `"${item}"`).join(', ') });
      }
    }
  },
});
