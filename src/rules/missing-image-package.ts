import path from 'node:path';
import type { ModalModel } from '../model/model.js';
import type { SyntaxNode } from '../parser/syntax.js';
import { extendTables, normalizeDistributionName, type DistributionFacts } from '../model/packages/index.js';
import {
  containerOf, distributionFor, imageLabel, imageProvides, isProjectModule, projectModuleOf, shippedModulePresence,
  sysPathAdditions, type Container, type ImageContents, type PackageSettings,
} from '../model/environment/index.js';
import { containerImports, importedFiles, moduleLevelContainerImports, registrationName, registrationsAt } from '../model/run-where.js';
import { BUILDER_VERSIONS, NEWEST_BUILDER_VERSION } from '../model/packages/index.js';
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
function builderNote(contents: ImageContents, top: string, settings: PackageSettings): string {
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
    what: 'Reads what each function\'s image installs (`pip_install`, `uv_pip_install`, requirements files, `pyproject.toml`, `uv.lock`, plain `pip install` commands, with each package\'s dependencies) and reports an import that runs in the container, in a registered function or class or at module level of the Modal file, whose package the image never installs. Also reports `@modal.fastapi_endpoint` on an image without FastAPI, and `@modal.web_endpoint` there with a message that says the old name itself raises at import in Modal 1.x and that the FastAPI requirement is its replacement\'s. A project module the container holds (shipped with `add_local_python_source`, or part of the entry\'s package) runs its own module-level imports there: one the image does not install is reported at the entry module\'s import, naming the chain. Imports of the project\'s own modules (beside the file, or in the project root, which `modal run` / `modal deploy` put on `sys.path`) are `local-module-not-in-image`\'s, never reported here. Silent whenever the image cannot be read in full (a Dockerfile, a registry image with packages of its own, an install the tables do not know), for modules of the project, and for imports that are handled or may be meant not to run: under `try: ... except ImportError`, `contextlib.suppress(ImportError)`, `if TYPE_CHECKING:`, `if modal.is_local():`, or a test of the Python version, the platform or what is installed.',
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
    missingThrough: '`{module}` is shipped to the container of `{function}`, and imports {package} at module level ({chain}), but {image} does not install it{note}: importing `{module}` there fails with ModuleNotFoundError. Add it to the image, for example `.uv_pip_install("{distribution}")`.',
    missingFromRequirements: '`{module}` is imported {where}, but {image} does not install it{note}: `{function}` fails with ModuleNotFoundError in the container. The image installs from {files}: add `{distribution}` there.',
    missingFastapi: '`@modal.{decorator}` needs FastAPI in the container, and {image} does not install it{note}: Modal raises when `{function}` starts. Add `.uv_pip_install("fastapi[standard]")`.',
    missingFastapiRenamed: '`@modal.web_endpoint` raises DeprecationError when this file is imported (Modal 1.x renamed it `@modal.fastapi_endpoint`); the renamed decorator needs FastAPI in the container, and {image} does not install it{note}, so `{function}` would still fail when it starts. Rename the decorator and add `.uv_pip_install("fastapi[standard]")`.',
  },
  check({ model, options, report }) {
    if (model.registrations.length === 0) return;
    const settings = packageSettings(options);
    // A change to `sys.path` that cannot be read may make any module importable.
    const sysPathUnread = sysPathAdditions(model) === null;
    for (const entry of containerImports(model)) {
      if (entry.level !== 0) continue;
      const top = entry.module.split('.')[0]!;
      if (sysPathUnread) continue;
      for (const { registration, image } of registrationsAt(model, entry)) {
        if (image.kind === 'unknown') continue;
        const container = containerOf(model, registration);
        const contents = container.contents;
        // The project checks read the file system: only for an import the image does not explain.
        if (imageProvides(contents, top, settings) !== 'no' || shippedModulePresence(model, container, top) !== 'no') continue;
        if (isProjectModule(model, top) || projectModuleOf(model, entry.module)) continue;
        // An image built from requirements files gets the package added there, not in a new step.
        const files = contents.requirementFiles;
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
    if (!sysPathUnread) reportThroughShippedModules(model, settings, report);
    const reported = new Set<SyntaxNode>();
    for (const fn of model.functions) {
      const decorator = fn.decorators.find((candidate) => candidate.name === 'fastapi_endpoint' || candidate.name === 'web_endpoint');
      const registration = model.registrationOf(fn);
      if (!decorator || !registration || reported.has(decorator.decorator)) continue;
      const { image, contents } = containerOf(model, registration);
      if (image.kind === 'unknown' || imageProvides(contents, 'fastapi', settings) !== 'no') continue;
      reported.add(decorator.decorator);
      // `@modal.web_endpoint` raises at import in Modal 1.x (`_partial_function.py`): the FastAPI note is for its replacement.
      report(decorator.decorator, decorator.name === 'web_endpoint' ? 'missingFastapiRenamed' : 'missingFastapi', { note: builderNote(contents, 'fastapi', settings), decorator: decorator.name, image: imageLabel(image), function: fn.name });
    }
  },
});

