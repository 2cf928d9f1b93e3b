import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FORMAT_NAMES } from '../src/reporters/index.js';
import { cleanEnv, REPOSITORY_ROOT } from './helpers/run-cli.js';
import { expectHeavyFinding, HEAVY, jsonOf, runCli, treeMaker, type JsonReport } from './helpers/robustness.js';
import { validateSarif } from './helpers/sarif-schema.js';

/**
 * What a linted tree or its config can make modal-lint do: never run code, never touch the
 * network, never write (or name in a report) a path outside what it was asked to lint, never
 * hang on a pattern, and never let its cache folder write elsewhere.
 */

const trees = treeMaker('modal-lint-security-');
afterAll(trees.cleanup);

/** A CommonJS preload for NODE_OPTIONS=--require, kept outside the linted tree. */
function preload(name: string, code: string): string {
  const file = path.join(trees.make(), name);
  fs.writeFileSync(file, code);
  return file;
}

/** Every way Node starts a process, runs a shell or reaches the network, each logged to `log` and refused. */
function denyHook(log: string): string {
  return preload('deny.cjs', `
    const fs = require('node:fs');
    const { threadId } = require('node:worker_threads');
    const LOG = ${JSON.stringify(log)};
    fs.appendFileSync(LOG, 'loaded in thread ' + threadId + '\\n');
    function deny(module, name) {
      const original = module[name];
      if (typeof original !== 'function') return;
      module[name] = function () {
        fs.appendFileSync(LOG, 'DENIED ' + name + '\\n');
        throw new Error('modal-lint security test: ' + name + ' is not allowed');
      };
    }
    const childProcess = require('node:child_process');
    for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) deny(childProcess, name);
    const net = require('node:net');
    for (const name of ['connect', 'createConnection', 'createServer']) deny(net, name);
    deny(net.Socket.prototype, 'connect');
    deny(require('node:tls'), 'connect');
    for (const module of [require('node:http'), require('node:https')]) for (const name of ['request', 'get', 'createServer']) deny(module, name);
    const dns = require('node:dns');
    for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) { deny(dns, name); deny(dns.promises, name); }
    deny(require('node:dgram'), 'createSocket');
    deny(globalThis, 'fetch');
    deny(require('node:vm'), 'runInNewContext');
  `);
}

function logLines(log: string): string[] {
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
}

const pythonAvailable = spawnSync('python3', ['-c', 'print(1)'], { encoding: 'utf8' }).status === 0;

