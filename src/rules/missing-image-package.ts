import type { SyntaxNode } from '../parser/syntax.js';
import { extendTables, normalizeDistributionName, type DistributionFacts } from '../model/packages/index.js';
import {
  changesSysPath, containerImports, distributionFor, imageContents, imageLabel, imageProvides, imageSourceOf,
  isProjectModule, registrationName, registrationsAt, type PackageSettings,
} from '../model/run-where.js';
import { BUILDER_VERSIONS, NEWEST_BUILDER_VERSION } from '../model/packages/index.js';
import { requirementFilesOf } from '../model/requirement-files.js';
import { defineRule } from './types.js';

const settingsCache = new Map<string, PackageSettings>();

/**
 * Reads `import-names = ["opencv-python-headless=cv2"]` and `package-dependencies = ["my-lib=numpy,requests"]`
 * into the package tables (a distribution named in either becomes known: empty dependencies when only
 * its import names are given).
 */
export function packageSettings(options: Readonly<Record<string, unknown>>): PackageSettings {
  const importNames = (options['import-names'] as string[] | undefined) ?? [];
  const dependencies = (options['package-dependencies'] as string[] | undefined) ?? [];
  const builderVersion = String(options['image-builder-version'] ?? NEWEST_BUILDER_VERSION);
  const key = JSON.stringify([importNames, dependencies, builderVersion]);
  const cached = settingsCache.get(key);
  if (cached) return cached;
  const extra: Record<string, DistributionFacts> = {};
  const split = (entry: string): [string, string[]] | null => {
    const at = entry.indexOf('=');
    if (at <= 0) return null;
    return [normalizeDistributionName(entry.slice(0, at)), entry.slice(at + 1).split(',').map((item) => item.trim()).filter(Boolean)];
  };
  for (const entry of dependencies) {
    const parsed = split(entry);
    if (parsed) extra[parsed[0]] = { ...extra[parsed[0]], requires: { '': parsed[1] } };
  }
  for (const entry of importNames) {
    const parsed = split(entry);
    if (parsed) extra[parsed[0]] = { ...extra[parsed[0]], imports: parsed[1] };
  }
  const settings: PackageSettings = { tables: extendTables(extra), builderVersion };
  settingsCache.set(key, settings);
  return settings;
}

const OLDER_BUILDER = '2024.04';
const olderSettings = new WeakMap<PackageSettings, PackageSettings>();

/**
 * Image builder 2024.04 and earlier installed FastAPI, pydantic and more in every image (modal-client
 * commit af184daa8 removed them from 2024.10's container requirements): a finding that depends on
 * the builder version says so.
 */
function builderNote(contents: ReturnType<typeof imageContents>, top: string, settings: PackageSettings): string {
  if (settings.builderVersion <= OLDER_BUILDER) return '';
  let older = olderSettings.get(settings);
  if (!older) olderSettings.set(settings, (older = { ...settings, builderVersion: OLDER_BUILDER }));
  return imageProvides(contents, top, older) === 'yes' ? ` (with image builder ${settings.builderVersion}; ${OLDER_BUILDER} and earlier installed it in every image)` : '';
}