/**
 * Imports that project modules shipped to a container (`add_local_python_source`, the entry's own
 * package) make at their module level run there too: one the image does not install is reported at
 * the entry module's import, naming the chain.
 */
function reportThroughShippedModules(model: ModalModel, settings: PackageSettings, report: (node: SyntaxNode, id: 'missingThrough', data: Record<string, string>) => void): void {
  const base = path.dirname(model.path);
  const label = (file: string): string => path.relative(base, file) || path.basename(file);
  for (const entry of containerImports(model)) {
    const resolve = (module: string, level: number): string | null => model.moduleFileOf({ module, level });
    // Resolving the import asks the file system: only once a container is known to hold the module.
    let files: string[] | undefined;
    for (const { registration, image } of registrationsAt(model, entry)) {
      if (image.kind === 'unknown') continue;
      const container = containerOf(model, registration);
      // Only a module the container holds runs there; one it lacks is `local-module-not-in-image`'s.
      if (entry.level === 0 && shippedModulePresence(model, container, entry.module.split('.')[0]!) !== 'yes') continue;
      files ??= importedFiles(resolve, entry).filter((file) => file !== model.path);
      if (files.length === 0) break;
      const found = missingThroughChain(model, container, files, settings, label);
      if (!found) continue;
      const name = `${'.'.repeat(entry.level)}${entry.module}`;
      report(entry.moduleNode, 'missingThrough', {
        module: name || entry.importedNames.join(', '), function: registrationName(registration), package: found.package, chain: found.chain.join(', '),
        image: imageLabel(image), note: builderNote(container.contents, found.package, settings), distribution: distributionFor(found.package, settings.tables),
      });
      break;
    }
  }
}

type ChainResult = { chain: string[]; package: string } | null;
/** Answers by container (its image, mounts and entry file decide what runs) and starting files. */
const chainCache = new WeakMap<Container, WeakMap<PackageSettings, Map<string, ChainResult>>>();

function missingThroughChain(model: ModalModel, container: Container, starts: string[], settings: PackageSettings, label: (file: string) => string): ChainResult {
  let bySettings = chainCache.get(container);
  if (!bySettings) chainCache.set(container, (bySettings = new WeakMap()));
  let byStart = bySettings.get(settings);
  if (!byStart) bySettings.set(settings, (byStart = new Map()));
  const key = `${model.path}\0${starts.join('\0')}`;
  if (byStart.has(key)) return byStart.get(key)!;
  const found = walkChain(model, container, starts, settings, label);
  byStart.set(key, found);
  return found;
}

function walkChain(model: ModalModel, container: Container, starts: string[], settings: PackageSettings, label: (file: string) => string): ChainResult {
  const visited = new Set<string>([model.path, ...starts]);
  let frontier = starts.map((file) => ({ file, chain: [] as string[] }));
  for (let depth = 0; frontier.length > 0 && depth < 10; depth++) {
    const next: typeof frontier = [];
    for (const { file, chain } of frontier) {
      const helper = model.project.modelOf?.(file);
      if (!helper || sysPathAdditions(helper) === null) continue;
      for (const imported of moduleLevelContainerImports(helper)) {
        const top = imported.module.split('.')[0]!;
        const step = `${label(file)}:${imported.line} imports ${'.'.repeat(imported.level)}${imported.module}`;
        const resolve = (module: string, level: number): string | null => helper.moduleFileOf({ module, level });
        const local = importedFiles(resolve, imported);
        if (imported.level > 0 || local.length > 0 || isProjectModule(helper, top) || projectModuleOf(helper, imported.module)) {
          // A project module the container holds runs there in turn.
          if (imported.level > 0 || shippedModulePresence(model, container, top) === 'yes') {
            for (const target of local) if (!visited.has(target)) {
              visited.add(target);
              next.push({ file: target, chain: [...chain, step] });
            }
          }
          continue;
        }
        if (imported.level === 0 && imageProvides(container.contents, top, settings) === 'no') return { chain: [...chain, step], package: top };
      }
    }
    frontier = next;
  }
  return null;
}
