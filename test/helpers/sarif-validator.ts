import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Microsoft's SARIF validator (`Sarif.Multitool validate`), from the platform package that
 * @microsoft/sarif-multitool installs as an optional dependency. npm 11 runs no install scripts,
 * so the binary may arrive without its execute bit.
 */
export interface SarifValidator {
  binary: string;
  version: string;
}

export interface ValidatorProblem {
  ruleId: string;
  level: 'error' | 'warning' | 'note' | 'none';
  message: string;
  /** The validated file the problem is about (absolute path). */
  file: string;
}

/** Environment for the .NET binary: no ICU needed, and no telemetry prompt. */
const VALIDATOR_ENV = { DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' };

/** The validator, or the reason it cannot run on this machine. */
export function findSarifValidator(): SarifValidator | { unavailable: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { unavailable: `the validator binary is only wired up for linux-x64 here, not ${process.platform}-${process.arch}` };
  }
  let binary: string;
  try {
    const requireFromHere = createRequire(import.meta.url);
    const requireFromMultitool = createRequire(requireFromHere.resolve('@microsoft/sarif-multitool/package.json'));
    binary = path.join(path.dirname(requireFromMultitool.resolve('@microsoft/sarif-multitool-linux/package.json')), 'Sarif.Multitool');
  } catch (error) {
    return { unavailable: `@microsoft/sarif-multitool-linux is not installed (${(error as Error).message.split('\n')[0]})` };
  }
  if (!fs.existsSync(binary)) return { unavailable: `${binary} is missing` };
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    try {
      fs.chmodSync(binary, 0o755);
    } catch (error) {
      return { unavailable: `${binary} is not executable and chmod failed: ${(error as Error).message}` };
    }
  }
  const probe = spawnSync(binary, ['--version'], { env: { ...process.env, ...VALIDATOR_ENV }, encoding: 'utf8', timeout: 120_000 });
  if (probe.error || probe.status !== 0) {
    const why = probe.error?.message ?? `exit ${probe.status}: ${probe.stderr.trim() || probe.stdout.trim()}`;
    return { unavailable: `${binary} --version failed (${why})` };
  }
  // It prints its version on standard error.
  const banner = `${probe.stdout}\n${probe.stderr}`;
  const version = banner.match(/SARIF Multitool (\S+)/)?.[1] ?? banner.trim();
  return { binary, version };
}

interface ValidatorLog {
  runs: Array<{
    tool: { driver: { rules?: Array<{ defaultConfiguration?: { level?: ValidatorProblem['level'] } }> } };
    results?: Array<{
      ruleId: string;
      ruleIndex?: number;
      level?: ValidatorProblem['level'];
      message: { text?: string; arguments?: string[] };
      locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string } } }>;
    }>;
  }>;
}

function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? decodeURIComponent(new URL(uri).pathname) : uri;
}

/**
 * Validates SARIF files with the SARIF rules and GitHub Advanced Security's extra rules, and
 * returns every problem the validator reports.
 */
export function runSarifValidator(validator: SarifValidator, files: string[], outputFile: string): ValidatorProblem[] {
  const run = spawnSync(
    validator.binary,
    ['validate', ...files, '-o', outputFile, '--log', 'ForceOverwrite', '-q', '--rule-kind', 'Sarif;Ghas'],
    { env: { ...process.env, ...VALIDATOR_ENV }, encoding: 'utf8', timeout: 300_000 },
  );
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`Sarif.Multitool validate exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  const log = JSON.parse(fs.readFileSync(outputFile, 'utf8').replace(/^\uFEFF/, '')) as ValidatorLog;
  return log.runs.flatMap((sarifRun) =>
    (sarifRun.results ?? []).map((result) => {
      const rule = result.ruleIndex === undefined ? undefined : sarifRun.tool.driver.rules?.[result.ruleIndex];
      const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
      return {
        ruleId: result.ruleId,
        // SARIF's default: a result without a level takes its rule's level, else "warning".
        level: result.level ?? rule?.defaultConfiguration?.level ?? 'warning',
        message: result.message.text ?? (result.message.arguments ?? []).join(' | '),
        file: uriToPath(uri),
      };
    }),
  );
}
