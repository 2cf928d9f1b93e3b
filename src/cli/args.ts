import { parseArgs } from 'node:util';
import { closestMatch } from '../config/suggest.js';
import { FORMAT_NAMES, type FormatName } from '../reporters/index.js';

export class UsageError extends Error {}

export interface CliOptions {
  command: 'lint' | 'explain' | 'list-rules' | 'version' | 'help' | 'server' | 'show-settings' | 'show-files';
  paths: string[];
  explainRule?: string;
  format?: FormatName;
  output?: string;
  stdinFilename?: string;
  select?: string[];
  extendSelect?: string[];
  ignore?: string[];
  statistics: boolean;
  watch: boolean;
  forceExclude: boolean;
  maxWarnings?: number;
  exitZero: boolean;
  fix: boolean;
  noCache: boolean;
  unsafeFixes: boolean;
  diff: boolean;
  addIgnore: boolean;
  quiet: boolean;
  noColor: boolean;
  config?: string;
  timing: boolean;
}

export const HELP = `modal-lint: find Modal deploy and runtime traps in Python code before they ship.

Usage:
  modal-lint [options] [paths...]     lint files and folders (default: .)
  modal-lint check [options] [paths...]   the same, as \`ruff check\` spells it
  modal-lint explain RULE             print the documentation of a rule
  modal-lint server                   run the language server (LSP over stdio)
  modal-lint --list-rules             list every rule

Options:
  -f, --format FORMAT       text (default), concise, json, sarif, github, gitlab
                            (Code Quality JSON), junit (JUnit XML); github is
                            the default when GITHUB_ACTIONS=true
      --output-format FORMAT  the same as --format
  -o, --output FILE         write the report to FILE instead of standard output
      --stdin-filename PATH read the source from standard input; PATH is used for
                            config, per-file ignores, suppressions and the report
      --select IDS          only run these rules (comma-separated; overrides config)
      --extend-select IDS   also run these rules (comma-separated; adds to config)
      --ignore IDS          do not run these rules (comma-separated; adds to config)
      --max-warnings N      fail (exit 1) when there are more than N warnings
      --exit-zero           exit 0 even when findings would fail the run
      --fix                 apply safe fixes, then report what remains
      --unsafe-fixes        with --fix or --diff, also apply unsafe fixes
      --diff                print the fixes as a unified diff; write nothing
                            (exit 1 when there is a diff)
      --add-ignore          write a \`# modal-lint: ignore[rule]\` comment for every
                            finding, so that only new findings fail later runs
  -q, --quiet               report errors only
      --no-color            no colours (also NO_COLOR=1; FORCE_COLOR=1 forces them)
      --config FILE         use this config file for every file instead of the
                            nearest one above each file
      --statistics          print the number of findings per rule
      --watch               lint again whenever a Python file or config changes
      --force-exclude       apply excludes to paths named on the command line too
      --show-settings       print the settings that apply to the first path
      --show-files          print the files that would be linted, and their config
      --no-cache            do not read or write the result cache (.modal-lint-cache/)
      --timing              print where the run's time went (parse and model,
                            each rule) to standard error
      --list-rules          list every rule with its default severity and whether
                            it has a fix
  -V, --version             print the version
  -h, --help                print this help

Exit codes: 0 no failing findings, 1 failing findings, 2 usage, config or internal error.`;

/** Whether an argument is a flag that consumes the next one (so `-o check` does not start a subcommand). */
function takesValue(arg: string): boolean {
  if (arg.includes('=')) return false;
  const long = arg.startsWith('--') ? arg.slice(2) : undefined;
  if (long !== undefined) return (OPTIONS as Record<string, { type: string }>)[long]?.type === 'string';
  return ['-f', '-o'].includes(arg);
}

/** Index of the first positional argument, skipping the values of flags that take one (`-o check` names a file). */
function firstPositional(argv: string[]): number {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') return index + 1 < argv.length ? index + 1 : -1;
    if (!arg.startsWith('-') || arg === '-') return index;
    if (takesValue(arg)) index++;
  }
  return -1;
}

