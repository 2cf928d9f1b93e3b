import fs from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { loadProjectConfig, settingsFromConfig } from '../api/settings.js';
import { ConfigError, type ResolvedConfig } from '../config/index.js';
import type { LintReport } from '../diagnostics.js';
import { ResultCache } from '../engine/cache.js';
import { decodeSource } from '../engine/decode.js';
import { lint, type LintSettings, type SourceInput } from '../engine/lint.js';
import { ALL_RULE_META, KNOWN_RULE_IDS } from '../engine/rule-set.js';
import { enableTiming, formatTimings, takeTimings } from '../engine/timing.js';
import { formatReport, type FormatName } from '../reporters/index.js';
import { RULES } from '../rules/index.js';
import { HELP, parseCli, UsageError, type CliOptions } from './args.js';
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
    if (id !== 'ALL' && !KNOWN_RULE_IDS.has(id)) throw new UsageError(`${flag}: unknown rule "${id}" (see --list-rules)`);
  }
}

function useColor(options: CliOptions, io: Io): boolean {
  if (options.noColor || options.output) return false;
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  return io.isTTY;
}

function listRules(color: boolean): string {
  const colors = pc.createColors(color);
  const width = Math.max(...ALL_RULE_META.map((rule) => rule.id.length));
  return ALL_RULE_META.map((rule) => `${colors.bold(rule.id.padEnd(width))}  ${rule.defaultSeverity.padEnd(7)}  ${rule.summary}`).join('\n') + '\n';
}

