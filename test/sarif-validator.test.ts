import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_RULE_META } from '../src/engine/rule-set.js';
import { formatSarif, type SarifLog } from '../src/reporters/index.js';
import { REPOSITORY_ROOT, runCli, temporaryFolders } from './helpers/run-cli.js';
import { findSarifValidator, runSarifValidator, type SarifValidator, type ValidatorProblem } from './helpers/sarif-validator.js';
import { sampleReport } from './helpers/sample-report.js';
import { validateSarif } from './helpers/sarif-schema.js';

const FIXTURES = path.join(REPOSITORY_ROOT, 'fixtures');
/** A path with a space and non-ASCII characters, to check the percent-encoding of URIs. */
const ODD_PATH = ['my apps', 'naïve café.py'] as const;
const ODD_URI = 'my%20apps/na%C3%AFve%20caf%C3%A9.py';
/** RFC 3986 path characters: unreserved, percent-escapes, sub-delims, ':' and '@', and '/'. */
const URI_PATH = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+$/;

const folders = temporaryFolders('modal-lint-sarif-');
const found = findSarifValidator();
const validator: SarifValidator | undefined = 'binary' in found ? found : undefined;
if ('unavailable' in found) console.warn(`Microsoft SARIF validator checks skipped: ${found.unavailable}`);
else console.log(`SARIF validator: Sarif.Multitool ${found.version}`);

interface LintedLog {
  root: string;
  file: string;
  log: SarifLog;
  code: number | null;
}

/**
 * Copies each rule's `fail_*` fixtures (files and cross-file folders) into one project, so a
 * single run reports findings of every rule.
 */
function projectWithEveryRule(): string {
  const root = folders.make();
  const ruleIds = new Set(ALL_RULE_META.map((rule) => rule.id));
  for (const ruleId of fs.readdirSync(FIXTURES).filter((name) => ruleIds.has(name))) {
    for (const entry of fs.readdirSync(path.join(FIXTURES, ruleId)).filter((name) => name.startsWith('fail_'))) {
      fs.cpSync(path.join(FIXTURES, ruleId, entry), path.join(root, ruleId, entry), { recursive: true });
    }
  }
  fs.mkdirSync(path.join(root, ODD_PATH[0]));
  fs.writeFileSync(path.join(root, ...ODD_PATH), 'import torch\n\nimport modal\n\napp = modal.App("odd-paths")\n');
  return root;
}

function lintToSarif(root: string, name: string): LintedLog {
  const file = path.join(path.dirname(root), `${path.basename(root)}-${name}.sarif`);
  const result = runCli(['--format', 'sarif', '-o', file, '.'], { cwd: root });
  expect(result.stderr).toBe('');
  return { root, file, log: JSON.parse(fs.readFileSync(file, 'utf8')) as SarifLog, code: result.code };
}

function artifactUris(log: SarifLog): Array<{ uri: string; uriBaseId?: string }> {
  const run = log.runs[0]!;
  return [
    ...run.results.map((result) => result.locations[0]!.physicalLocation.artifactLocation),
    ...run.invocations.flatMap((invocation) => invocation.toolExecutionNotifications.map((n) => n.locations[0]!.physicalLocation.artifactLocation)),
  ];
}

let everyRule: LintedLog;
let clean: LintedLog;
let syntaxError: LintedLog;

beforeAll(() => {
  everyRule = lintToSarif(projectWithEveryRule(), 'every-rule');
  const cleanRoot = folders.make();
  fs.writeFileSync(path.join(cleanRoot, 'app.py'), 'import modal\n\napp = modal.App("clean-app")\n\n\n@app.function()\ndef hello():\n    return "hi"\n');
  clean = lintToSarif(cleanRoot, 'clean');
  const brokenRoot = folders.make();
  fs.writeFileSync(path.join(brokenRoot, 'broken.py'), 'import modal\n\napp = modal.App("broken-app"\n\ndef f(:\n    pass\n');
  syntaxError = lintToSarif(brokenRoot, 'syntax-error');
}, 300_000);

