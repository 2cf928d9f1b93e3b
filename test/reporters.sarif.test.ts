import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LintReport, RuleMeta } from '../src/diagnostics.js';
import { ALL_RULE_META } from '../src/engine/rule-set.js';
import { formatReport, type SarifLog } from '../src/reporters/index.js';
import { FULL_DESCRIPTION_LIMIT, fullDescriptionText, pascalCase } from '../src/reporters/sarif.js';
import { sarifSchemaPath, validateSarif } from './helpers/sarif-schema.js';
import { RULES, cafeFile, cleanFile, cleanReport, failedFile, makeReport, sampleReport } from './helpers/sample-report.js';

/** Formats, checks the log against the official schema, and returns it parsed. */
function sarifOf(report: LintReport): SarifLog {
  const output = formatReport(report, 'sarif', { color: true });
  expect(output.endsWith('}\n')).toBe(true);
  const log = JSON.parse(output) as SarifLog;
  expect(validateSarif(log)).toEqual([]);
  return log;
}

function onlyRun(log: SarifLog): SarifLog['runs'][number] {
  expect(log.runs).toHaveLength(1);
  return log.runs[0]!;
}

describe('sarif schema helper', () => {
  it('loads the official SARIF 2.1.0 schema', () => {
    const schema = JSON.parse(readFileSync(sarifSchemaPath(), 'utf8')) as { $schema: string; title: string };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
  });

  it('rejects a log that breaks the schema', () => {
    const log = sarifOf(sampleReport());
    const broken = structuredClone(log) as unknown as { runs: Array<{ results: Array<{ level: string }> }> };
    broken.runs[0]!.results[0]!.level = 'info';
    expect(validateSarif(broken)).not.toEqual([]);
    expect(validateSarif({ version: '2.1.0' })).not.toEqual([]);
  });
});

