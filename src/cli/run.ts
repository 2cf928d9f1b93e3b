import fs from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { mergeReports, projectConfigResolver, settingsFromConfig } from '../api/settings.js';
import { ConfigError, ConfigResolver, walkConfigs, type ResolvedConfig } from '../config/index.js';
import { closestMatch } from '../config/suggest.js';
import type { LintReport } from '../diagnostics.js';
import { ResultCache } from '../engine/cache.js';
import { decodeSource } from '../engine/decode.js';
import { lint, type LintSettings, type SourceInput } from '../engine/lint.js';
import { ALL_RULE_META, enabledRules as enabledRulesFor, KNOWN_RULE_IDS } from '../engine/rule-set.js';
import { enableTiming, formatTimings, takeTimings } from '../engine/timing.js';
import { pluralize } from '../reporters/common.js';
import { formatReport, type FormatName } from '../reporters/index.js';
import { RULES } from '../rules/index.js';
import { HELP, parseCli, UsageError, type CliOptions } from './args.js';
import { OutputError, prepareOutput, writeOutput } from './output.js';
import { VERSION } from './version.js';

export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<Buffer>;
  isTTY: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

function checkRuleIds(ids: string[] | undefined, flag: string): void {
  for (const id of ids ?? []) {
    if (id !== 'ALL' && !KNOWN_RULE_IDS.has(id)) {
      const suggestion = closestMatch(id, KNOWN_RULE_IDS);
      throw new UsageError(`${flag}: unknown rule "${id}"${suggestion ? ` (did you mean "${suggestion}"?)` : ' (see --list-rules)'}`);
    }
  }
}

function useColor(options: CliOptions, io: Io): boolean {
  if (options.noColor || options.output) return false;
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  return io.isTTY;
}

/** `fix` for a rule whose findings always carry a fix, `fix?` for some findings, blank for none. */
function fixColumn(id: string): string {
  const availability = RULES.find((rule) => rule.id === id)?.fixAvailability;
  return availability === 'always' ? 'fix ' : availability === 'sometimes' ? 'fix?' : '    ';
}

function listRules(color: boolean): string {
  const colors = pc.createColors(color);
  const width = Math.max(...ALL_RULE_META.map((rule) => rule.id.length));
  const header = colors.dim(`${'rule'.padEnd(width)}  ${'default'.padEnd(7)}  fix   summary`);
  const rows = ALL_RULE_META.map((rule) => `${colors.bold(rule.id.padEnd(width))}  ${rule.defaultSeverity.padEnd(7)}  ${fixColumn(rule.id)}  ${rule.summary}`);
  const legend = colors.dim('fix: findings come with a fix (--fix); fix?: some do.');
  return [header, ...rows, '', legend].join('\n') + '\n';
}

interface Collected {
  inputs: SourceInput[];
  missing: string[];
  skipped: Array<{ path: string; reason: string }>;
  /** Why nothing is linted, when nothing is. */
  emptyReason?: string;
}

