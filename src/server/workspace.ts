import fs from 'node:fs';
import path from 'node:path';
import { projectConfigResolver, settingsFromConfig } from '../api/settings.js';
import { ConfigError, type ConfigResolver, type ResolvedConfig } from '../config/index.js';
import { defaultConfig } from '../config/defaults.js';
import type { Diagnostic } from '../diagnostics.js';
import { analyseFile } from '../engine/analyse.js';
import { importedFiles, mentionsModal, REGISTRATION_CALL, type LintSettings } from '../engine/lint.js';
import { ProjectIndex } from '../engine/project.js';
import { enabledRules, ruleOptions, type EnabledRules } from '../engine/rule-set.js';
import { fixSource, type FixedSource } from '../fix/fix-source.js';
import { getParser, parseRetained, parseWith, type RetainedTree } from '../parser/parser.js';
import { analysisAfterCommentEdit } from './comment-edits.js';
import type { SyntaxNode } from '../parser/syntax.js';
import { RULES } from '../rules/index.js';
import type { Rule } from '../rules/types.js';

/** Names a config file can have; a change to one of them reloads the configs. */
export const CONFIG_FILE_NAMES = ['.modal-lint.toml', 'modal-lint.toml', 'pyproject.toml'];
/** Modules bigger than this are not read from disk for cross-file facts (as on the command line). */
const MAX_MODULE_BYTES = 2_000_000;

export interface WorkspaceOptions {
  /** The workspace folder: reported paths are relative to it. */
  root: string;
  /** This config file for every file, instead of the nearest one above each file. */
  configPath?: string;
  /** The rules to run (default: the built-in set). */
  rules?: readonly Rule[];
}

export interface FileAnalysis {
  /** The text the findings are for: their ranges and fix offsets point into it. */
  text: string;
  diagnostics: Diagnostic[];
  /** Failures of a rule or of the analysis, to show the user; the other rules' findings stand. */
  notices: string[];
}

interface DiskText {
  text: string | undefined;
  /** Size and modification time when read, or `missing`. */
  stamp: string;
}

/** What one config means for analysis: its settings and the rules they enable. */
interface Profile {
  config: ResolvedConfig;
  settings: LintSettings;
  enabled: EnabledRules;
  options: Map<string, Record<string, unknown>>;
  /** The same key after a reload means the same findings. */
  key: string;
}

/** A config file that could not be used, and the files it governs (open files, or the workspace folder). */
export interface ConfigProblem {
  error: ConfigError;
  /** Files that keep the settings they had before the error. */
  keptPrevious: string[];
  /** Files that had none, analysed with the default settings. */
  usingDefaults: string[];
}

function stampOf(filePath: string): string {
  try {
    const stats = fs.statSync(filePath);
    return stats.isFile() ? `${stats.size}:${stats.mtimeMs}` : 'not-a-file';
  } catch {
    return 'missing';
  }
}

/**
 * What the language server keeps between edits: the configs, the text of open buffers (which win
 * over disk for every question, cross-file ones included), what was read from disk, parsed
 * trees, and one project index whose models live until a file they depend on changes. Each file
 * is analysed with the settings of the config nearest above it (as on the command line), or of
 * `configPath` when given.
 */
export class Workspace {
  /** The config of the workspace folder. */
  config!: ResolvedConfig;
  /** Its settings. */
  settings!: LintSettings;
  private configs!: ConfigResolver;
  /** One profile per config, so that files sharing a config share its rule set. */
  private profiles = new Map<ResolvedConfig, Profile>();
  /** The profile each file (and the workspace folder) is analysed with, until the configs reload. */
  private readonly fileProfiles = new Map<string, Profile>();
  /** What each file had before the last reload: kept when its config no longer loads. */
  private readonly previousProfiles = new Map<string, Profile>();
  private readonly problems = new Map<string, ConfigProblem>();
  /** Each place a config file could be, for the files resolved so far, with its size and time. */
  private readonly configStamps = new Map<string, string>();
  private readonly stampedDirs = new Set<string>();
  private readonly buffers = new Map<string, string>();
  private readonly disk = new Map<string, DiskText>();
  private readonly trees = new Map<string, { text: string; tree: SyntaxNode }>();
  /** tree-sitter's own tree of each open buffer, for an incremental parse of its next version. */
  private readonly retained = new Map<string, RetainedTree>();
  /** Analyses of open files, until they or a file they depend on change. */
  private readonly results = new Map<string, FileAnalysis>();
  private index!: ProjectIndex;
  private parse!: (source: string, filePath: string) => SyntaxNode;
  private readonly rules: readonly Rule[];

