import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from './helpers/run-cli.js';

/** `npm test` leaves the system alone: no test runs a system or Python package installer (.ci/run installs what CI needs). */

function testSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__snapshots__' ? [] : testSources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** A spawn of an installer: `spawnSync('apt-get', ...)`, `run('pip', ['install' ...])`, `python3 -m pip install`. */
const INSTALLER_CALL = /\b(?:spawn|spawnSync|execFile|execFileSync|exec|execSync|run|succeeds)\(\s*['"`](?:apt-get|apt|dpkg|pip3?|pipx|brew|dnf|yum|apk)['"`]|['"`]-m['"`]\s*,\s*['"`]pip['"`]/;

describe('tests install nothing', () => {
  it('no test file starts apt-get, pip or another installer', () => {
    const offenders = testSources(path.join(REPOSITORY_ROOT, 'test'))
      .filter((file) => file !== path.join(REPOSITORY_ROOT, 'test', 'hermetic.test.ts'))
      .filter((file) => INSTALLER_CALL.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(REPOSITORY_ROOT, file));
    expect(offenders).toEqual([]);
  });

  it('the pattern finds the installs the Neovim and pre-commit tests used to run', () => {
    expect(INSTALLER_CALL.test("const install = run('apt-get', ['install', '-y', 'neovim'], { env });")).toBe(true);
    expect(INSTALLER_CALL.test("spawnSync('pip', ['install', 'x'])")).toBe(true);
    expect(INSTALLER_CALL.test("spawnSync('python3', ['-m', 'pip', 'install', 'x'])")).toBe(true);
    expect(INSTALLER_CALL.test("readShellCommand('apt-get update && pip install six')")).toBe(false);
  });
});