async function collectInputs(options: CliOptions, configs: ConfigResolver, io: Io): Promise<Collected> {
  if (options.stdinFilename !== undefined || options.paths.includes('-')) {
    // File discovery pulls in fast-glob; an editor's single-file run only needs the exclusion check.
    const { isExcluded } = await import('../discover/index.js');
    const stdinPath = path.resolve(io.cwd, options.stdinFilename ?? 'stdin.py');
    const decoded = decodeSource(await io.readStdin());
    const positional = options.paths.filter((p) => p !== '-');
    if (positional.length > 0) io.stderr(`modal-lint: reading standard input; ignoring ${positional.join(', ')}\n`);
    // Editors send every file; the config's excludes still apply, as with explicit paths.
    if (options.stdinFilename !== undefined && isExcluded(stdinPath, { cwd: io.cwd, config: configs.forPath(stdinPath), isDirectory: false })) {
      // Silent, as editors run this on every buffer.
      return { inputs: [], missing: [], skipped: [] };
    }
    return { inputs: [{ path: stdinPath, text: decoded.binary ? undefined : decoded.text, notices: decoded.notices, binary: decoded.binary }], missing: [], skipped: [] };
  }
  const { discoverFiles } = await import('../discover/index.js');
  const given = options.paths.length > 0 ? options.paths : ['.'];
  // Each folder's entries answer to the excludes of the config nearest to it.
  const walk = walkConfigs(configs, () => configs.forPath(io.cwd, true));
  const found = await discoverFiles(given, { cwd: io.cwd, config: walk.configFor(io.cwd), configFor: walk.configFor, forceExclude: options.forceExclude });
  const configError = walk.error();
  if (configError) throw configError;
  const { files, missing, skipped, excluded, walkExcluded } = found;
  const inputs = files.map((file) => ({ path: file }));
  let emptyReason: string | undefined;
  if (inputs.length === 0 && missing.length === 0) {
    const left: string[] = [];
    if (excluded.length > 0) left.push(`${pluralize(excluded.length, 'file')} named on the command line excluded (--force-exclude)`);
    if (walkExcluded.files > 0) left.push(`${pluralize(walkExcluded.files, 'Python file')} skipped by exclusions`);
    if (walkExcluded.folders > 0) left.push(`${pluralize(walkExcluded.folders, 'folder')} skipped by exclusions`);
    emptyReason = left.length > 0 ? `no files to lint: ${left.join(', ')}` : `no Python files found in ${given.join(', ')}`;
  }
  return { inputs, missing, skipped, emptyReason };
}

/** Why a path named on the command line cannot be linted; a symbolic link says where it leads. */
function describeMissing(missingPath: string): string {
  try {
    if (!fs.lstatSync(missingPath).isSymbolicLink()) return 'no such file or directory';
    fs.statSync(missingPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'symbolic link loop (too many levels of symbolic links)';
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return 'no such file or directory';
    try {
      return `no such file or directory (broken symbolic link to ${fs.readlinkSync(missingPath)})`;
    } catch {
      return 'no such file or directory';
    }
  }
  return 'no such file or directory';
}

/** The exit code a report earns (before `--exit-zero` and missing paths): 1 for errors, unreadable files or too many warnings. */
export function exitCodeFor(report: LintReport, maxWarnings: number | undefined): number {
  let errors = 0;
  let warnings = 0;
  for (const file of report.files) {
    if (file.failure) errors++;
    for (const diagnostic of file.diagnostics) {
      if (diagnostic.severity === 'error') errors++;
      else if (diagnostic.severity === 'warning') warnings++;
    }
  }
  if (errors > 0) return EXIT_FINDINGS;
  if (maxWarnings !== undefined && warnings > maxWarnings) return EXIT_FINDINGS;
  return EXIT_OK;
}

export async function run(argv: string[], io: Io): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCli(argv);
    checkRuleIds(options.select, '--select');
    checkRuleIds(options.ignore, '--ignore');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`modal-lint: ${error.message}\nRun \`modal-lint --help\` for usage.\n`);
    return EXIT_ERROR;
  }
  const color = useColor(options, io);
  switch (options.command) {
    case 'help':
      io.stdout(`${HELP}\n`);
      return EXIT_OK;
    case 'version':
      io.stdout(`modal-lint ${VERSION}\n`);
      return EXIT_OK;
    case 'list-rules':
      io.stdout(listRules(color));
      return EXIT_OK;
    case 'explain': {
      // Rule ids are lower-case; `Kebab-Case-Name` and `kebab_case_name` mean the same rule.
      const wanted = options.explainRule!.trim().toLowerCase().replaceAll('_', '-');
      const rule = RULES.find((r) => r.id === wanted) ?? ALL_RULE_META.find((r) => r.id === wanted);
      if (!rule) {
        const suggestion = closestMatch(wanted, KNOWN_RULE_IDS);
        io.stderr(`modal-lint: unknown rule "${options.explainRule}"${suggestion ? ` (did you mean "${suggestion}"?)` : ' (see --list-rules)'}\n`);
        return EXIT_ERROR;
      }
      const { renderRuleMarkdown } = await import('../docs/render.js');
      io.stdout(renderRuleMarkdown(rule));
      return EXIT_OK;
    }
    case 'server': {
      // Loaded only here: the language server libraries are not needed by a lint run.
      const { runServerOverStdio } = await import('../server/server.js');
      return runServerOverStdio(io.cwd);
    }
    case 'lint':
      break;
  }

  if (options.watch) {
    if (options.fix || options.diff || options.addIgnore || options.stdinFilename !== undefined || options.paths.includes('-')) {
      io.stderr('modal-lint: --watch works with lint runs only (not with --fix, --diff, --add-ignore or standard input)\n');
      return EXIT_ERROR;
    }
    return watch(options, io, color);
  }
  return lintOnce(options, io, color);
}