export default defineRule({
  id: 'missing-image-package',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['imports', 'image', 'container'],
  summary: 'A package imported in the container is not installed in the function\'s image.',
  docs: {
    what: 'Reads what each function\'s image installs (`pip_install`, `uv_pip_install`, requirements files, `pyproject.toml`, `uv.lock`, plain `pip install` commands, with each package\'s dependencies) and reports an import that runs in the container, in a registered function or class or at module level of the Modal file, whose package the image never installs. Also reports `@modal.fastapi_endpoint` on an image without FastAPI. Silent whenever the image cannot be read in full (a Dockerfile, a registry image with packages of its own, an install the tables do not know), for modules of the project, and for imports that are handled or may be meant not to run: under `try: ... except ImportError`, `contextlib.suppress(ImportError)`, `if TYPE_CHECKING:`, `if modal.is_local():`, or a test of the Python version, the platform or what is installed.',
    why: 'The container imports the function\'s module and runs its body with only the image\'s packages, the standard library and Modal\'s own client requirements (modal-client `builder/<version>.txt`). A missing package is a ModuleNotFoundError after a successful deploy; a `fastapi_endpoint` without FastAPI fails as the container starts (modal-client `_runtime/asgi.py`).',
    example: 'import modal\n\nimage = modal.Image.debian_slim().uv_pip_install("numpy")\napp = modal.App("report-builder", image=image)\n\n@app.function()\ndef summarise():\n    import pandas as pd\n    return pd.DataFrame({"a": [1, 2]}).sum()',
    useInstead: 'import modal\n\nimage = modal.Image.debian_slim().uv_pip_install("numpy", "pandas")\napp = modal.App("report-builder", image=image)\n\n@app.function()\ndef summarise():\n    import pandas as pd\n    return pd.DataFrame({"a": [1, 2]}).sum()',
    link: 'https://modal.com/docs/guide/images',
  },
  options: {
    'image-builder-version': {
      type: 'string',
      description: 'The workspace\'s image builder version (2023.12, 2024.04, 2024.10, 2025.06): it decides which packages Modal installs in every image.',
      default: NEWEST_BUILDER_VERSION,
      values: BUILDER_VERSIONS,
    },
    'import-names': { type: 'string[]', description: 'More import names, as `distribution=module,module`.', default: [] },
    'package-dependencies': { type: 'string[]', description: 'More dependency facts, as `distribution=dependency,dependency` (an empty list after `=` for none).', default: [] },
  },
  messages: {
    missing: '`{module}` is imported {where}, but {image} does not install it{note}: `{function}` fails with ModuleNotFoundError in the container. Add it to the image, for example `.uv_pip_install("{distribution}")`.',
    missingFromRequirements: '`{module}` is imported {where}, but {image} does not install it{note}: `{function}` fails with ModuleNotFoundError in the container. The image installs from {files}: add `{distribution}` there.',
    missingFastapi: '`@modal.{decorator}` needs FastAPI in the container, and {image} does not install it{note}: Modal raises when `{function}` starts. Add `.uv_pip_install("fastapi[standard]")`.',
  },
  check({ model, options, report }) {
    if (model.registrations.length === 0) return;
    const settings = packageSettings(options);
    const sysPath = changesSysPath(model);
    for (const entry of containerImports(model)) {
      if (entry.level !== 0) continue;
      const top = entry.module.split('.')[0]!;
      if (sysPath) continue;
      for (const { registration, image } of registrationsAt(model, entry)) {
        if (image.kind === 'unknown') continue;
        const contents = imageContents(model, image);
        // The project check reads the file system: only for an import the image does not explain.
        if (imageProvides(contents, top, settings) !== 'no' || isProjectModule(model, top)) continue;
        // An image built from requirements files gets the package added there, not in a new step.
        const files = image.kind === 'chain' ? requirementFilesOf(model, image.chain) : [];
        report(entry.moduleNode, files.length > 0 ? 'missingFromRequirements' : 'missing', {
          files: files.map((file) => `\`${file}\``).join(files.length === 2 ? ' or ' : ', '),
          note: builderNote(contents, top, settings),
          module: entry.module,
          where: entry.where === 'module' ? 'at module level, which every container of this file runs' : `in \`${registrationName(registration)}\``,
          image: imageLabel(image),
          function: registrationName(registration),
          distribution: distributionFor(top, settings.tables),
        });
        break;
      }
    }
    const reported = new Set<SyntaxNode>();
    for (const fn of model.functions) {
      const decorator = fn.decorators.find((candidate) => candidate.name === 'fastapi_endpoint' || candidate.name === 'web_endpoint');
      const registration = model.registrationOf(fn);
      if (!decorator || !registration || reported.has(decorator.decorator)) continue;
      const image = imageSourceOf(model, registration);
      const contents = imageContents(model, image);
      if (image.kind === 'unknown' || imageProvides(contents, 'fastapi', settings) !== 'no') continue;
      reported.add(decorator.decorator);
      report(decorator.decorator, 'missingFastapi', { note: builderNote(contents, 'fastapi', settings), decorator: decorator.name, image: imageLabel(image), function: fn.name });
    }
  },
});
