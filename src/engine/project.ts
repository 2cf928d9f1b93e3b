import fs from 'node:fs';
import path from 'node:path';
import type { ImportBinding } from '../model/imports.js';
import { ModalModel, type ImportResolver, type ModuleExport, type ModuleSummary } from '../model/model.js';
import {
  appDefinitionFacts, appsDefinedIn, gpuOptionTargets, importedProjectFiles, importsOfApp, mergeCallables, registrationsThrough,
  type AppDefinitionFact, type AppDefinitionSite, type AppRegistrations, type ProjectQueries,
} from '../model/project-facts.js';
import { importedFiles, moduleSummaryOf } from '../model/run-where.js';
import type { SyntaxNode } from '../parser/syntax.js';

type Exports = Map<string, ModuleExport>;

/** An import statement at the start of a line, with a parenthesised name list spanning lines. */
const IMPORT_STATEMENT = /^[ \t]*(?:from[ \t]+[.\w]+[ \t]+import[ \t]+(?:\([^)]*\)|[^\n]*)|import[ \t]+[^\n]*)/gm;

/** A module-level import statement starting at column 0: `from (dots)(module) import (names)` or `import (modules)`. */
const TOP_LEVEL_IMPORT = /^(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)|import[ \t]+([^\n]*))/gm;

/** How many modules deep an import is followed to find what a name is (an App, an image). */
export const MAX_IMPORT_DEPTH = 100;
/** How many released modules are kept parsed again for calls into their functions. */
const REVISITED_MODELS = 8;

/**
 * The cross-file view: module-level Apps and images of every analysed file, so that
 * `from .common import app, image` resolves. Modules imported by an analysed file but not
 * in the run (a pre-commit run on one file) are read from disk on demand.
 */
export class ProjectIndex implements ImportResolver {
  private readonly models = new Map<string, ModalModel | null>();
  private readonly exportsByPath = new Map<string, Exports | null>();
  private readonly building = new Set<string>();
  private readonly released = new Set<string>();
  /** Models of released files built again for calls into them, oldest first. */
  private readonly revisited = new Map<string, ModalModel | null>();
  private readonly fileExists = new Map<string, boolean>();
  /** Files each module's resolution looked at (found or not): what a cached result depends on. */
  private readonly consulted = new Map<string, Set<string>>();
  private readonly summaries = new Map<string, ModuleSummary | null>();
  private readonly texts = new Map<string, string | undefined>();
  private readonly directories = new Map<string, boolean>();
  private readonly importers = new Map<string, string[]>();
  private mentions: Map<string, string[]> | null = null;

  /** Files whose results read the whole run (see `queries`): a new file in the run can change them. */
  private readonly runDependent = new Set<string>();
  /** Models built for project-wide questions, kept apart from `models` (which are released after analysis). */
  private readonly queryModels = new Map<string, ModalModel | null>();
  private readonly appRegistrations = new Map<string, AppRegistrations | null>();
  private readonly appFacts = new Map<string, ReturnType<typeof appsDefinedIn>>();
  /** Per file: the Apps it defines by name and the project files it imports (plain data, kept after release). */
  private readonly appDefinitions = new Map<string, { apps: AppDefinitionFact[]; importedFiles: string[] } | null>();
  private readonly appSitesByName = new Map<string, AppDefinitionSite[]>();
  /** Files of the run whose text may define an App, found once per run. */
  private appDefiningFiles: string[] | null = null;
  /** Per file, the words App names could be made of (see `mayNameApp`). */
  private readonly nameWords = new Map<string, Set<string>>();
  private readonly importWords = new Map<string, Set<string>>();
  private readonly appDefiningTexts = new Map<string, boolean>();
  private readonly shadowing = new Map<string, boolean>();
  /** Files read from disk (not given by the run) and folders listed: inputs of run-wide answers besides the run's files. */
  private readonly outsideReads = new Set<string>();