async function lintOnce(options: CliOptions, io: Io, color: boolean): Promise<number> {
  // A new resolver per run: under --watch, config files may change between runs.
  const configs = projectConfigResolver(io.cwd, options.config);
  try {
    return await lintCommand(options, configs, io, color);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`modal-lint: config error: ${error.message}\n`);
      return EXIT_ERROR;
    }
    if (error instanceof OutputError) {
      io.stderr(`modal-lint: ${error.message}\n`);
      return EXIT_ERROR;
    }
    throw error;
  }
}

/** Files sharing one config are linted together, with that config's settings. */
interface Group {
  config: ResolvedConfig;
  settings: LintSettings;
  inputs: SourceInput[];
}

function groupsOf(inputs: SourceInput[], configs: ConfigResolver, options: CliOptions, io: Io): Group[] {
  const groups = new Map<ResolvedConfig, Group>();
  for (const input of inputs) {
    const config = configs.forPath(input.path);
    let group = groups.get(config);
    if (!group) {
      // `ALL` on the command line means what it means in config: every rule.
      const settings = settingsFromConfig(config, io.cwd, { select: options.select, extendSelect: options.extendSelect, ignore: options.ignore });
      if (!options.noCache && !options.stdinFilename) {
        // Everything that can change a result, besides the files themselves, is part of the key.
        settings.cache = ResultCache.open(config.baseDir, { version: VERSION, select: settings.select, ignore: settings.ignore, severities: settings.severities, ruleOptions: settings.ruleOptions });
      }
      group = { config, settings, inputs: [] };
      groups.set(config, group);
    }
    group.inputs.push(input);
  }
  return [...groups.values()];
}

function describeConfig(config: ResolvedConfig, cwd: string): string {
  if (!config.path) return '(defaults: no config file found)';
  return path.relative(cwd, config.path) || config.path;
}