async function collectInputs(options: CliOptions, config: ResolvedConfig, io: Io): Promise<{ inputs: SourceInput[]; missing: string[]; skipped: Array<{ path: string; reason: string }> }> {
  if (options.stdinFilename !== undefined || options.paths.includes('-')) {
    // File discovery pulls in fast-glob; an editor's single-file run only needs the exclusion check.
    const { isExcluded } = await import('../discover/index.js');
    const stdinPath = path.resolve(io.cwd, options.stdinFilename ?? 'stdin.py');
    const decoded = decodeSource(await io.readStdin());
    const positional = options.paths.filter((p) => p !== '-');
    if (positional.length > 0) io.stderr(`modal-lint: reading standard input; ignoring ${positional.join(', ')}\n`);
    // Editors send every file; the config's excludes still apply, as with explicit paths.
    if (options.stdinFilename !== undefined && isExcluded(stdinPath, { cwd: io.cwd, config, isDirectory: false })) return { inputs: [], missing: [], skipped: [] };
    return { inputs: [{ path: stdinPath, text: decoded.binary ? undefined : decoded.text, notices: decoded.notices, binary: decoded.binary }], missing: [], skipped: [] };
  }
  const { discoverFiles } = await import('../discover/index.js');
  const found = await discoverFiles(options.paths.length > 0 ? options.paths : ['.'], { cwd: io.cwd, config });
  return { inputs: found.files.map((file) => ({ path: file })), missing: found.missing, skipped: found.skipped };
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
      const rule = RULES.find((r) => r.id === options.explainRule) ?? ALL_RULE_META.find((r) => r.id === options.explainRule);
      if (!rule) {
        io.stderr(`modal-lint: unknown rule "${options.explainRule}" (see --list-rules)\n`);
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

  let config: ResolvedConfig;
  try {
    config = loadProjectConfig(io.cwd, options.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`modal-lint: config error: ${error.message}\n`);
    return EXIT_ERROR;
  }

  const { inputs, missing, skipped } = await collectInputs(options, config, io);
  for (const missingPath of missing) io.stderr(`modal-lint: ${path.relative(io.cwd, missingPath) || missingPath}: ${describeMissing(missingPath)}\n`);
  for (const entry of skipped) io.stderr(`modal-lint: ${path.relative(io.cwd, entry.path) || entry.path}: skipped: ${entry.reason}\n`);

  // `ALL` on the command line means what it means in config: every rule.
  const settings: LintSettings = settingsFromConfig(config, io.cwd, { select: options.select, ignore: options.ignore });
  if (!options.noCache && !options.stdinFilename) {
    // Everything that can change a result, besides the files themselves, is part of the key.
    settings.cache = ResultCache.open(config.baseDir, { version: VERSION, select: settings.select, ignore: settings.ignore, severities: settings.severities, ruleOptions: settings.ruleOptions });
  }
  if (options.timing) enableTiming();
  const started = performance.now();
  const report = await lint(inputs, settings);
  if (options.timing) io.stderr(formatTimings(takeTimings(), performance.now() - started));

  if (options.addIgnore) {
    const stdin = options.stdinFilename !== undefined || options.paths.includes('-');
    const { addIgnoresToReport } = await import('../fix/add-ignore-files.js');
    const added = await addIgnoresToReport(report, { stdin });
    for (const message of added.messages) io.stderr(`modal-lint: ${message}\n`);
    if (stdin) io.stdout(added.stdinText ?? report.files[0]?.source ?? '');
    io.stderr(`modal-lint: added ${added.commentCount} suppression(s) in ${added.filesChanged} file(s)\n`);
    return missing.length > 0 ? EXIT_ERROR : EXIT_OK;
  }

  if (options.fix || options.diff) {
    const stdin = options.stdinFilename !== undefined || options.paths.includes('-');
    const { runFixes } = await import('../fix/run-fixes.js');
    const fixes = await runFixes(report, settings, { unsafe: options.unsafeFixes, diffOnly: options.diff, stdin });
    for (const message of fixes.messages) io.stderr(`modal-lint: ${message}\n`);
    if (options.diff) {
      io.stdout(fixes.diff);
      const noun = fixes.fixCount === 1 ? 'fix' : 'fixes';
      io.stderr(fixes.fixCount > 0 ? `modal-lint: ${fixes.fixCount} ${noun} available in ${fixes.filesChanged} file(s)\n` : 'modal-lint: no fixes available\n');
      if (missing.length > 0) return EXIT_ERROR;
      return fixes.fixCount > 0 ? EXIT_FINDINGS : EXIT_OK;
    }
    if (fixes.fixCount > 0) io.stderr(`modal-lint: fixed ${fixes.fixCount} problem(s) in ${fixes.filesChanged} file(s)\n`);
    if (stdin) {
      // Editors replace the buffer with stdout: print the (fixed) source, and the findings on stderr.
      io.stdout(fixes.stdinText ?? report.files[0]?.source ?? '');
      io.stderr(formatReport(report, options.format ?? 'concise', { color: false }));
      return options.exitZero ? EXIT_OK : exitCodeFor(report, options.maxWarnings ?? config.maxWarnings);
    }
  }

  const maxWarnings = options.maxWarnings ?? config.maxWarnings;
  const code = exitCodeFor(report, maxWarnings);
  const warnings = report.files.reduce((sum, file) => sum + file.diagnostics.filter((d) => d.severity === 'warning').length, 0);
  if (maxWarnings !== undefined && warnings > maxWarnings && !options.exitZero) {
    io.stderr(`modal-lint: ${warnings} warning(s) exceed the maximum of ${maxWarnings} (--max-warnings)\n`);
  }
  const shown: LintReport = options.quiet
    ? { ...report, files: report.files.map((file) => ({ ...file, diagnostics: file.diagnostics.filter((d) => d.severity === 'error') })) }
    : report;
  const format: FormatName = options.format ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text');
  const output = formatReport(shown, format, { color });
  if (options.output) {
    fs.mkdirSync(path.dirname(path.resolve(io.cwd, options.output)), { recursive: true });
    fs.writeFileSync(path.resolve(io.cwd, options.output), output);
  } else io.stdout(output);

  if (missing.length > 0) return EXIT_ERROR;
  return options.exitZero ? EXIT_OK : code;
}