describe('no code from linted files or config is ever executed', () => {
  it('the deny hook itself works: it logs and refuses a child process and a fetch', () => {
    const log = path.join(trees.make(), 'hook.log');
    const hook = denyHook(log);
    const probe = spawnSync(process.execPath, ['-e', "try { require('child_process').execSync('true') } catch {} ; try { fetch('http://127.0.0.1:9') } catch {}"], {
      env: cleanEnv({ NODE_OPTIONS: `--require ${hook}` }),
      encoding: 'utf8',
    });
    expect(probe.status).toBe(0);
    expect(logLines(log)).toEqual(['loaded in thread 0', 'DENIED execSync', 'DENIED fetch']);
  });

  it('files that write a marker when imported or run, and config values that look like code, never run (every format, and --fix)', () => {
    const root = trees.make();
    const markers = path.join(trees.make(), 'markers');
    fs.mkdirSync(markers);
    const touch = (name: string) => `open(${JSON.stringify(path.join(markers, name))}, "w").write("ran")`;
    const files: Record<string, string> = {
      'heavy.py': HEAVY,
      'app.py': `import modal\n${touch('app')}\n__import__("os").system("touch ${path.join(markers, 'system')}")\napp = modal.App("keep-warm")\n\n\n@app.function(keep_warm=1)\ndef f() -> None: ...\n\nif __name__ == "__main__":\n    ${touch('main')}\n`,
      'setup.py': `import modal\n${touch('setup')}\n`,
      'conftest.py': `import modal\n${touch('conftest')}\n`,
      'sitecustomize.py': `import modal\n${touch('sitecustomize')}\n`,
      'pkg/__init__.py': `import modal\n${touch('init')}\n`,
      'pkg/__main__.py': `import modal\n${touch('dunder_main')}\n`,
      'modal.py': `${touch('shadow_modal')}\n`,
      'types.pyi': `import modal\n${touch('stub')}\n`,
      'pyproject.toml': [
        '[tool.modal-lint]',
        `extend-exclude = ["$(touch ${path.join(markers, 'shell')})", "\`touch ${path.join(markers, 'backtick')}\`", "'); require('fs').writeFileSync('${path.join(markers, 'js')}', 'x'); ('"]`,
        '[tool.modal-lint.per-file-ignores]',
        `"\${process.exit(9)}" = ["kebab-case-name"]`,
        `"__import__('os').system('touch ${path.join(markers, 'pfi')}')" = ["kebab-case-name"]`,
        '[tool.modal-lint.rules]',
        `heavy-import-at-module-level = { severity = "error", extend-packages = ["__import__('os').system('touch ${path.join(markers, 'option')}')", "\${require('fs').writeFileSync('${path.join(markers, 'template')}', 'x')}"] }`,
        '',
      ].join('\n'),
    };
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), content);
    }
    const log = path.join(trees.make(), 'deny.log');
    const env = cleanEnv({ NODE_OPTIONS: `--require ${denyHook(log)}` });
    for (const format of FORMAT_NAMES) expect(runCli(['--no-cache', '--format', format, '.'], { cwd: root, env }).code, format).toBe(1);
    const fixed = runCli(['--fix', '--unsafe-fixes', '--format', 'json', '.'], { cwd: root, env });
    expect(fixed.code).toBe(1);
    expectHeavyFinding(jsonOf(fixed));
    expect(fs.readFileSync(path.join(root, 'app.py'), 'utf8')).toContain('min_containers=1');
    const stdin = runCli(['--stdin-filename', 'app.py', '--format', 'json'], { cwd: root, env, input: files['app.py'] });
    expect(stdin.code).toBe(1);
    expect(fs.readdirSync(markers)).toEqual([]);
    expect(logLines(log).filter((line) => !line.startsWith('loaded'))).toEqual([]);
    if (!pythonAvailable) console.log('security: python3 is not installed here, so the markers prove less; the child-process deny hook still shows nothing was started');
  });
});

describe('no network access', () => {
  it('linting, reporting and fixing examples/ attempts no connection, DNS lookup or process', () => {
    const examples = trees.make();
    fs.cpSync(path.join(REPOSITORY_ROOT, 'examples'), examples, { recursive: true });
    const log = path.join(trees.make(), 'deny.log');
    const env = cleanEnv({ NODE_OPTIONS: `--require ${denyHook(log)}` });
    for (const format of FORMAT_NAMES) {
      const run = runCli(['--format', format, '.'], { cwd: examples, env });
      expect(run.code, format).toBe(1);
    }
    expect(runCli(['--fix', '--unsafe-fixes', '.'], { cwd: examples, env }).code).toBe(1);
    expect(runCli(['--diff', '.'], { cwd: examples, env }).code).toBeLessThanOrEqual(1);
    const lines = logLines(log);
    expect(lines.filter((line) => !line.startsWith('loaded'))).toEqual([]);
    expect(lines.length).toBeGreaterThan(0);
  });

  it('worker threads are covered too: a run big enough to use them attempts nothing', () => {
    const dir = trees.make({ 'heavy.py': HEAVY });
    const body = Array.from({ length: 6000 }, (_, i) => `def handler_${i}(x):\n    return x + ${i}\n\n`).join('');
    for (const name of ['a.py', 'b.py', 'c.py']) fs.writeFileSync(path.join(dir, name), `import modal\n${body}`);
    const log = path.join(trees.make(), 'deny.log');
    const run = runCli(['--no-cache', '--format', 'json', '.'], { cwd: dir, env: cleanEnv({ NODE_OPTIONS: `--require ${denyHook(log)}`, MODAL_LINT_THREADS: '3' }) });
    expect(run.code).toBe(1);
    expectHeavyFinding(jsonOf(run));
    const lines = logLines(log);
    expect(lines.filter((line) => !line.startsWith('loaded'))).toEqual([]);
    // The hook was loaded in the worker threads as well, so their silence means something.
    expect(lines.some((line) => /^loaded in thread [1-9]/.test(line))).toBe(true);
  });
});