function commaList(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
}

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  'output-format': { type: 'string' },
  output: { type: 'string', short: 'o' },
  'stdin-filename': { type: 'string' },
  select: { type: 'string', multiple: true },
  'extend-select': { type: 'string', multiple: true },
  ignore: { type: 'string', multiple: true },
  'max-warnings': { type: 'string' },
  'exit-zero': { type: 'boolean', default: false },
  fix: { type: 'boolean', default: false },
  'unsafe-fixes': { type: 'boolean', default: false },
  diff: { type: 'boolean', default: false },
  'add-ignore': { type: 'boolean', default: false },
  // Language clients often start servers with `--stdio`; stdio is the only transport here.
  stdio: { type: 'boolean', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
  'no-color': { type: 'boolean', default: false },
  config: { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
  statistics: { type: 'boolean', default: false },
  watch: { type: 'boolean', default: false },
  'force-exclude': { type: 'boolean', default: false },
  'show-settings': { type: 'boolean', default: false },
  'show-files': { type: 'boolean', default: false },
  'list-rules': { type: 'boolean', default: false },
  timing: { type: 'boolean', default: false },
  version: { type: 'boolean', short: 'V', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** parseArgs' message, shortened to one line; an unknown flag gets the closest known one. */
function usageMessage(error: Error & { code?: string }): string {
  const unknown = /^Unknown option '([^']+)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
    const long = unknown.replace(/^-+/, '').split('=')[0]!;
    const suggestion = unknown.startsWith('--') ? closestMatch(long, Object.keys(OPTIONS)) : undefined;
    return `unknown option ${unknown}${suggestion ? ` (did you mean --${suggestion}?)` : ''}`;
  }
  return error.message.split('. ')[0]!.replace(/^Option '([^']+)'/, 'option $1');
}

export function parseCli(argv: string[]): CliOptions {
  // `modal-lint check PATHS` is `modal-lint PATHS`, as `ruff check` users type it.
  const checkAt = firstPositional(argv);
  const args = checkAt >= 0 && argv[checkAt] === 'check' ? argv.filter((_, index) => index !== checkAt) : argv;
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError(usageMessage(error as Error));
  }
  const { values, positionals } = parsed;
  if (values.format !== undefined && values['output-format'] !== undefined && values.format !== values['output-format']) {
    throw new UsageError('--format and --output-format name different formats; give one');
  }
  const format = values.format ?? values['output-format'];
  if (format !== undefined && !(FORMAT_NAMES as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format "${format}"; choose one of ${FORMAT_NAMES.join(', ')}`);
  }
  let maxWarnings: number | undefined;
  if (values['max-warnings'] !== undefined) {
    const raw = values['max-warnings'].trim();
    maxWarnings = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new UsageError(`--max-warnings needs a whole number >= 0, got "${values['max-warnings']}"`);
  }
  let command: CliOptions['command'] = 'lint';
  let paths = positionals;
  let explainRule: string | undefined;
  if (values.help) command = 'help';
  else if (values.version) command = 'version';
  else if (values['list-rules']) command = 'list-rules';
  else if (values['show-settings']) command = 'show-settings';
  else if (values['show-files']) command = 'show-files';
  else if (positionals[0] === 'server') {
    if (positionals.length !== 1) throw new UsageError('usage: modal-lint server');
    command = 'server';
    paths = [];
  } else if (positionals[0] === 'explain') {
    if (positionals.length !== 2) throw new UsageError('usage: modal-lint explain RULE');
    command = 'explain';
    explainRule = positionals[1];
    paths = [];
  }
  if (values['add-ignore'] && (values.fix || values.diff)) throw new UsageError('--add-ignore cannot be combined with --fix or --diff');
  return {
    command,
    paths,
    explainRule,
    format: format as FormatName | undefined,
    output: values.output,
    stdinFilename: values['stdin-filename'],
    select: commaList(values.select),
    extendSelect: commaList(values['extend-select']),
    ignore: commaList(values.ignore),
    statistics: values.statistics ?? false,
    watch: values.watch ?? false,
    forceExclude: values['force-exclude'] ?? false,
    maxWarnings,
    exitZero: values['exit-zero'] ?? false,
    fix: values.fix ?? false,
    noCache: values['no-cache'] ?? false,
    unsafeFixes: values['unsafe-fixes'] ?? false,
    diff: values.diff ?? false,
    addIgnore: values['add-ignore'] ?? false,
    quiet: values.quiet ?? false,
    noColor: values['no-color'] ?? false,
    config: values.config,
    timing: values.timing ?? false,
  };
}