  constructor(
    readonly root: string,
    /** Source of a file of the run, if it was read; otherwise the index reads the file itself. */
    private readonly sourceOf: (filePath: string) => string | undefined,
    private readonly parse: (source: string, filePath: string) => SyntaxNode,
    /** Every file of the run, for questions about who imports a module. */
    private readonly runFiles: () => Iterable<string> = () => [],
  ) {}

  /** True when a result for the file read facts from the whole run, so it cannot be cached by its dependencies alone. */
  dependsOnRun(filePath: string): boolean {
    return this.runDependent.has(filePath);
  }

  readonly queries: ProjectQueries = {
    registrationsOfApp: (fromPath, appName) => {
      this.runDependent.add(fromPath);
      if (!this.appRegistrations.has(appName)) this.appRegistrations.set(appName, this.registrationsOfApp(appName));
      return this.appRegistrations.get(appName)!;
    },
    gpuGivenByOptions: (fromPath, names) => {
      this.runDependent.add(fromPath);
      return this.runPaths.some((filePath) => {
        if (!this.textOf(filePath)?.includes('with_options')) return false;
        const targets = this.queryModel(filePath) ? gpuOptionTargets(this.queryModel(filePath)!) : [];
        return targets.some((target) => target === '*' || names.includes(target));
      });
    },
    appDefinitionsNamed: (fromPath, appName) => {
      this.runDependent.add(fromPath);
      if (!this.appSitesByName.has(appName)) this.appSitesByName.set(appName, this.collectAppDefinitions(appName, fromPath));
      return this.appSitesByName.get(appName)!;
    },
  };

  private appDefinitionsOf(filePath: string): { apps: AppDefinitionFact[]; importedFiles: string[] } | null {
    if (!this.appDefinitions.has(filePath)) {
      const model = this.queryModel(filePath);
      this.appDefinitions.set(filePath, model ? { apps: appDefinitionFacts(model, this.appFacts.get(filePath)), importedFiles: importedProjectFiles(model) } : null);
    }
    return this.appDefinitions.get(filePath)!;
  }