describe('report paths and written files stay inside what was asked for', () => {
  /** Every path-like value of every format, for a run over `args`. */
  function reportedPaths(cwd: string, args: string[]): { relative: string[]; uris: Array<{ uri: string; uriBaseId?: string }> } {
    const relative: string[] = [];
    const output = (format: string): string => {
      const run = runCli(['--no-cache', '--format', format, ...args], { cwd });
      expect(run.code, format).toBe(1);
      return run.stdout;
    };
    const json = JSON.parse(output('json')) as JsonReport;
    relative.push(...json.results.map((r) => r.file), ...json.failures.map((f) => f.file), ...json.notices.map((n) => n.file));
    const gitlab = JSON.parse(output('gitlab')) as Array<{ location: { path: string } }>;
    relative.push(...gitlab.map((issue) => issue.location.path));
    relative.push(...[...output('github').matchAll(/file=([^,]*),/g)].map((match) => decodeURIComponent(match[1]!)));
    relative.push(...[...output('junit').matchAll(/ file="([^"]*)"/g)].map((match) => match[1]!));
    const sarif = JSON.parse(output('sarif'));
    expect(validateSarif(sarif)).toEqual([]);
    const uris = [
      ...sarif.runs[0].results.map((r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }> }) => r.locations[0]!.physicalLocation.artifactLocation),
      ...sarif.runs[0].invocations[0].toolExecutionNotifications.map((n: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }> }) => n.locations[0]!.physicalLocation.artifactLocation),
    ];
    return { relative: [...new Set(relative)].sort(), uris };
  }

  it("a linted file's content cannot put a `../../etc/passwd` path into a report or make the run write there", () => {
    const parent = trees.make();
    const root = path.join(parent, 'project');
    const hostile = [
      'import modal',
      'from ........etc import passwd',
      'from ..........etc.passwd import shadow',
      'import etc.passwd',
      'app = modal.App("../../etc/passwd")  # modal-lint: ignore[../../etc/passwd]',
      'image = modal.Image.debian_slim().add_local_file("../../etc/passwd", "/etc/passwd")',
      'vol = modal.Volume.from_name("../../../etc/passwd")',
      '# modal-lint: file-ignore[../../../../etc/passwd]',
      '',
      '@app.function(keep_warm=1, volumes={"/../../etc": vol})',
      'def f() -> None: ...',
      '',
    ].join('\n');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'hostile.py'), hostile);
    fs.writeFileSync(path.join(root, 'heavy.py'), HEAVY);
    fs.writeFileSync(path.join(parent, 'outside.py'), HEAVY);
    const passwd = fs.statSync('/etc/passwd');
    const { relative, uris } = reportedPaths(root, ['.']);
    expect(relative).toEqual(['heavy.py', 'hostile.py']);
    for (const { uri, uriBaseId } of uris) {
      expect(uriBaseId).toBe('%SRCROOT%');
      expect(['heavy.py', 'hostile.py']).toContain(uri);
    }
    const before = fs.readdirSync(parent).sort();
    expect(runCli(['--fix', '--unsafe-fixes', '.'], { cwd: root }).code).toBe(1);
    expect(fs.readdirSync(parent).sort()).toEqual(before);
    expect(fs.readFileSync(path.join(parent, 'outside.py'), 'utf8')).toBe(HEAVY);
    expect(fs.statSync('/etc/passwd').mtimeMs).toBe(passwd.mtimeMs);
    expect(fs.readdirSync(root).sort()).toEqual(['.modal-lint-cache', 'heavy.py', 'hostile.py']);
  });

  it('a file outside the root is named by its absolute file:// URI in SARIF, never by a `../` path', () => {
    const parent = trees.make({ 'outside/app.py': HEAVY, 'project/heavy.py': HEAVY });
    const root = path.join(parent, 'project');
    const { uris } = reportedPaths(root, ['.', '../outside/app.py']);
    for (const location of uris) {
      if (location.uriBaseId === '%SRCROOT%') {
        expect(location.uri.split('/')).not.toContain('..');
        expect(location.uri).not.toMatch(/^[a-z]+:|^\//i);
      } else {
        expect(location.uri).toMatch(/^file:\/\//);
        expect(fileURLToPath(location.uri)).toBe(path.join(parent, 'outside', 'app.py'));
      }
    }
    expect(uris.map((location) => location.uri).sort()).toEqual([new URL(`file://${path.join(parent, 'outside', 'app.py')}`).href, 'heavy.py'].sort());
  });

  it('`-o ../report.sarif` writes exactly the file the user asked for, and nothing else outside the root', () => {
    const parent = trees.make({ 'project/heavy.py': HEAVY });
    const root = path.join(parent, 'project');
    const run = runCli(['--no-cache', '--format', 'sarif', '-o', '../report.sarif', '.'], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(fs.readdirSync(parent).sort()).toEqual(['project', 'report.sarif']);
    const log = JSON.parse(fs.readFileSync(path.join(parent, 'report.sarif'), 'utf8'));
    expect(validateSarif(log)).toEqual([]);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'heavy.py', uriBaseId: '%SRCROOT%' });
  });
});