  private constructor(readonly root: string, private readonly configPath: string | undefined, rules: readonly Rule[] | undefined) {
    this.rules = rules ?? RULES;
  }

  /** Loads the parser and the config (see `configError`). */
  static async create(options: WorkspaceOptions): Promise<Workspace> {
    const workspace = new Workspace(path.resolve(options.root), options.configPath, options.rules);
    const parser = await getParser();
    workspace.parse = (source, filePath) => {
      const known = workspace.trees.get(filePath);
      if (known && known.text === source) return known.tree;
      let tree: SyntaxNode;
      if (workspace.buffers.has(filePath)) {
        // An edited buffer: tree-sitter reparses only what the edit touched.
        const previous = workspace.retained.get(filePath);
        workspace.retained.delete(filePath);
        const parsed = parseRetained(parser, source, previous);
        workspace.retained.set(filePath, parsed.retained);
        tree = parsed.root;
      } else tree = parseWith(parser, source);
      workspace.trees.set(filePath, { text: source, tree });
      return tree;
    };
    workspace.index = workspace.newIndex();
    workspace.loadConfig();
    return workspace;
  }

  private newIndex(): ProjectIndex {
    // Files that may import a module, for "is this module imported by an App's module": the open
    // buffers and the modules already read from disk.
    return new ProjectIndex(this.root, (filePath) => this.sourceOf(filePath), this.parse, () => new Set([...this.buffers.keys(), ...this.disk.keys()]));
  }

  /**
   * Reads the configs again, from scratch, starting with the workspace folder's. A config that
   * does not load is in `configProblems`; the files it governs keep their previous settings (or
   * get the defaults).
   */
  loadConfig(): void {
    for (const [filePath, profile] of this.fileProfiles) this.previousProfiles.set(filePath, profile);
    this.fileProfiles.clear();
    this.profiles = new Map();
    this.problems.clear();
    this.configStamps.clear();
    this.stampedDirs.clear();
    this.configs = projectConfigResolver(this.root, this.configPath);
    const rootProfile = this.profileOf(this.root, true);
    this.config = rootProfile.config;
    this.settings = rootProfile.settings;
  }

  /** Config files that could not be used, with the files they govern. */
  get configProblems(): ConfigProblem[] {
    return [...this.problems.values()];
  }

  private profileFor(config: ResolvedConfig): Profile {
    let profile = this.profiles.get(config);
    if (!profile) {
      const settings = settingsFromConfig(config, this.root);
      const enabled = enabledRules(settings, this.rules);
      const options = new Map(enabled.rules.map((rule) => [rule.id, ruleOptions(rule, settings.ruleOptions[rule.id])]));
      profile = { config, settings, enabled, options, key: JSON.stringify(config) };
      this.profiles.set(config, profile);
    }
    return profile;
  }

  /** The profile of a file: its nearest config's (the previous one, or the defaults, when that config does not load). */
  private profileOf(filePath: string, isDirectory = false): Profile {
    const known = this.fileProfiles.get(filePath);
    if (known) return known;
    this.stampConfigsAbove(isDirectory ? filePath : path.dirname(filePath));
    let profile: Profile;
    try {
      profile = this.profileFor(this.configs.forPath(filePath, isDirectory));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const previous = this.previousProfiles.get(filePath);
      const problem = this.problems.get(error.message) ?? { error, keptPrevious: [], usingDefaults: [] };
      (previous ? problem.keptPrevious : problem.usingDefaults).push(filePath);
      this.problems.set(error.message, problem);
      profile = previous ?? this.profileFor(defaultConfig(this.root));
    }
    this.fileProfiles.set(filePath, profile);
    return profile;
  }