describe('sarif format', () => {
  it('describes the log and the tool', () => {
    const log = sarifOf(sampleReport());
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    const run = onlyRun(log);
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///srv/project/' } });
    const { rules, ...driver } = run.tool.driver;
    expect(driver).toEqual({
      name: 'modal-lint',
      version: '0.1.0',
      semanticVersion: '0.1.0',
      informationUri: 'https://www.npmjs.com/package/modal-lint',
    });
    expect(rules.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.id));
  });

  it('describes every rule, with the configured severity as its default level', () => {
    const { rules } = onlyRun(sarifOf(sampleReport())).tool.driver;
    expect(rules.map((rule) => [rule.name, rule.defaultConfiguration.level])).toEqual([
      ['BlockingCallInAsync', 'error'],
      ['MissingTimeout', 'warning'],
      ['RemoteCallAtImport', 'warning'],
      ['UnboundedMap', 'note'],
      ['UnusedSecret', 'error'],
    ]);
    const unusedSecret = rules[4]!;
    expect(unusedSecret.shortDescription.text).toBe('Secrets attached but never read.');
    expect(unusedSecret.fullDescription.text).toBe('Checks for secrets that are attached but never read.');
    expect(unusedSecret.helpUri).toBe('https://modal.com/docs/guide/secrets');
    expect(unusedSecret.properties).toEqual({ tags: ['style', 'modal'], precision: 'high', category: 'style' });
    expect(rules[3]!.properties.precision).toBe('medium');
  });

  it("gives security rules GitHub's security-severity as a one-decimal string", () => {
    const report = sampleReport();
    report.rules = report.rules.map((rule) =>
      rule.id === 'unused-secret' ? { ...rule, category: 'security', tags: ['security'], securitySeverity: 8 } : rule);
    const { rules } = onlyRun(sarifOf(report)).tool.driver;
    expect(rules[4]!.properties).toEqual({ tags: ['security'], precision: 'high', category: 'security', 'security-severity': '8.0' });
    expect(rules[0]!.properties).not.toHaveProperty('security-severity');
  });

  it('builds help text and markdown from the rule docs', () => {
    const { rules } = onlyRun(sarifOf(sampleReport())).tool.driver;
    const { help } = rules[4]!;
    expect(help.text).toBe(
      [
        'Checks for secrets that are attached but never read.',
        'Why is this bad?\nEvery attached secret widens what a compromised container can reach.',
        'Example:\n@app.function(secrets=[modal.Secret.from_name("s")])\ndef f():\n    return "``` not a fence"',
        'Use instead:\n@app.function()\ndef f():\n    ...',
        'Fix safety:\nUnsafe: the secret may be read through `os.environ` indirectly.',
        'See: https://modal.com/docs/guide/secrets',
      ].join('\n\n'),
    );
    expect(help.markdown).toBe(
      [
        '## What it does\nChecks for secrets that are attached but never read.',
        '## Why is this bad?\nEvery attached secret widens what a compromised container can reach.',
        // The example holds a triple backtick, so its fence needs four.
        '## Example\n````python\n@app.function(secrets=[modal.Secret.from_name("s")])\ndef f():\n    return "``` not a fence"\n````',
        '## Use instead\n```python\n@app.function()\ndef f():\n    ...\n```',
        '## Fix safety\nUnsafe: the secret may be read through `os.environ` indirectly.',
        '## References\n- [Modal documentation](https://modal.com/docs/guide/secrets)',
      ].join('\n\n'),
    );
    expect(rules[0]!.help.markdown).not.toContain('## Fix safety');
  });

  it('points each result at its rule, level, file and exclusive region', () => {
    const run = onlyRun(sarifOf(sampleReport()));
    const summary = run.results.map((result) => ({
      ruleId: result.ruleId,
      rule: run.tool.driver.rules[result.ruleIndex]!.id,
      ruleIndex: result.ruleIndex,
      level: result.level,
      artifact: result.locations[0]!.physicalLocation.artifactLocation,
      region: result.locations[0]!.physicalLocation.region,
    }));
    const cafe = { uri: 'apps/my%20app/caf%C3%A9.py', uriBaseId: '%SRCROOT%' };
    const unicode = { uri: 'apps/unicode.py', uriBaseId: '%SRCROOT%' };
    expect(summary).toEqual([
      {
        ruleId: 'missing-timeout',
        rule: 'missing-timeout',
        ruleIndex: 1,
        level: 'warning',
        artifact: cafe,
        region: { startLine: 6, startColumn: 1, endLine: 6, endColumn: 16 },
      },
      {
        ruleId: 'blocking-call-in-async',
        rule: 'blocking-call-in-async',
        ruleIndex: 0,
        level: 'error',
        artifact: cafe,
        region: { startLine: 8, startColumn: 2, endLine: 8, endColumn: 15 },
      },
      {
        ruleId: 'remote-call-at-import',
        rule: 'remote-call-at-import',
        ruleIndex: 2,
        level: 'warning',
        artifact: unicode,
        // UTF-16 columns: the emoji before the span counts as two.
        region: { startLine: 2, startColumn: 17, endLine: 2, endColumn: 28 },
      },
      {
        ruleId: 'unbounded-map',
        rule: 'unbounded-map',
        ruleIndex: 3,
        level: 'note',
        artifact: unicode,
        region: { startLine: 3, startColumn: 10, endLine: 5, endColumn: 2 },
      },
    ]);
    expect(run.results[0]!.message.text).toBe('No timeout: a hung call keeps 100% of a GPU, billed\r\nuntil the default limit');
  });

  it('emits no fingerprints', () => {
    expect(formatReport(sampleReport(), 'sarif', { color: false })).not.toMatch(/fingerprint|primaryLocationLineHash/i);
  });

  it('marks the run unsuccessful and reports failures and notices as notifications', () => {
    const [invocation, ...others] = onlyRun(sarifOf(sampleReport())).invocations;
    expect(others).toEqual([]);
    expect(invocation).toEqual({
      executionSuccessful: false,
      toolExecutionNotifications: [
        {
          level: 'warning',
          message: { text: 'invalid UTF-8 replaced with U+FFFD' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'apps/unicode.py', uriBaseId: '%SRCROOT%' } } }],
        },
        {
          level: 'error',
          message: { text: "EACCES: permission denied, open 'data/report,v2.py'" },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'data/report%2Cv2.py', uriBaseId: '%SRCROOT%' } } }],
        },
      ],
    });
  });

  it('marks a run without failures successful', () => {
    const withoutFailure = makeReport(sampleReport().files.filter((file) => file.failure === undefined));
    expect(onlyRun(sarifOf(withoutFailure)).invocations[0]!.executionSuccessful).toBe(true);
    const clean = onlyRun(sarifOf(cleanReport()));
    expect(clean.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
    expect(clean.results).toEqual([]);
    expect(onlyRun(sarifOf(makeReport([failedFile()]))).invocations[0]!.executionSuccessful).toBe(false);
  });

  it('gives files outside the root an absolute file URI without a base', () => {
    const outside = { ...cafeFile(), path: '/tmp/other dir/café.py', relativePath: '../../tmp/other dir/café.py' };
    const sibling = { ...cleanFile(), path: '/srv/project-old/x.py', relativePath: '../project-old/x.py', failure: 'gone' };
    const run = onlyRun(sarifOf(makeReport([outside, sibling])));
    expect(run.results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({
      uri: 'file:///tmp/other%20dir/caf%C3%A9.py',
    });
    expect(run.invocations[0]!.toolExecutionNotifications[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({
      uri: 'file:///srv/project-old/x.py',
    });
  });

  it('encodes each path segment but keeps the separators', () => {
    const odd = { ...cleanFile(), path: '/srv/project/a b/#1?/100%/ü.py', relativePath: 'a b/#1?/100%/ü.py', failure: 'x' };
    const run = onlyRun(sarifOf(makeReport([odd])));
    expect(run.invocations[0]!.toolExecutionNotifications[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({
      uri: 'a%20b/%231%3F/100%25/%C3%BC.py',
      uriBaseId: '%SRCROOT%',
    });
  });

  it('keeps a single trailing slash on the root URI', () => {
    const report = { ...cleanReport(), root: '/srv/project/' };
    expect(onlyRun(sarifOf(report)).originalUriBaseIds['%SRCROOT%']).toEqual({ uri: 'file:///srv/project/' });
  });

  it('refuses a diagnostic whose rule is not in the report', () => {
    const file = cafeFile();
    file.diagnostics[0]!.ruleId = 'not-a-rule';
    expect(() => formatReport(makeReport([file]), 'sarif', { color: false })).toThrow(/not-a-rule/);
  });

  it('validates a report with no files and no rules', () => {
    const empty: LintReport = { root: '/srv/project', files: [], rules: [], severities: {}, toolVersion: '1.2.3-beta.1' };
    expect(onlyRun(sarifOf(empty)).tool.driver.rules).toEqual([]);
  });
});

describe('pascalCase', () => {
  it('joins the words of a rule id', () => {
    expect(pascalCase('blocking-call-in-async')).toBe('BlockingCallInAsync');
    expect(pascalCase('gpu_type__string')).toBe('GpuTypeString');
    expect(pascalCase('h100-only')).toBe('H100Only');
  });
});

/**
 * GitHub code scanning's documented limits ("SARIF support for code scanning" and "SARIF results
 * exceed one or more limits" on docs.github.com): `fullDescription.text` at most 1,000
 * characters; 20 tags per rule at most, of which only 10 are kept; 25,000 rules per run;
 * `shortDescription.text`, `fullDescription.text` and `help.text` required; `precision` one of
 * four values; `security-severity` a number from 0.0 to 10.0.
 */
describe("every rule's SARIF metadata within GitHub code scanning's limits", () => {
  const report: LintReport = { root: '/srv/project', files: [], rules: [...ALL_RULE_META], severities: {}, toolVersion: '0.1.0' };
  const { rules } = onlyRun(sarifOf(report)).tool.driver;

  it('describes every rule the tool has, within the rules-per-run limit', () => {
    expect(rules.map((rule) => rule.id)).toEqual(ALL_RULE_META.map((rule) => rule.id));
    expect(rules.length).toBeLessThanOrEqual(25_000);
  });

  for (const rule of rules) {
    it(`${rule.id}`, () => {
      expect(rule.shortDescription.text.trim()).not.toBe('');
      expect(rule.fullDescription.text.trim()).not.toBe('');
      expect(rule.fullDescription.text.length).toBeLessThanOrEqual(FULL_DESCRIPTION_LIMIT);
      expect(rule.help.text.trim()).not.toBe('');
      expect(rule.help.markdown.trim()).not.toBe('');
      // The whole description is kept in the help, even when the full description is cut.
      const meta = ALL_RULE_META.find((candidate) => candidate.id === rule.id)!;
      expect(rule.help.text).toContain(meta.docs.what);
      expect(rule.help.markdown).toContain(meta.docs.what);
      expect(rule.properties.tags.length).toBeLessThanOrEqual(10);
      expect(new Set(rule.properties.tags).size).toBe(rule.properties.tags.length);
      expect(['very-high', 'high', 'medium', 'low']).toContain(rule.properties.precision);
      const securitySeverity = rule.properties['security-severity'];
      if (securitySeverity !== undefined) {
        expect(securitySeverity).toMatch(/^\d+(\.\d)?$/);
        expect(Number(securitySeverity)).toBeGreaterThanOrEqual(0);
        expect(Number(securitySeverity)).toBeLessThanOrEqual(10);
      }
    });
  }
});

describe('full description cut to fit', () => {
  const meta = (what: string): RuleMeta => ({ ...ALL_RULE_META[0]!, docs: { ...ALL_RULE_META[0]!.docs, what } });

  it('keeps a text that fits as it is', () => {
    expect(fullDescriptionText(meta('Checks one thing. Then another.'))).toBe('Checks one thing. Then another.');
  });

  it('keeps the leading sentences that fit and points at the help', () => {
    const sentence = `Checks ${'x'.repeat(290)} here.`;
    const text = fullDescriptionText(meta([sentence, sentence, sentence, sentence].join(' ')));
    expect(text).toBe(`${[sentence, sentence, sentence].join(' ')} The rule help has the full description.`);
    expect(text.length).toBeLessThanOrEqual(FULL_DESCRIPTION_LIMIT);
  });

  it('cuts one overlong sentence at a word boundary', () => {
    const text = fullDescriptionText(meta(`Checks ${'word '.repeat(400)}end.`));
    expect(text.length).toBeLessThanOrEqual(FULL_DESCRIPTION_LIMIT);
    expect(text).toMatch(/word… The rule help has the full description\.$/);
  });
});
