import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FORMAT_NAMES,
  formatConcise,
  formatGithub,
  formatGitlab,
  formatJson,
  formatJunit,
  formatReport,
  formatSarif,
  formatText,
  isFormatName,
} from '../src/reporters/index.js';
import { sampleReport } from './helpers/sample-report.js';

describe('formatReport', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('knows the seven formats', () => {
    expect(FORMAT_NAMES).toEqual(['text', 'concise', 'json', 'sarif', 'github', 'gitlab', 'junit']);
    expect(isFormatName('sarif')).toBe(true);
    expect(isFormatName('xml')).toBe(false);
  });

  it('dispatches to the formatter of each format', () => {
    const report = sampleReport();
    expect(formatReport(report, 'text', { color: false })).toBe(formatText(report, { color: false }));
    expect(formatReport(report, 'concise', { color: false })).toBe(formatConcise(report));
    expect(formatReport(report, 'json', { color: false })).toBe(formatJson(report));
    expect(formatReport(report, 'sarif', { color: false })).toBe(formatSarif(report));
    expect(formatReport(report, 'github', { color: false })).toBe(formatGithub(report));
    expect(formatReport(report, 'gitlab', { color: false })).toBe(formatGitlab(report));
    expect(formatReport(report, 'junit', { color: false })).toBe(formatJunit(report));
  });

  it('depends on the report and options only, not on the environment', () => {
    const before = FORMAT_NAMES.map((format) => formatReport(sampleReport(), format, { color: true }));
    vi.stubEnv('NO_COLOR', '1');
    vi.stubEnv('FORCE_COLOR', '0');
    vi.stubEnv('TERM', 'dumb');
    vi.stubEnv('CI', 'true');
    const after = FORMAT_NAMES.map((format) => formatReport(sampleReport(), format, { color: true }));
    expect(after).toEqual(before);
  });

  it('leaves the report untouched', () => {
    const report = sampleReport();
    const copy = structuredClone(report);
    for (const format of FORMAT_NAMES) formatReport(report, format, { color: true });
    expect(report).toEqual(copy);
  });
});