  /** Notes where config files could appear for a folder and those above it: a change there reloads the configs. */
  private stampConfigsAbove(dir: string): void {
    if (this.configPath) {
      const file = path.resolve(this.root, this.configPath);
      if (!this.configStamps.has(file)) this.configStamps.set(file, stampOf(file));
      return;
    }
    for (let current = dir; !this.stampedDirs.has(current); current = path.dirname(current)) {
      this.stampedDirs.add(current);
      for (const name of CONFIG_FILE_NAMES) this.configStamps.set(path.join(current, name), stampOf(path.join(current, name)));
      if (path.dirname(current) === current) break;
    }
  }

  private sourceOf(filePath: string): string | undefined {
    const buffer = this.buffers.get(filePath);
    if (buffer !== undefined) return buffer;
    let known = this.disk.get(filePath);
    if (!known) {
      const stamp = stampOf(filePath);
      let text: string | undefined;
      if (stamp !== 'missing' && stamp !== 'not-a-file' && Number(stamp.split(':')[0]) <= MAX_MODULE_BYTES) {
        try {
          text = fs.readFileSync(filePath, 'utf8');
        } catch {
          text = undefined;
        }
      }
      this.disk.set(filePath, (known = { text, stamp }));
    }
    return known.text;
  }

  get openFiles(): string[] {
    return [...this.buffers.keys()];
  }

  isOpen(filePath: string): boolean {
    return this.buffers.has(filePath);
  }

  /** A buffer was opened or edited: returns the open files to analyse again (itself and its dependents). */
  setBuffer(filePath: string, text: string): string[] {
    const before = this.buffers.get(filePath);
    this.buffers.set(filePath, text);
    // A keystroke inside a comment keeps every finding (moved along its line): nothing to analyse.
    const known = this.results.get(filePath);
    const tree = this.trees.get(filePath);
    if (before !== undefined && known?.text === before && tree?.text === before) {
      const moved = analysisAfterCommentEdit(known, tree.tree, text);
      if (moved) {
        // Models built from the old text are dropped; the findings of files that import this one stand.
        this.index.invalidate([filePath]);
        this.results.set(filePath, moved);
        return [filePath];
      }
    }
    return this.invalidate([filePath]);
  }

  /** A buffer was closed: disk is the truth for it again. Returns the open files that depended on it. */
  closeBuffer(filePath: string): string[] {
    this.buffers.delete(filePath);
    this.fileProfiles.delete(filePath);
    this.previousProfiles.delete(filePath);
    this.disk.delete(filePath);
    this.retained.get(filePath)?.tree.delete();
    this.retained.delete(filePath);
    return this.invalidate([filePath]);
  }

  /**
   * Files changed on disk (watched files, a save). A config file reloads the configs, a Python
   * module drops what depended on it, anything else (a requirements file, a pyproject.toml's
   * dependencies) drops every model. Returns the open files to analyse again.
   */
  filesChangedOnDisk(paths: string[]): string[] {
    const isConfig = (filePath: string): boolean => CONFIG_FILE_NAMES.includes(path.basename(filePath));
    const affected = new Set(paths.some(isConfig) ? this.reloadConfig() : []);
    // A pyproject.toml is also where a project lists its dependencies.
    const others = paths.filter((filePath) => !isConfig(filePath) || path.basename(filePath) === 'pyproject.toml');
    const modules = others.filter((filePath) => filePath.endsWith('.py'));
    if (modules.length < others.length) {
      this.disk.clear();
      this.index = this.newIndex();
      this.results.clear();
      return this.openFiles;
    }
    for (const filePath of modules) this.disk.delete(filePath);
    for (const filePath of this.invalidate(modules)) affected.add(filePath);
    return [...affected];
  }

