import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBundle, temporaryFolders, writeTree } from './helpers/run-cli.js';

/**
 * The fixes in JSON (Ruff's shape: `applicability`, `edits` with `content`, `location`,
 * `end_location`) and SARIF (`fixes` with `artifactChanges`) are complete: applying their edits
 * to the file gives exactly what `--fix` (or `--fix --unsafe-fixes`) writes.
 */

const folders = temporaryFolders('modal-lint-fix-output-');
afterAll(() => folders.cleanup());

const APP = [
  'import modal',
  '',
  'label = "café ☕"; stub = modal.Stub("fix-demo")',
  '',
  '',
  '@stub.function(keep_warm=1, concurrency_limit=2)  # naïve ☕',
  'def work():',
  '    pass',
  '',
  '',
  '@stub.function(container_idle_timeout=30)',
  'def other():',
  '    f = modal.Function.lookup("other-app", "work")',
  '    return f.call(1)',
  '',
].join('\r\n');

interface Edit {
  content: string;
  start: { line: number; column: number };
  end: { line: number; column: number };
}

/** Applies edits located by 1-based line and UTF-16 column, the last first. */
function applyEdits(source: string, edits: Edit[]): string {
  const lineStarts = [0];
  for (const match of source.matchAll(/\r\n|\r|\n/g)) lineStarts.push(match.index! + match[0].length);
  const offset = (position: { line: number; column: number }): number => lineStarts[position.line - 1]! + position.column - 1;
  const sorted = [...edits].sort((a, b) => offset(b.start) - offset(a.start));
  let text = source;
  for (const edit of sorted) text = text.slice(0, offset(edit.start)) + edit.content + text.slice(offset(edit.end));
  return text;
}

interface JsonReport {
  results: Array<{ fix: null | { applicability: 'safe' | 'unsafe'; message: string; edits: Array<{ content: string; location: { row: number; column: number }; end_location: { row: number; column: number } }> } }>;
}

interface SarifReport {
  runs: Array<{
    results: Array<{
      fixes?: Array<{
        description: { text: string };
        properties: { applicability: 'safe' | 'unsafe' };
        artifactChanges: Array<{ artifactLocation: { uri: string }; replacements: Array<{ deletedRegion: { startLine: number; startColumn: number; endLine: number; endColumn: number }; insertedContent: { text: string } }> }>;
      }>;
    }>;
  }>;
}

function jsonEdits(report: JsonReport, unsafe: boolean): Edit[] {
  return report.results.flatMap((result) =>
    result.fix && (unsafe || result.fix.applicability === 'safe')
      ? result.fix.edits.map((edit) => ({ content: edit.content, start: { line: edit.location.row, column: edit.location.column }, end: { line: edit.end_location.row, column: edit.end_location.column } }))
      : [],
  );
}

function sarifEdits(report: SarifReport, unsafe: boolean): Edit[] {
  return report.runs[0]!.results.flatMap((result) =>
    (result.fixes ?? [])
      .filter((fix) => unsafe || fix.properties.applicability === 'safe')
      .flatMap((fix) => fix.artifactChanges.flatMap((change) => change.replacements))
      .map((replacement) => ({
        content: replacement.insertedContent.text,
        start: { line: replacement.deletedRegion.startLine, column: replacement.deletedRegion.startColumn },
        end: { line: replacement.deletedRegion.endLine, column: replacement.deletedRegion.endColumn },
      })),
  );
}

function fixedByCli(unsafe: boolean): string {
  const dir = writeTree(folders.make(), { 'app.py': APP });
  const result = runBundle(['--no-cache', '--fix', ...(unsafe ? ['--unsafe-fixes'] : []), 'app.py'], { cwd: dir });
  expect(result.code, result.stderr).not.toBe(2);
  return fs.readFileSync(path.join(dir, 'app.py'), 'utf8');
}