async function lintCommand(options: CliOptions, configs: ConfigResolver, io: Io, color: boolean): Promise<number> {
  const outputPath = options.output === undefined ? undefined : path.resolve(io.cwd, options.output);
  // A report that cannot be written is known before any linting.
  if (outputPath) prepareOutput(outputPath, options.output!);

  if (options.command === 'show-settings') return showSettings(options, configs, io);

  const { inputs, missing, skipped, emptyReason } = await collectInputs(options, configs, io);
  for (const missingPath of missing) io.stderr(`modal-lint: ${path.relative(io.cwd, missingPath) || missingPath}: ${describeMissing(missingPath)}\n`);
  for (const entry of skipped) io.stderr(`modal-lint: ${path.relative(io.cwd, entry.path) || entry.path}: skipped: ${entry.reason}\n`);
  if (emptyReason) io.stderr(`modal-lint: warning: ${emptyReason}\n`);

  if (options.command === 'show-files') {
    for (const input of inputs) io.stdout(`${path.relative(io.cwd, input.path) || input.path}  ${describeConfig(configs.forPath(input.path), io.cwd)}\n`);
    return missing.length > 0 ? EXIT_ERROR : EXIT_OK;
  }

  const groups = groupsOf(inputs, configs, options, io);
  if (groups.length === 0) {
    // Nothing to lint: an empty report, with the settings of the working directory's config.
    const config = configs.forPath(io.cwd, true);
    groups.push({ config, settings: settingsFromConfig(config, io.cwd, { select: options.select, extendSelect: options.extendSelect, ignore: options.ignore }), inputs: [] });
  }
  if (options.timing) enableTiming();
  const started = performance.now();
  const reports: LintReport[] = [];
  for (const group of groups) reports.push(await lint(group.inputs, group.settings));
  if (options.timing) io.stderr(formatTimings(takeTimings(), performance.now() - started));
  const stdin = options.stdinFilename !== undefined || options.paths.includes('-');

  if (options.addIgnore) {
    const report = mergeReports(reports, io.cwd);
    const { addIgnoresToReport } = await import('../fix/add-ignore-files.js');
    const added = await addIgnoresToReport(report, { stdin });
    for (const message of added.messages) io.stderr(`modal-lint: ${message}\n`);
    if (stdin) io.stdout(added.stdinText ?? report.files[0]?.source ?? '');
    io.stderr(`modal-lint: added ${pluralize(added.commentCount, 'suppression')} in ${pluralize(added.filesChanged, 'file')}\n`);
    return missing.length > 0 ? EXIT_ERROR : EXIT_OK;
  }

  // The config of the first group decides run-wide settings (max-warnings) when --config is not given.
  const runConfig = groups[0]!.config;
  if (options.fix || options.diff) {
    const { runFixes } = await import('../fix/run-fixes.js');
    const fixes = { fixCount: 0, filesChanged: 0, diff: '', stdinText: undefined as string | undefined, messages: [] as string[] };
    for (const [index, group] of groups.entries()) {
      const result = await runFixes(reports[index]!, group.settings, { unsafe: options.unsafeFixes, diffOnly: options.diff, stdin });
      fixes.fixCount += result.fixCount;
      fixes.filesChanged += result.filesChanged;
      fixes.diff += result.diff;
      fixes.stdinText ??= result.stdinText;
      fixes.messages.push(...result.messages);
    }
    for (const message of fixes.messages) io.stderr(`modal-lint: ${message}\n`);
    if (options.diff) {
      io.stdout(fixes.diff);
      io.stderr(fixes.fixCount > 0 ? `modal-lint: ${pluralize(fixes.fixCount, 'fix', 'fixes')} available in ${pluralize(fixes.filesChanged, 'file')}\n` : 'modal-lint: no fixes available\n');
      if (missing.length > 0) return EXIT_ERROR;
      return fixes.fixCount > 0 ? EXIT_FINDINGS : EXIT_OK;
    }
    if (fixes.fixCount > 0) io.stderr(`modal-lint: fixed ${pluralize(fixes.fixCount, 'problem')} in ${pluralize(fixes.filesChanged, 'file')}\n`);
    if (stdin) {
      const report = mergeReports(reports, io.cwd);
      // Editors replace the buffer with stdout: print the (fixed) source, and the findings on stderr.
      io.stdout(fixes.stdinText ?? report.files[0]?.source ?? '');
      io.stderr(formatReport(report, options.format ?? 'concise', { color: false }));
      return options.exitZero ? EXIT_OK : exitCodeFor(report, options.maxWarnings ?? runConfig.maxWarnings);
    }
  }
  const report = mergeReports(reports, io.cwd);

  const maxWarnings = options.maxWarnings ?? runConfig.maxWarnings;
  const code = exitCodeFor(report, maxWarnings);
  const warnings = report.files.reduce((sum, file) => sum + file.diagnostics.filter((d) => d.severity === 'warning').length, 0);
  if (maxWarnings !== undefined && warnings > maxWarnings && !options.exitZero) {
    io.stderr(`modal-lint: ${pluralize(warnings, 'warning')} ${warnings === 1 ? 'exceeds' : 'exceed'} the maximum of ${maxWarnings} (--max-warnings)\n`);
  }
  const shown: LintReport = options.quiet
    ? { ...report, files: report.files.map((file) => ({ ...file, diagnostics: file.diagnostics.filter((d) => d.severity === 'error') })) }
    : report;
  const format: FormatName = options.format ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text');
  const output = options.statistics ? statistics(shown, format === 'json') : formatReport(shown, format, { color });
  if (outputPath) writeOutput(outputPath, options.output!, output);
  else io.stdout(output);

  if (missing.length > 0) return EXIT_ERROR;
  return options.exitZero ? EXIT_OK : code;
}