  /**
   * Reads the configs again (see `configProblems`). Returns the open files whose settings
   * changed, after dropping their findings; the others keep theirs.
   */
  reloadConfig(): string[] {
    const before = new Map(this.fileProfiles);
    this.loadConfig();
    const affected = this.openFiles.filter((filePath) => before.get(filePath)?.key !== this.profileOf(filePath).key);
    for (const filePath of affected) this.results.delete(filePath);
    return affected;
  }

  /**
   * Catches changes the client did not report: a config file, or a module read from disk, whose
   * size or time differs from when it was read. Cheap (a few `stat` calls). Returns the open
   * files to analyse again.
   */
  refreshFromDisk(): string[] {
    const configs = [...this.configStamps].filter(([filePath, stamp]) => stampOf(filePath) !== stamp).map(([filePath]) => filePath);
    const affected = new Set(configs.length > 0 ? this.filesChangedOnDisk(configs) : []);
    const changed: string[] = [];
    for (const [filePath, known] of this.disk) if (stampOf(filePath) !== known.stamp) changed.push(filePath);
    for (const filePath of changed) this.disk.delete(filePath);
    if (changed.length > 0) for (const filePath of this.invalidate(changed)) affected.add(filePath);
    return [...affected];
  }

  private invalidate(paths: string[]): string[] {
    const dependents = this.index.invalidate(paths);
    const affected = [...new Set([...paths, ...dependents])];
    for (const filePath of affected) this.results.delete(filePath);
    return affected.filter((filePath) => this.buffers.has(filePath));
  }

  /** Analyses an open file (or a file on disk) with everything the workspace knows. */
  analyse(filePath: string): FileAnalysis {
    const known = this.results.get(filePath);
    if (known) return known;
    const text = this.sourceOf(filePath) ?? '';
    const analysis = { text, ...this.analyseWith(this.index, filePath, text) };
    this.results.set(filePath, analysis);
    return analysis;
  }

  private analyseWith(index: ProjectIndex, filePath: string, text: string): { diagnostics: Diagnostic[]; notices: string[] } {
    const notices: string[] = [];
    if (!this.shouldAnalyse(index, filePath, text)) return { diagnostics: [], notices };
    try {
      const profile = this.profileOf(filePath);
      const diagnostics = analyseFile(index, filePath, profile.settings.ignoredForFile(filePath), profile.enabled, profile.options, notices);
      diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
      return { diagnostics, notices };
    } catch (error) {
      notices.push(`internal error while analysing this file: ${error instanceof Error ? error.message : String(error)}; please report it`);
      return { diagnostics: [], notices };
    }
  }

  /** The command line's test: a file that never names modal matters only when it registers on an App of a module it imports. */
  private shouldAnalyse(index: ProjectIndex, filePath: string, text: string): boolean {
    if (mentionsModal(text)) return true;
    if (!REGISTRATION_CALL.test(text)) return false;
    return importedFiles(filePath, text, index).some((target) => mentionsModal(this.sourceOf(target) ?? ''));
  }

  /** Findings of a text that is not (yet) the buffer's, e.g. a fix pass; other files as the workspace sees them. */
  diagnosticsOfText(filePath: string, text: string): Diagnostic[] {
    const index = new ProjectIndex(this.root, (candidate) => (candidate === filePath ? text : this.sourceOf(candidate)), this.parse, () => new Set([filePath, ...this.buffers.keys(), ...this.disk.keys()]));
    return this.analyseWith(index, filePath, text).diagnostics;
  }

  /** Every safe fix (and unsafe ones when asked) applied, pass after pass, to the current text of a file. */
  async fixAll(filePath: string, unsafe = false): Promise<FixedSource & { original: string }> {
    const original = this.sourceOf(filePath) ?? '';
    const fixed = await fixSource(filePath, original, this.profileOf(filePath).settings, unsafe, async (file, text) => this.diagnosticsOfText(file, text));
    return { ...fixed, original };
  }
}
