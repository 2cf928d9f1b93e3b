import { parseArgs } from 'node:util';
import { FORMAT_NAMES, type FormatName } from '../reporters/index.js';

export class UsageError extends Error {}

export interface CliOptions {
  command: 'lint' | 'explain' | 'list-rules' | 'version' | 'help' | 'server';
  paths: string[];
  explainRule?: string;
  format?: FormatName;
  output?: string;
  stdinFilename?: string;
  select?: string[];
  ignore?: string[];
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
  modal-lint explain RULE             print the documentation of a rule
  modal-lint server                   run the language server (LSP over stdio)
  modal-lint --list-rules             list every rule

Options:
  -f, --format FORMAT       text (default), concise, json, sarif, github, gitlab
                            (Code Quality JSON), junit (JUnit XML); github is
                            the default when GITHUB_ACTIONS=true
  -o, --output FILE         write the report to FILE instead of standard output
      --stdin-filename PATH read the source from standard input; PATH is used for
                            config, per-file ignores, suppressions and the report
      --select IDS          only run these rules (comma-separated; overrides config)
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
      --config FILE         use this config file instead of searching for one
      --no-cache            do not read or write the result cache (.modal-lint-cache/)
      --timing              print where the run's time went (parse and model,
                            each rule) to standard error
      --list-rules          list every rule with its default severity
  -V, --version             print the version
  -h, --help                print this help

Exit codes: 0 no failing findings, 1 failing findings, 2 usage, config or internal error.`;

function commaList(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
}

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'stdin-filename': { type: 'string' },
        select: { type: 'string', multiple: true },
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
        'list-rules': { type: 'boolean', default: false },
        timing: { type: 'boolean', default: false },
        version: { type: 'boolean', short: 'V', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const format = values.format;
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
    ignore: commaList(values.ignore),
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