/** `--statistics`: findings per rule, most frequent first, as Ruff prints them (a JSON list with `--format json`). */
function statistics(report: LintReport, json: boolean): string {
  const counts = new Map<string, { count: number; fixable: number }>();
  for (const file of report.files) {
    for (const diagnostic of file.diagnostics) {
      const entry = counts.get(diagnostic.ruleId) ?? { count: 0, fixable: 0 };
      entry.count++;
      if (diagnostic.fix) entry.fixable++;
      counts.set(diagnostic.ruleId, entry);
    }
  }
  const rows = [...counts].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  if (json) return `${JSON.stringify(rows.map(([code, entry]) => ({ code, count: entry.count, fixable: entry.fixable })), null, 2)}\n`;
  if (rows.length === 0) return report.files.length === 0 ? 'No files linted.\n' : `No problems found (${pluralize(report.files.length, 'file')} linted).\n`;
  const width = Math.max(...rows.map(([, entry]) => String(entry.count).length));
  return rows.map(([id, entry]) => `${String(entry.count).padStart(width)}\t${id}${entry.fixable === entry.count ? '\t[*]' : entry.fixable > 0 ? `\t[*] ${entry.fixable} fixable` : ''}`).join('\n') + '\n';
}

/** `--show-settings [PATH]`: the config file and resolved settings that apply to a path. */
function showSettings(options: CliOptions, configs: ConfigResolver, io: Io): number {
  const target = path.resolve(io.cwd, options.paths[0] ?? '.');
  let isDirectory = false;
  try {
    isDirectory = fs.statSync(target).isDirectory();
  } catch {
    io.stderr(`modal-lint: ${options.paths[0]}: ${describeMissing(target)}\n`);
    return EXIT_ERROR;
  }
  const config = configs.forPath(target, isDirectory);
  const settings = settingsFromConfig(config, io.cwd, { select: options.select, extendSelect: options.extendSelect, ignore: options.ignore });
  const { severities } = enabledRulesFor(settings);
  const ignoredHere = isDirectory ? [] : [...settings.ignoredForFile(target)].sort();
  const shown = {
    path: path.relative(io.cwd, target) || '.',
    configFile: config.path ?? null,
    extends: config.extends ?? [],
    baseDir: config.baseDir,
    select: config.select ?? 'ALL (default)',
    ignore: settings.ignore,
    exclude: config.exclude,
    extendExclude: config.extendExclude,
    perFileIgnores: config.perFileIgnores,
    ignoredForThisFile: ignoredHere,
    maxWarnings: config.maxWarnings ?? null,
    enabledRules: Object.fromEntries([...severities].filter(([id]) => !ignoredHere.includes(id))),
    ruleOptions: config.ruleOptions,
  };
  io.stdout(`${JSON.stringify(shown, null, 2)}\n`);
  return EXIT_OK;
}

/** What a change must touch to start a new run under --watch. */
const WATCHED_FILE = /(\.pyi?|\.toml|\.gitignore)$/;

/** `--watch`: lint, then lint again after each change to a Python file or config below the given paths, until interrupted. */
async function watch(options: CliOptions, io: Io, color: boolean): Promise<number> {
  const roots = new Set<string>();
  for (const given of options.paths.length > 0 ? options.paths : ['.']) {
    const absolute = path.resolve(io.cwd, given);
    try {
      roots.add(fs.statSync(absolute).isDirectory() ? absolute : path.dirname(absolute));
    } catch {
      io.stderr(`modal-lint: ${given}: ${describeMissing(absolute)}\n`);
      return EXIT_ERROR;
    }
  }
  let pending: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const runOnce = (): void => {
    running = running.then(async () => {
      io.stderr(`modal-lint: linting (${new Date().toLocaleTimeString()})\n`);
      await lintOnce(options, io, color);
      io.stderr('modal-lint: watching for changes; press Ctrl-C to stop\n');
    });
  };
  const watchers = [...roots].map((root) =>
    fs.watch(root, { recursive: true }, (_event, name) => {
      const changed = name === null ? '' : String(name);
      if (!WATCHED_FILE.test(changed) || changed.split(/[\\/]/).includes('.modal-lint-cache')) return;
      clearTimeout(pending);
      pending = setTimeout(runOnce, 100);
    }),
  );
  runOnce();
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      for (const watcher of watchers) watcher.close();
      clearTimeout(pending);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running;
  return EXIT_OK;
}