afterAll(() => {
  for (const linted of [everyRule, clean, syntaxError]) if (linted) fs.rmSync(linted.file, { force: true });
  folders.cleanup();
});

describe('SARIF logs of real runs', () => {
  it('reports findings of every rule, with relative, percent-encoded, forward-slash URIs', () => {
    expect(everyRule.code).toBe(1);
    const results = everyRule.log.runs[0]!.results;
    expect([...new Set(results.map((result) => result.ruleId))].sort()).toEqual(ALL_RULE_META.map((rule) => rule.id).sort());
    for (const location of artifactUris(everyRule.log)) {
      expect(location.uriBaseId).toBe('%SRCROOT%');
      expect(location.uri).toMatch(URI_PATH);
      expect(location.uri).not.toMatch(/^\/|^file:|\\/);
      const onDisk = path.join(everyRule.root, ...location.uri.split('/').map(decodeURIComponent));
      expect(fs.existsSync(onDisk), location.uri).toBe(true);
    }
    const odd = results.filter((result) => result.locations[0]!.physicalLocation.artifactLocation.uri === ODD_URI);
    expect(odd.map((result) => result.ruleId)).toEqual(['snake-case-file-name', 'heavy-import-at-module-level']);
    expect(everyRule.log.runs[0]!.originalUriBaseIds['%SRCROOT%']!.uri).toMatch(/^file:\/\/\/.*\/$/);
  });

  it('reports nothing for a clean project, and a syntax error for a broken file', () => {
    expect(clean.code).toBe(0);
    expect(clean.log.runs[0]!.results).toEqual([]);
    expect(syntaxError.code).toBe(1);
    const ruleIds = syntaxError.log.runs[0]!.results.map((result) => result.ruleId);
    expect(ruleIds).toContain('syntax-error');
    expect(artifactUris(syntaxError.log).every((location) => location.uri === 'broken.py')).toBe(true);
  });

  it('passes the SARIF 2.1.0 JSON schema', () => {
    for (const linted of [everyRule, clean, syntaxError]) expect(validateSarif(linted.log)).toEqual([]);
  });
});

describe.skipIf(!validator)("Microsoft's SARIF validator", () => {
  let problems: ValidatorProblem[];
  let controlProblems: ValidatorProblem[];

  beforeAll(() => {
    // A made-up report adds what real runs here do not produce: unreadable files and notices.
    const sampleFile = `${everyRule.file}.sample.sarif`;
    fs.writeFileSync(sampleFile, formatSarif(sampleReport()));
    // The validator reports nothing at all for a log it cannot deserialize, so a copy with a
    // known defect (no informationUri) proves the real logs were read through to the end.
    const control = structuredClone(everyRule.log) as unknown as { runs: Array<{ tool: { driver: Record<string, unknown> } }> };
    delete control.runs[0]!.tool.driver.informationUri;
    const controlFile = `${everyRule.file}.control.sarif`;
    fs.writeFileSync(controlFile, JSON.stringify(control));
    const all = runSarifValidator(validator!, [everyRule.file, clean.file, syntaxError.file, sampleFile, controlFile], `${everyRule.file}.validation.sarif`);
    problems = all.filter((problem) => problem.file !== controlFile);
    controlProblems = all.filter((problem) => problem.file === controlFile);
  }, 600_000);

  it('finds no errors or warnings in the logs with every rule, no findings, a syntax error, and unreadable files', () => {
    console.log(`SARIF validator: ${problems.length} problem(s) in ${everyRule.log.runs[0]!.results.length} + ${clean.log.runs[0]!.results.length} + ${syntaxError.log.runs[0]!.results.length} results`);
    const shown = problems.map((problem) => `${path.basename(problem.file)}: ${problem.level} ${problem.ruleId}: ${problem.message}`);
    if (shown.length > 0) console.log(`SARIF validator reported:\n${shown.join('\n')}`);
    expect(shown.filter((line) => / (error|warning) /.test(line))).toEqual([]);
  });

  it('does flag a defect, so a clean verdict means the logs were read', () => {
    expect(controlProblems.map((problem) => problem.ruleId)).toContain('SARIF2005');
  });
});