  /** Files of the run that define an App called `appName`, each with its imports, importers and uses of `include`. */
  private collectAppDefinitions(appName: string, fromPath: string): AppDefinitionSite[] {
    this.appDefiningFiles ??= this.runPaths.filter((filePath) => this.mayDefineApps(filePath));
    const sites: AppDefinitionSite[] = [];
    for (const filePath of this.appDefiningFiles) {
      if (!this.mayNameApp(filePath, appName)) continue;
      const facts = this.appDefinitionsOf(filePath);
      for (const app of facts?.apps ?? []) {
        if (app.name !== appName) continue;
        sites.push({ file: filePath, registers: app.registers, includes: app.includes, importedFiles: facts!.importedFiles, importers: [], includedByImporter: false });
      }
    }
    // Who imports a defining module matters only when another module defines the name too.
    if (new Set(sites.map((site) => site.file)).size > 1) {
      for (const site of sites) {
        site.importers = this.importersOf(site.file, fromPath);
        site.includedByImporter = site.importers.some((importer) => /\.include\s*\(/.test(this.textOf(importer) ?? ''));
      }
    }
    return sites;
  }

  /**
   * Whether a file's text holds `appName` as a whole word of the characters App names may have
   * (letters, digits, `-`, `_`, `.`): one set of words per file instead of a text search per name.
   */
  private mayNameApp(filePath: string, appName: string): boolean {
    if (!/^[A-Za-z0-9_.-]+$/.test(appName)) return this.textOf(filePath)!.includes(appName);
    let words = this.nameWords.get(filePath);
    if (!words) this.nameWords.set(filePath, (words = new Set(this.textOf(filePath)!.match(/[A-Za-z0-9_.-]+/g) ?? [])));
    return words.has(appName);
  }

  /** A file's text: the run's copy, else read from disk once per index. */
  private textOf(filePath: string): string | undefined {
    if (!this.texts.has(filePath)) {
      let text = this.sourceOf(filePath);
      if (text === undefined) {
        this.outsideReads.add(filePath);
        text = readIfSmall(filePath);
      }
      this.texts.set(filePath, text);
    }
    return this.texts.get(filePath);
  }

  private queryModel(filePath: string): ModalModel | null {
    // A model being analysed, or built and not yet released, serves as it is.
    const live = this.models.get(filePath);
    if (live) return live;
    // A file of the run not analysed yet: its model is built once, for this question and its own analysis.
    if (!this.released.has(filePath) && this.sourceOf(filePath) !== undefined) return this.modelFor(filePath);
    if (!this.queryModels.has(filePath)) {
      // The file's own model, while it is being analysed, answers as well as a new one.
      let model = this.models.get(filePath) ?? null;
      if (!model) {
        const source = this.textOf(filePath);
        try {
          model = source === undefined ? null : new ModalModel(filePath, this.parse(source, filePath), this);
        } catch {
          model = null;
        }
      }
      this.queryModels.set(filePath, model);
    }
    return this.queryModels.get(filePath)!;
  }

  /**
   * What the project's Apps named `appName` register: Apps defined in files of the run, with the
   * registrations of every file of the run, and of every file beside the defining one, that
   * imports the App.
   */
  private registrationsOfApp(appName: string): AppRegistrations | null {
    if (this.appRegistrations.has(appName)) return this.appRegistrations.get(appName)!;
    const result = this.collectRegistrationsOfApp(appName);
    this.appRegistrations.set(appName, result);
    return result;
  }

  private collectRegistrationsOfApp(appName: string): AppRegistrations | null {
    let result: AppRegistrations | null = null;
    for (const filePath of this.runPaths) {
      // The defining file names the App literally and imports modal (a name computed otherwise is not found: silence).
      if (!this.mayDefineApps(filePath) || !this.textOf(filePath)!.includes(appName)) continue;
      let apps = this.appFacts.get(filePath);
      if (!apps) {
        const model = this.queryModel(filePath);
        if (!model) continue;
        apps = appsDefinedIn(model);
        this.appFacts.set(filePath, apps);
      }
      for (const app of apps) {
        if (app.name !== appName) continue;
        result ??= { names: new Set(), callables: new Map(), complete: true, files: [] };
        result.files.push(filePath);
        for (const name of app.names) result.names.add(name);
        mergeCallables(result.callables, app.callables);
        if (!app.complete || !app.variable) {
          result.complete = false;
          continue;
        }
        if (!this.addImportedRegistrations(filePath, app.variable, result)) result.complete = false;
      }
    }
    return result;
  }

  /** Whether a file's text can define an App (names modal, calls `App(` or `Stub(`): read once per file, whatever the App asked about. */
  private mayDefineApps(filePath: string): boolean {
    let may = this.appDefiningTexts.get(filePath);
    if (may === undefined) {
      const text = this.textOf(filePath);
      may = text !== undefined && text.includes('modal') && /\b(App|Stub)\s*\(/.test(text);
      this.appDefiningTexts.set(filePath, may);
    }
    return may;
  }

  /** Adds what other modules register on the App `variable` of `definingFile`; false when some use cannot be read. */
  private addImportedRegistrations(definingFile: string, variable: string, result: AppRegistrations): boolean {
    const candidates = new Set(this.runPaths);
    // Modules beside the defining one may import the App without being part of this run.
    this.outsideReads.add(directoryListing(path.dirname(definingFile)));
    try {
      for (const entry of fs.readdirSync(path.dirname(definingFile))) if (entry.endsWith('.py')) candidates.add(path.join(path.dirname(definingFile), entry));
    } catch {
      return false;
    }
    const moduleName = path.basename(definingFile) === '__init__.py' ? path.basename(path.dirname(definingFile)) : path.basename(definingFile, '.py');
    for (const filePath of candidates) {
      if (filePath === definingFile) continue;
      // Only a file whose import statements name both the module and the App can import it.
      const words = this.importWordsOf(filePath);
      if (!words.has(variable) || !words.has(moduleName)) continue;
      const model = this.queryModel(filePath);
      if (!model) return false;
      const imports = importsOfApp(model, definingFile, variable);
      if (!imports.complete) return false;
      for (const local of imports.locals) {
        const registered = registrationsThrough(model, local);
        for (const name of registered.names) result.names.add(name);
        mergeCallables(result.callables, registered.callables);
        if (!registered.complete) return false;
      }
    }
    return true;
  }

  /** The model of a file, built once. */
  modelFor(filePath: string): ModalModel | null {
    if (this.models.has(filePath)) return this.models.get(filePath)!;
    if (this.released.has(filePath)) return null;
    if (this.building.has(filePath)) return null;
    this.building.add(filePath);
    try {
      const source = this.textOf(filePath);
      // A model already built for a project-wide question is the same model.
      const model = source === undefined ? null : (this.queryModels.get(filePath) ?? new ModalModel(filePath, this.parse(source, filePath), this));
      this.models.set(filePath, model);
      return model;
    } finally {
      this.building.delete(filePath);
    }
  }

  /** Every file of the run, as the run knows it now. */
  private get runPaths(): string[] {
    return [...this.runFiles()];
  }

  get projectRoot(): string {
    return this.root;
  }

  /**
   * The model of a project file whose functions another module calls. A file already analysed and
   * released is parsed again; a few such models are kept, so memory stays flat.
   */
  modelOf(filePath: string): ModalModel | null {
    if (!this.released.has(filePath)) return this.modelFor(filePath);
    const kept = this.revisited.get(filePath);
    if (kept !== undefined) return kept;
    if (this.building.has(filePath) || this.building.size >= MAX_IMPORT_DEPTH) return null;
    this.building.add(filePath);
    try {
      const source = this.textOf(filePath);
      const model = source === undefined ? null : new ModalModel(filePath, this.parse(source, filePath), this);
      if (this.revisited.size >= REVISITED_MODELS) this.revisited.delete(this.revisited.keys().next().value!);
      this.revisited.set(filePath, model);
      return model;
    } finally {
      this.building.delete(filePath);
    }
  }

  /** Drops a file's model once it is analysed; its exports and import summary stay available to importers. */
  release(filePath: string): void {
    const model = this.models.get(filePath);
    if (!this.exportsByPath.has(filePath)) this.exportsByPath.set(filePath, model ? model.exports() : null);
    if (!this.summaries.has(filePath)) this.summaries.set(filePath, model ? moduleSummaryOf(model) : null);
    // Apps it defines, for `from_name` questions asked later: answered without parsing the file again.
    if (model && /\b(App|Stub)\s*\(/.test(model.source) && (!this.appFacts.has(filePath) || !this.appDefinitions.has(filePath))) {
      const apps = this.appFacts.get(filePath) ?? appsDefinedIn(model);
      this.appFacts.set(filePath, apps);
      if (!this.appDefinitions.has(filePath)) this.appDefinitions.set(filePath, { apps: appDefinitionFacts(model, apps), importedFiles: importedProjectFiles(model) });
    }
    this.models.delete(filePath);
    this.released.add(filePath);
  }

  exportOf(fromPath: string, binding: ImportBinding): ModuleExport | undefined {
    if (binding.importedName === undefined || binding.importedName === '*') return undefined;
    const target = this.resolveModule(fromPath, binding);
    if (!target) return undefined;
    let exports = this.exportsByPath.get(target);
    if (exports === undefined) {
      if (this.building.has(target)) return undefined;
      // Each module of a chain that re-exports an App is built inside the one importing it. Real
      // code never chains that far; a generated chain of thousands would overflow the stack.
      if (this.building.size >= MAX_IMPORT_DEPTH) return undefined;
      const model = this.modelFor(target);
      exports = model ? model.exports() : null;
      this.exportsByPath.set(target, exports);
    }
    if (!exports) return undefined;
    return exports.get(binding.importedName) ?? { kind: 'other' };
  }

  moduleSummary(filePath: string): ModuleSummary | undefined {
    let summary = this.summaries.get(filePath);
    if (summary === undefined) {
      if (this.building.has(filePath) || this.building.size >= MAX_IMPORT_DEPTH) return undefined;
      const model = this.modelFor(filePath);
      summary = model ? moduleSummaryOf(model) : null;
      this.summaries.set(filePath, summary);
    }
    return summary ?? undefined;
  }

  /**
   * Files of the run that import a module at their module level. Candidates are the files whose
   * text names the module; only those are parsed and their imports resolved.
   */
  importersOf(filePath: string, fromPath: string = filePath): string[] {
    // A new file of the run may import it: the asking file's result depends on the whole run.
    this.runDependent.add(fromPath);
    const cached = this.importers.get(filePath);
    if (cached) return cached;
    const name = path.basename(filePath) === '__init__.py' ? path.basename(path.dirname(filePath)) : path.basename(filePath, '.py');
    const found: string[] = [];
    for (const candidate of this.importMentions().get(name) ?? []) {
      if (candidate === filePath) continue;
      const resolve = (module: string, level: number): string | null => this.resolveModule(candidate, { module, level });
      if (this.topLevelImportsOf(candidate).some((entry) => importedFiles(resolve, entry).includes(filePath))) found.push(candidate);
    }
    this.importers.set(filePath, found);
    return found;
  }

  /**
   * For each name that appears in an import statement of a file of the run, the files it appears
   * in: each file's text is scanned once, and only those files are parsed to answer `importersOf`.
   */
  private importMentions(): Map<string, string[]> {
    if (this.mentions) return this.mentions;
    const mentions = new Map<string, string[]>();
    for (const file of this.runFiles()) {
      for (const word of this.importWordsOf(file)) {
        const list = mentions.get(word);
        if (list) list.push(file);
        else mentions.set(word, [file]);
      }
    }
    this.mentions = mentions;
    return mentions;
  }

  /**
   * The imports a file runs unconditionally at module level, read from its text: import statements
   * that start a line at column 0 (anything indented sits in a block: a function, a guard, a `try`).
   */
  private topLevelImportsOf(file: string): Array<{ module: string; level: number; importedNames: string[] }> {
    const text = this.textOf(file);
    const result: Array<{ module: string; level: number; importedNames: string[] }> = [];
    if (text === undefined) return result;
    for (const match of text.matchAll(TOP_LEVEL_IMPORT)) {
      if (match[1] !== undefined) {
        const names = match[3]!.replace(/#.*$/gm, '').replace(/[()\\]/g, ' ').split(',').map((item) => item.trim().split(/\s+/)[0]!).filter((item) => /^\w+$/.test(item));
        result.push({ module: match[2]!, level: match[1].length, importedNames: names });
      } else {
        for (const item of match[4]!.replace(/#.*$/, '').split(',')) {
          const module = item.trim().split(/\s+/)[0]!;
          if (/^[\w.]+$/.test(module)) result.push({ module, level: 0, importedNames: [] });
        }
      }
    }
    return result;
  }

  /** The names a file's import statements contain (modules, submodules, imported names); read once per file. */
  private importWordsOf(file: string): Set<string> {
    let words = this.importWords.get(file);
    if (words) return words;
    words = new Set<string>();
    const text = this.textOf(file);
    if (text !== undefined && text.includes('import')) {
      for (const match of text.matchAll(IMPORT_STATEMENT)) for (const word of match[0].split(/[^A-Za-z0-9_]+/)) if (word) words.add(word);
    }
    this.importWords.set(file, words);
    return words;
  }

  readText(fromPath: string, absolutePath: string): string | undefined {
    this.consult(fromPath, absolutePath);
    return this.textOf(absolutePath);
  }

  isDirectory(fromPath: string, absolutePath: string): boolean {
    this.consult(fromPath, absolutePath);
    let known = this.directories.get(absolutePath);
    if (known === undefined) {
      try {
        known = fs.statSync(absolutePath).isDirectory();
      } catch {
        known = false;
      }
      this.directories.set(absolutePath, known);
    }
    return known;
  }

  private consult(fromPath: string, file: string): void {
    let consulted = this.consulted.get(fromPath);
    if (!consulted) this.consulted.set(fromPath, (consulted = new Set()));
    consulted.add(file);
  }

  /** Finds the file of an imported module: relative to the importer, or in its folder and the folders above it within the root. */
  resolveModule(fromPath: string, binding: Pick<ImportBinding, 'module' | 'level'>): string | null {
    if (binding.level === 0 && (binding.module === 'modal' || binding.module.startsWith('modal.'))) return null;
    const parts = binding.module === '' ? [] : binding.module.split('.');
    if (parts.length === 0) return null;
    const directories: string[] = [];
    if (binding.level > 0) {
      let base = path.dirname(fromPath);
      for (let i = 1; i < binding.level; i++) base = path.dirname(base);
      directories.push(base);
    } else {
      let dir = path.dirname(fromPath);
      const root = this.root;
      for (;;) {
        directories.push(dir);
        const parent = path.dirname(dir);
        if (parent === dir || !isInside(dir, root) || dir === root) break;
        dir = parent;
      }
    }
    let consulted = this.consulted.get(fromPath);
    if (!consulted) this.consulted.set(fromPath, (consulted = new Set()));
    for (const dir of directories) {
      for (const candidate of [path.join(dir, ...parts) + '.py', path.join(dir, ...parts, '__init__.py')]) {
        consulted.add(candidate);
        if (this.exists(candidate)) return candidate;
      }
    }
    return null;
  }

  /**
   * True when `import modal` in the file may load a project module instead of the Modal package:
   * a `modal.py` or `modal/__init__.py` beside it (the script's folder comes first on `sys.path`)
   * or in a folder above it within the root (where `python -m` or a test runner may start).
   */
  shadowsModal(fromPath: string): boolean {
    // Rules ask once per use of `modal`: the folders are climbed once per file.
    let shadowed = this.shadowing.get(fromPath);
    if (shadowed === undefined) this.shadowing.set(fromPath, (shadowed = this.findModalShadow(fromPath)));
    return shadowed;
  }

  private findModalShadow(fromPath: string): boolean {
    let consulted = this.consulted.get(fromPath);
    if (!consulted) this.consulted.set(fromPath, (consulted = new Set()));
    for (let dir = path.dirname(fromPath); ; dir = path.dirname(dir)) {
      for (const candidate of [path.join(dir, 'modal.py'), path.join(dir, 'modal', '__init__.py')]) {
        consulted.add(candidate);
        if (candidate !== fromPath && this.exists(candidate)) return true;
      }
      if (path.dirname(dir) === dir || !isInside(dir, this.root) || dir === this.root) return false;
    }
  }

  /**
   * What a result that read the whole run depends on besides the run's files: every file this
   * index read from disk, probed while resolving imports, or whose folder it listed
   * (`directoryListing`), for any file. Answers to run-wide questions are shared between files,
   * so each such result depends on all of them.
   */
  outsideInputs(): string[] {
    const inputs = new Set(this.outsideReads);
    // Imports of other files resolved on the way (`importersOf`): what they probed counts too.
    for (const probed of this.consulted.values()) for (const file of probed) inputs.add(file);
    return [...inputs];
  }

  /**
   * Every other file whose presence or content could change the analysis of `filePath`:
   * the module files its imports resolved to or probed for, and theirs in turn.
   */
  dependenciesOf(filePath: string): string[] {
    const seen = new Set<string>();
    const stack = [filePath];
    while (stack.length > 0) {
      for (const dependency of this.consulted.get(stack.pop()!) ?? []) {
        if (seen.has(dependency) || dependency === filePath) continue;
        seen.add(dependency);
        stack.push(dependency);
      }
    }
    return [...seen].sort();
  }

  /**
   * Forgets what the index knows of these files and of every file whose analysis depended on
   * them (imports resolved to them, or probed for them), so a long-lived index (the language
   * server's) rebuilds them from their current text. Returns the files that depended on them.
   */
  invalidate(changed: Iterable<string>): Set<string> {
    const changedSet = new Set(changed);
    const dependents = new Set<string>();
    for (const filePath of this.consulted.keys()) {
      if (changedSet.has(filePath)) continue;
      if (this.dependenciesOf(filePath).some((dependency) => changedSet.has(dependency))) dependents.add(filePath);
    }
    for (const filePath of [...changedSet, ...dependents]) {
      this.models.delete(filePath);
      this.exportsByPath.delete(filePath);
      this.summaries.delete(filePath);
      this.released.delete(filePath);
      this.consulted.delete(filePath);
    }
    for (const filePath of changedSet) {
      this.fileExists.delete(filePath);
      this.texts.delete(filePath);
      this.nameWords.delete(filePath);
      this.appDefiningTexts.delete(filePath);
      this.directories.delete(filePath);
    }
    // Who imports whom, what a called function returns and what an App registers can change with any edit.
    this.importers.clear();
    this.shadowing.clear();
    this.mentions = null;
    this.revisited.clear();
    this.appRegistrations.clear();
    this.appSitesByName.clear();
    this.appDefiningFiles = null;
    for (const filePath of [...changedSet, ...dependents]) {
      this.importWords.delete(filePath);
      this.queryModels.delete(filePath);
      this.appFacts.delete(filePath);
      this.appDefinitions.delete(filePath);
    }
    return dependents;
  }

  /** Forgets everything: after a change that any file's analysis may have read. */
  clear(): void {
    this.models.clear();
    this.exportsByPath.clear();
    this.released.clear();
    this.fileExists.clear();
    this.consulted.clear();
    this.shadowing.clear();
    this.appDefiningTexts.clear();
    this.summaries.clear();
    this.texts.clear();
    this.nameWords.clear();
    this.directories.clear();
    this.importers.clear();
    this.mentions = null;
    this.revisited.clear();
    this.appRegistrations.clear();
    this.importWords.clear();
    this.queryModels.clear();
    this.appFacts.clear();
    this.appDefinitions.clear();
    this.appSitesByName.clear();
    this.appDefiningFiles = null;
  }

  /** True when the module defines an App at module level (so files importing it are Modal files). */
  definesApp(filePath: string): boolean {
    const model = this.modelFor(filePath);
    if (!model) return false;
    let exports = this.exportsByPath.get(filePath);
    if (exports === undefined) {
      exports = model.exports();
      this.exportsByPath.set(filePath, exports);
    }
    return [...(exports?.values() ?? [])].some((entry) => entry.kind === 'app');
  }

  private exists(candidate: string): boolean {
    let known = this.fileExists.get(candidate);
    if (known === undefined) {
      known = this.sourceOf(candidate) !== undefined || isFile(candidate);
      this.fileExists.set(candidate, known);
    }
    return known;
  }
}

function isInside(dir: string, root: string): boolean {
  const relative = path.relative(root, dir);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function isFile(candidate: string): boolean {
  try {
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}

/** Imported modules outside the run are read only when small enough to be real source. */
/** A dependency on the names in a folder (not on the folder's files): the folder's path followed by `/*`. */
export function directoryListing(dir: string): string {
  return path.join(dir, '*');
}

function readIfSmall(filePath: string): string | undefined {
  try {
    if (fs.statSync(filePath).size > 2_000_000) return undefined;
    return fs.readFileSync(filePath, 'utf8');
  } catch {
    return undefined;
  }
}
