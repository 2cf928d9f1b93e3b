import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, type LintSettings } from '../src/engine/lint.js';
import { renderRuleMarkdown, renderRuleTable } from '../src/docs/render.js';
import { RULES } from '../src/rules/index.js';

const SOURCE = [
  'import modal',
  '',
  'app = modal.App("image resizer")',
  'data = modal.Volume.from_name("raw data")',
  '',
].join('\n');

async function severities(configured: LintSettings['severities']): Promise<string[]> {
  const file = path.resolve('/virtual/app.py');
  const report = await lint([{ path: file, text: SOURCE }], {
    root: path.dirname(file), toolVersion: 'test', select: ['invalid-object-name'], ignore: [], severities: configured, ruleOptions: {}, ignoredForFile: () => new Set(),
  });
  return report.files[0]!.diagnostics.map((d) => `${d.range.start.line}:${d.severity}`);
}

describe('message severities', () => {
  it("a message's own default severity applies when the configuration does not set the rule's", async () => {
    expect(await severities({})).toEqual(['3:warning', '4:error']);
  });

  it("a severity configured for the rule applies to every message", async () => {
    expect(await severities({ 'invalid-object-name': 'error' })).toEqual(['3:error', '4:error']);
    expect(await severities({ 'invalid-object-name': 'info' })).toEqual(['3:info', '4:info']);
  });

  it('the docs name both severities and list the messages with their own', () => {
    const rule = RULES.find((candidate) => candidate.id === 'invalid-object-name')!;
    const page = renderRuleMarkdown(rule);
    expect(page).toContain('Default severity: error / warning');
    expect(page).toContain('## Severity');
    expect(page).toContain(`- warning: ${rule.messages.atDeploy}`);
    expect(renderRuleTable([rule])).toContain('| correctness | error / warning |');
  });
});

describe('serialized-web-endpoint: the certain failure and the convention', () => {
  it('reports the convention as a warning and the certain failure as an error, each with its own message', async () => {
    const dir = path.resolve(import.meta.dirname, '../fixtures/serialized-web-endpoint');
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.py')).map((name) => ({ path: path.join(dir, name) }));
    const report = await lint(files, {
      root: dir, toolVersion: 'test', select: ['serialized-web-endpoint'], ignore: [], severities: {}, ruleOptions: {}, ignoredForFile: () => new Set(),
    });
    const findings = report.files.flatMap((file) => file.diagnostics.map((d) => ({ file: path.relative(dir, file.path), severity: d.severity, message: d.message })));
    const convention = findings.filter((f) => f.file.startsWith('fail_convention'));
    const failures = findings.filter((f) => !f.file.startsWith('fail_convention'));
    expect(convention.length).toBeGreaterThanOrEqual(9);
    expect(failures.length).toBeGreaterThanOrEqual(8);
    for (const finding of convention) {
      expect(finding.severity).toBe('warning');
      expect(finding.message).toMatch(/^`serialized=True` on web endpoint `\w+`: .*web endpoints are not serialized by convention/);
    }
    for (const finding of failures) {
      expect(finding.severity).toBe('error');
      expect(finding.message).toMatch(/its pickled code refers to .* so the web app fails with/);
    }
  });
});