describe('patterns from the config cannot hang the run', () => {
  it('a pathological glob in exclude, per-file-ignores and .gitignore against long names completes quickly', () => {
    const longName = 'a'.repeat(200);
    const files: Record<string, string> = { 'heavy.py': HEAVY };
    for (let i = 0; i < 20; i++) files[`${longName}${i}.py`] = 'import modal\napp = modal.App("Bad_Name")\n';
    // A folder whose name matches `a*…*b`: excluded with everything in it.
    files[`${'a'.repeat(120)}/${'a'.repeat(120)}b/inner.py`] = 'import modal\n';
    const evil = 'a*a*a*a*a*a*a*a*a*a*a*b';
    const evilDeep = '**/a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*c/**';
    files['modal-lint.toml'] = [
      `extend-exclude = ["${evil}", "${evilDeep}", "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*!"]`,
      '[per-file-ignores]',
      `"${evil}" = ["kebab-case-name"]`,
      `"!${evilDeep}" = ["app-missing-name"]`,
      '',
    ].join('\n');
    files['.gitignore'] = `${evil}\n${evilDeep}\n**/**/**/**/**/**/**/**/**/**/**/**/z\n`;
    const dir = trees.make(files);
    const run = runCli(['--no-cache', '--format', 'json', '.'], { cwd: dir, timeout: 60_000 });
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(15_000);
    const report: JsonReport = jsonOf(run);
    expectHeavyFinding(report);
    // heavy.py and the 20 long names are linted; the folder `a…ab` is excluded.
    expect(report.summary.files).toBe(21);
    const stdin = runCli(['--no-cache', '--stdin-filename', `${'a'.repeat(240)}/${'a'.repeat(240)}.py`, '--format', 'json'], { cwd: dir, input: 'import modal\n' });
    expect(stdin.code).toBe(0);
    expect(stdin.ms).toBeLessThan(15_000);
    console.log(`security: pathological patterns: tree run ${run.ms} ms, stdin run ${stdin.ms} ms`);
  });
});