describe('fix edits in machine output', () => {
  const dir = writeTree(folders.make(), { 'app.py': APP });
  const json = JSON.parse(runBundle(['--no-cache', '-f', 'json', 'app.py'], { cwd: dir }).stdout) as JsonReport;
  const sarif = JSON.parse(runBundle(['--no-cache', '-f', 'sarif', 'app.py'], { cwd: dir }).stdout) as SarifReport;

  it('carries safe and unsafe fixes, each with edits', () => {
    const fixes = json.results.flatMap((result) => (result.fix ? [result.fix] : []));
    expect(fixes.filter((fix) => fix.applicability === 'safe').length).toBeGreaterThanOrEqual(3);
    expect(fixes.filter((fix) => fix.applicability === 'unsafe').length).toBeGreaterThanOrEqual(1);
    for (const fix of fixes) expect(fix.edits.length).toBeGreaterThan(0);
    const sarifFixes = sarif.runs[0]!.results.flatMap((result) => result.fixes ?? []);
    expect(sarifFixes.length).toBe(fixes.length);
    for (const fix of sarifFixes) expect(fix.artifactChanges[0]!.artifactLocation.uri).toBe('app.py');
  });

  for (const unsafe of [false, true]) {
    const mode = unsafe ? '--fix --unsafe-fixes' : '--fix';
    it(`JSON edits reproduce ${mode}`, () => {
      const expected = fixedByCli(unsafe);
      expect(expected).not.toBe(APP);
      expect(applyEdits(APP, jsonEdits(json, unsafe))).toBe(expected);
    });
    it(`SARIF artifactChanges reproduce ${mode}`, () => {
      expect(applyEdits(APP, sarifEdits(sarif, unsafe))).toBe(fixedByCli(unsafe));
    });
  }
});

describe('suggestions that come with a fix, or without one', () => {
  const SOURCE = [
    'import modal',
    '',
    'app = modal.App("kw-demo")',
    '',
    '',
    '@app.function(retry=3)',
    'def one():',
    '    pass',
    '',
    '',
    '@app.function(retry=3, retries=2)',
    'def two():',
    '    pass',
    '',
    '',
    '@app.function(gpu="A100-80G")',
    'def three():',
    '    pass',
    '',
  ].join('\n');

  it('an unknown keyword with one close match gets an unsafe rename, unless the call passes that keyword already', () => {
    const dir = writeTree(folders.make(), { 'app.py': SOURCE });
    const json = JSON.parse(runBundle(['--no-cache', '-f', 'json', 'app.py'], { cwd: dir }).stdout) as { results: Array<{ line: number; ruleId: string; message: string; fix: JsonReport['results'][number]['fix'] }> };
    const retry = json.results.filter((result) => result.ruleId === 'unknown-modal-api');
    expect(retry.map((result) => result.line)).toEqual([6, 11]);
    expect(retry[0]!.fix).toEqual(expect.objectContaining({ applicability: 'unsafe', message: 'Rename `retry=` to `retries=`' }));
    expect(retry[1]!.fix).toBeNull();
    expect(retry[1]!.message).toContain('did you mean `retries=`?');

    // --fix alone leaves it; --unsafe-fixes renames the one that can be renamed.
    runBundle(['--no-cache', '--fix', 'app.py'], { cwd: dir });
    expect(fs.readFileSync(path.join(dir, 'app.py'), 'utf8')).toBe(SOURCE);
    runBundle(['--no-cache', '--fix', '--unsafe-fixes', 'app.py'], { cwd: dir });
    expect(fs.readFileSync(path.join(dir, 'app.py'), 'utf8')).toBe(SOURCE.replace('@app.function(retry=3)\n', '@app.function(retries=3)\n'));
  });

  it('a near-miss GPU name suggests the type it misses by one letter', () => {
    const dir = writeTree(folders.make(), { 'app.py': SOURCE });
    const result = runBundle(['--no-cache', '-f', 'concise', 'app.py'], { cwd: dir });
    expect(result.stdout).toContain('Unknown GPU type `A100-80G` in "A100-80G" (did you mean `A100-80GB`?)');
  });
});

describe('advice that fits how the image is built', () => {
  it('an image built from a requirements file: add the package there', () => {
    const app = [
      'import modal',
      '',
      'image = modal.Image.debian_slim().pip_install_from_requirements("requirements.txt")',
      'inline = modal.Image.debian_slim().uv_pip_install("numpy")',
      'app = modal.App("req-advice")',
      '',
      '',
      '@app.function(image=image)',
      'def from_file():',
      '    import requests',
      '',
      '',
      '@app.function(image=inline)',
      'def from_list():',
      '    import requests',
      '',
    ].join('\n');
    const dir = writeTree(folders.make(), { 'app.py': app, 'requirements.txt': 'numpy==2.1.0\n' });
    const lines = runBundle(['--no-cache', '-f', 'concise', 'app.py'], { cwd: dir }).stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^app\.py:10:12: error \[missing-image-package\] .* The image installs from `requirements\.txt`: add `requests` there\.$/),
      expect.stringMatching(/^app\.py:15:12: error \[missing-image-package\] .* Add it to the image, for example `\.uv_pip_install\("requests"\)`\.$/),
    ]);
  });
});