describe('the cache folder cannot be made to write outside itself', () => {
  const CACHE = '.modal-lint-cache';

  it('a symlinked .modal-lint-cache is refused: nothing is written where it points, results stay right', () => {
    const dir = trees.make({ 'heavy.py': HEAVY });
    const elsewhere = trees.make();
    fs.symlinkSync(elsewhere, path.join(dir, CACHE));
    for (let i = 0; i < 2; i++) {
      const run = runCli(['--format', 'json', '.'], { cwd: dir });
      expect(run.code).toBe(1);
      expectHeavyFinding(jsonOf(run));
    }
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  it('links planted inside a real cache folder are never written through', () => {
    const dir = trees.make({ 'heavy.py': HEAVY });
    const elsewhere = trees.make({ 'victim.json': 'do not touch' });
    fs.mkdirSync(path.join(dir, CACHE));
    fs.symlinkSync(path.join(elsewhere, 'tag'), path.join(dir, CACHE, 'CACHEDIR.TAG'));
    fs.symlinkSync(path.join(elsewhere, 'ignore'), path.join(dir, CACHE, '.gitignore'));
    fs.symlinkSync(path.join(elsewhere, 'victim.json'), path.join(dir, CACHE, 'results-v1.json'));
    const run = runCli(['--format', 'json', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    expectHeavyFinding(jsonOf(run));
    expect(fs.readdirSync(elsewhere)).toEqual(['victim.json']);
    expect(fs.readFileSync(path.join(elsewhere, 'victim.json'), 'utf8')).toBe('do not touch');
    // The results file itself was replaced by a real file (the rename replaced the link).
    expect(fs.lstatSync(path.join(dir, CACHE, 'results-v1.json')).isFile()).toBe(true);
  });

  it('a FIFO in place of the cache file does not block the run', () => {
    const dir = trees.make({ 'heavy.py': HEAVY });
    fs.mkdirSync(path.join(dir, CACHE));
    const mkfifo = spawnSync('mkfifo', [path.join(dir, CACHE, 'results-v1.json')]);
    if (mkfifo.status !== 0) {
      console.log(`security: FIFO case skipped: mkfifo failed (${mkfifo.error?.message ?? mkfifo.stderr})`);
      return;
    }
    const run = runCli(['--format', 'json', '.'], { cwd: dir, timeout: 30_000 });
    expect(run.code).toBe(1);
    expectHeavyFinding(jsonOf(run));
  });

  it('a cache file with hostile content (`../` keys, huge numbers, wrong types, forged results) is ignored safely', () => {
    // The project sits alone in a folder of its own, so that the folder around it can be watched for stray writes.
    const dir = path.join(trees.make({ 'project/heavy.py': HEAVY, 'project/clean.py': 'import modal\napp = modal.App("clean-app")\n' }), 'project');
    const fresh = runCli(['--no-cache', '--format', 'json', '.'], { cwd: dir });
    expect(fresh.code).toBe(1);
    const expected = jsonOf(fresh);
    // A real run writes entries under the right keys; forging their content is the strongest attack.
    expect(runCli(['--format', 'json', '.'], { cwd: dir }).code).toBe(1);
    const cacheFile = path.join(dir, CACHE, 'results-v1.json');
    const real = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { entries: Record<string, Record<string, unknown>> };
    const keys = Object.keys(real.entries);
    expect(keys.length).toBe(2);
    const forgeries: Array<(entry: Record<string, unknown>) => unknown> = [
      () => null,
      () => 'not an entry',
      (entry) => ({ ...entry, usedAt: 1e400 }),
      (entry) => ({ ...entry, dependencies: [['../../../../etc/passwd', null]] }),
      (entry) => ({ ...entry, dependencies: [['/dev/zero.py', 'f'.repeat(64)]], result: { diagnostics: [], notices: [], definesApp: false } }),
      (entry) => ({ ...entry, result: { diagnostics: [{ ruleId: '../../etc/passwd', severity: 'error', message: 'forged', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } }], notices: [], definesApp: false } }),
      (entry) => ({ ...entry, result: { diagnostics: [{ ruleId: 'kebab-case-name', severity: 'error', message: 'forged', range: { start: { line: 1e308, column: -5 }, end: { line: 2 ** 60, column: 0 } } }], notices: [], definesApp: false } }),
      (entry) => ({ ...entry, result: { diagnostics: [{ ruleId: 'kebab-case-name', severity: 'fatal', message: { toString: 'x' }, range: {} }], notices: [42], definesApp: 'yes' } }),
      (entry) => ({ ...entry, result: { diagnostics: [{ ruleId: 'kebab-case-name', severity: 'error', message: 'x', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, fix: { safety: 'safe', title: 't', edits: [{ start: -1, end: 1e12, text: 'pwned' }] } }], notices: [], definesApp: false } }),
    ];
    for (const forge of forgeries) {
      const entries: Record<string, unknown> = {
        '../../../../../tmp/evil': { result: {}, dependencies: 'x', usedAt: -1 },
        [`${'9'.repeat(400)}`]: 1e308,
      };
      for (const key of keys) entries[key] = forge(real.entries[key]!);
      // `__proto__` as an own key of the parsed JSON (an object literal would set the prototype instead).
      const text = JSON.stringify({ entries, version: 1 }).replace('{"entries":{', '{"entries":{"__proto__":{"polluted":true},').replace('"version":1', '"version":1e400');
      fs.writeFileSync(cacheFile, text);
      const before = fs.readdirSync(path.dirname(dir)).length;
      const json = runCli(['--format', 'json', '.'], { cwd: dir });
      expect(json.code, forge.toString()).toBe(1);
      expect(jsonOf(json).results, forge.toString()).toEqual(expected.results);
      const sarif = runCli(['--format', 'sarif', '.'], { cwd: dir });
      expect(sarif.code).toBe(1);
      expect(validateSarif(JSON.parse(sarif.stdout))).toEqual([]);
      expect(fs.readdirSync(path.dirname(dir)).length).toBe(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
    expect(fs.readdirSync(path.join(dir, CACHE)).sort()).toEqual(['.gitignore', 'CACHEDIR.TAG', 'results-v1.json']);
    // The rewritten cache holds only well-formed entries.
    const rewritten = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(rewritten.entries).sort()).toEqual([...keys].sort());
  });
});
