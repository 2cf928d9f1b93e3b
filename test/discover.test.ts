import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUDES, type ResolvedConfig } from '../src/config/index.js';
import { discoverFiles, isExcluded } from '../src/discover/index.js';

const temporaryDirectories: string[] = [];

afterEach(() => {
  for (const dir of temporaryDirectories.splice(0)) {
    // Restore permissions a test may have taken away, or the cleanup itself fails.
    execFileSync('chmod', ['-R', 'u+rwx', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Creates the files (path -> content) in a fresh temporary directory and returns its real path. */
function tree(files: string[] | Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-discover-')));
  temporaryDirectories.push(root);
  const entries = Array.isArray(files) ? files.map((file) => [file, ''] as const) : Object.entries(files);
  for (const [relative, content] of entries) {
    const file = path.join(root, relative);
    if (relative.endsWith('/')) {
      fs.mkdirSync(file, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
  }
  return root;
}

function configFor(baseDir: string, settings: Partial<ResolvedConfig> = {}): ResolvedConfig {
  return {
    baseDir,
    select: null,
    ignore: [],
    exclude: [...DEFAULT_EXCLUDES],
    extendExclude: [],
    perFileIgnores: [],
    severities: {},
    ruleOptions: {},
    ...settings,
  };
}

/** Discovered files relative to `root`, with forward slashes. */
async function discover(root: string, paths: string[] = [], settings: Partial<ResolvedConfig> = {}): Promise<string[]> {
  const result = await discoverFiles(paths, { cwd: root, config: configFor(root, settings) });
  for (const file of result.files) expect(path.isAbsolute(file)).toBe(true);
  return result.files.map((file) => path.relative(root, file).split(path.sep).join('/'));
}

describe('walking directories', () => {
  it('finds .py and .pyi files, dot directories included, sorted and absolute', async () => {
    const root = tree(['b.py', 'a.pyi', 'README.md', 'setup.cfg', 'pkg/__init__.py', 'pkg/mod.py', '.hidden/x.py', '.dot.py', 'pkg/data.json']);
    expect(await discover(root)).toEqual(['.dot.py', '.hidden/x.py', 'a.pyi', 'b.py', 'pkg/__init__.py', 'pkg/mod.py']);
  });

  it('defaults to the current directory when no path is given', async () => {
    const root = tree(['app.py', 'sub/other.py']);
    const result = await discoverFiles([], { cwd: path.join(root, 'sub'), config: configFor(root) });
    expect(result).toMatchObject({ files: [path.join(root, 'sub/other.py')], missing: [], skipped: [] });
  });

  it('prunes the default excludes at any depth', async () => {
    const root = tree([
      'app.py',
      '.git/hooks/pre-commit.py',
      'node_modules/pkg/x.py',
      '.venv/lib/site.py',
      'venv/lib/site.py',
      '__pycache__/app.cpython-311.py',
      'build/lib/app.py',
      'dist/app.py',
      'pkg/build/gen.py',
      'pkg/.tox/py311/x.py',
      'pkg/.mypy_cache/x.py',
      'lib/site-packages/dep.py',
      'pkg/builder.py',
      'pkg/dist_utils.py',
    ]);
    expect(await discover(root)).toEqual(['app.py', 'pkg/builder.py', 'pkg/dist_utils.py']);
  });

  it('replaces the defaults with `exclude`, and adds to them with `extend-exclude`', async () => {
    const root = tree(['app.py', 'generated/x.py', 'pkg/generated/y.py', 'node_modules/n.py', 'legacy/old.py', 'pkg/legacy/kept.py', 'api_pb2.py']);
    expect(await discover(root, [], { exclude: ['generated'] })).toEqual([
      'api_pb2.py',
      'app.py',
      'legacy/old.py',
      'node_modules/n.py',
      'pkg/legacy/kept.py',
    ]);
    expect(await discover(root, [], { extendExclude: ['generated', '/legacy', '*_pb2.py'] })).toEqual([
      'app.py',
      'pkg/legacy/kept.py',
    ]);
  });

  it('applies excludes relative to the config directory, not to cwd', async () => {
    const root = tree(['service/app.py', 'service/scripts/tool.py', 'scripts/top.py']);
    const result = await discoverFiles(['.'], {
      cwd: path.join(root, 'service'),
      config: configFor(root, { extendExclude: ['/scripts'] }),
    });
    expect(result.files).toEqual([path.join(root, 'service/app.py'), path.join(root, 'service/scripts/tool.py')]);
  });

  it('walks a directory the user names even when it is excluded, and still prunes below it', async () => {
    const root = tree(['build/gen.py', 'build/node_modules/x.py', 'build/sub/deep.py']);
    expect(await discover(root, ['build'])).toEqual(['build/gen.py', 'build/sub/deep.py']);
  });

  it('merges overlapping paths without duplicates', async () => {
    const root = tree(['a.py', 'pkg/b.py']);
    expect(await discover(root, ['.', 'pkg', 'a.py', './a.py', 'pkg/b.py'])).toEqual(['a.py', 'pkg/b.py']);
  });

  it('handles a path with a space and non-ASCII characters', async () => {
    const root = tree(['my project/módulo ñ/app é.py', 'my project/módulo ñ/日本.py', 'my project/skip.txt']);
    expect(await discover(root, ['my project'])).toEqual(['my project/módulo ñ/app é.py', 'my project/módulo ñ/日本.py']);
    expect(await discover(root, ['my project/módulo ñ/app é.py'])).toEqual(['my project/módulo ñ/app é.py']);
  });
});

describe('.gitignore', () => {
  it('applies the root and nested .gitignore files of a repository, negations included', async () => {
    const root = tree({
      '.git/': '',
      '.gitignore': '*.gen.py\n!keep.gen.py\nlogs/\n/top_only.py\n',
      'app.py': '',
      'top_only.py': '',
      'api.gen.py': '',
      'keep.gen.py': '',
      'logs/debug.py': '',
      'pkg/top_only.py': '',
      'pkg/models.gen.py': '',
      'pkg/.gitignore': 'local_*.py\n!local_ok.py\n!special.gen.py\n',
      'pkg/local_dev.py': '',
      'pkg/local_ok.py': '',
      'pkg/special.gen.py': '',
      'pkg/logs/x.py': '',
      'other/local_dev.py': '',
    });
    expect(await discover(root)).toEqual([
      'app.py',
      'keep.gen.py',
      'other/local_dev.py',
      'pkg/local_ok.py',
      'pkg/special.gen.py',
      'pkg/top_only.py',
    ]);
  });

  it('re-includes a directory through a nested negation', async () => {
    const root = tree({
      '.git/': '',
      '.gitignore': 'vendor/*\n!vendor/ours/\n',
      'vendor/theirs/x.py': '',
      'vendor/ours/y.py': '',
    });
    expect(await discover(root)).toEqual(['vendor/ours/y.py']);
  });

  it('lets a deeper .gitignore re-include a directory a higher one ignores, as git does', async () => {
    const root = tree({
      '.git/': '',
      '.gitignore': 'pkg/generated/\n*.log.py\n',
      'pkg/.gitignore': '!generated/\n',
      'pkg/a.py': '',
      'pkg/generated/x.py': '',
      'pkg/generated/y.log.py': '',
    });
    expect(await discover(root)).toEqual(['pkg/a.py', 'pkg/generated/x.py']);
  });

  it('applies the .gitignore files of parent directories up to the repository root, and none above it', async () => {
    const root = tree({
      '.gitignore': '*.py\n',
      'repo/.git/': '',
      'repo/.gitignore': 'secret/\n',
      'repo/app/main.py': '',
      'repo/app/secret/key.py': '',
    });
    expect(await discover(root, ['repo/app'])).toEqual(['repo/app/main.py']);
  });

  it('honours .git/info/exclude', async () => {
    const root = tree({ '.git/info/exclude': 'scratch.py\n', 'scratch.py': '', 'app.py': '' });
    expect(await discover(root)).toEqual(['app.py']);
  });

  it('honours .gitignore files outside a git repository too', async () => {
    const root = tree({ '.gitignore': 'out/\n', 'out/x.py': '', 'sub/.gitignore': 'tmp_*.py\n', 'sub/tmp_a.py': '', 'sub/b.py': '' });
    expect(await discover(root)).toEqual(['sub/b.py']);
  });

  it('keeps files that match gitignore patterns only through a directory the user named', async () => {
    const root = tree({ '.git/': '', '.gitignore': '/vendored\n*.tmp.py\n', 'vendored/lib.py': '', 'vendored/x.tmp.py': '' });
    expect(await discover(root, ['vendored'])).toEqual(['vendored/lib.py']);
  });
});

describe('paths given explicitly', () => {
  it('lints a named file whatever its extension', async () => {
    const root = tree(['script', 'notes.txt']);
    expect(await discover(root, ['script', 'notes.txt'])).toEqual(['notes.txt', 'script']);
  });

  it('lints excluded and gitignored files when named, as Ruff does; --force-exclude keeps them out', async () => {
    const root = tree({
      '.git/': '',
      '.gitignore': 'ignored.py\ngen/\n',
      'ignored.py': '',
      'gen/out.py': '',
      'build/x.py': '',
      'proto/api_pb2.py': '',
      'app.py': '',
    });
    const named = ['ignored.py', 'gen/out.py', 'build/x.py', 'proto/api_pb2.py', 'app.py'];
    expect(await discover(root, named, { extendExclude: ['*_pb2.py'] })).toEqual([...named].sort());
    const forced = await discoverFiles(named, { cwd: root, config: { ...configFor(root), extendExclude: ['*_pb2.py'] }, forceExclude: true });
    expect(forced.files).toEqual([path.join(root, 'app.py')]);
    expect(forced.excluded).toEqual(['build/x.py', 'gen/out.py', 'ignored.py', 'proto/api_pb2.py'].map((file) => path.join(root, file)));
  });

  it('reports missing paths and broken symlinks as missing', async () => {
    const root = tree(['app.py']);
    fs.symlinkSync(path.join(root, 'gone.py'), path.join(root, 'dangling.py'));
    const result = await discoverFiles(['app.py', 'nope.py', 'no/such/dir', 'dangling.py'], { cwd: root, config: configFor(root) });
    expect(result).toMatchObject({
      files: [path.join(root, 'app.py')],
      missing: [path.join(root, 'dangling.py'), path.join(root, 'no/such/dir'), path.join(root, 'nope.py')],
      skipped: [],
    });
  });

  it('skips a named path that is neither a regular file nor a directory', async () => {
    const root = tree(['app.py']);
    execFileSync('mkfifo', [path.join(root, 'pipe.py')]);
    const result = await discoverFiles(['pipe.py', 'app.py'], { cwd: root, config: configFor(root) });
    expect(result).toMatchObject({
      files: [path.join(root, 'app.py')],
      missing: [],
      skipped: [{ path: path.join(root, 'pipe.py'), reason: 'not a regular file or directory: it is a named pipe (FIFO)' }],
    });
  });

  it('silently drops a FIFO met while walking', async () => {
    const root = tree(['app.py']);
    execFileSync('mkfifo', [path.join(root, 'pipe.py')]);
    expect(await discoverFiles([], { cwd: root, config: configFor(root) })).toMatchObject({
      files: [path.join(root, 'app.py')],
      missing: [],
      skipped: [],
    });
  });
});

describe('symlinks and permissions', () => {
  it('does not follow directory symlinks, so a loop cannot hang the walk', async () => {
    const root = tree(['pkg/app.py', 'target.py']);
    fs.symlinkSync(root, path.join(root, 'pkg/loop'));
    fs.symlinkSync(path.join(root, 'pkg/self'), path.join(root, 'pkg/self'));
    fs.symlinkSync(path.join(root, 'target.py'), path.join(root, 'pkg/link.py'));
    fs.symlinkSync(path.join(root, 'missing.py'), path.join(root, 'pkg/broken.py'));
    expect(await discover(root)).toEqual(['pkg/app.py', 'pkg/link.py', 'target.py']);
  }, 10_000);

  it('walks on past an unreadable directory and reports it', async () => {
    const root = tree(['app.py', 'locked/secret.py', 'open/other.py']);
    const locked = path.join(root, 'locked');
    fs.chmodSync(locked, 0o000);
    const stillReadable = canRead(locked); // true when running as root
    const result = await discoverFiles([], { cwd: root, config: configFor(root) });
    if (stillReadable) {
      expect(result).toMatchObject({
        files: [path.join(root, 'app.py'), path.join(locked, 'secret.py'), path.join(root, 'open/other.py')],
        missing: [],
        skipped: [],
      });
    } else {
      expect(result).toMatchObject({
        files: [path.join(root, 'app.py'), path.join(root, 'open/other.py')],
        missing: [],
        skipped: [{ path: locked, reason: 'cannot read directory: permission denied' }],
      });
    }
  });
});

function canRead(dir: string): boolean {
  try {
    fs.readdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

describe('isExcluded', () => {
  it('checks the path and the directories above it against excludes and .gitignore', () => {
    const root = tree({ '.git/': '', '.gitignore': 'tmp/\n', 'tmp/a/b.py': '', 'build/x.py': '', 'src/app.py': '' });
    const options = { cwd: root, config: configFor(root) };
    expect(isExcluded(path.join(root, 'tmp/a/b.py'), options)).toBe(true);
    expect(isExcluded(path.join(root, 'tmp'), options)).toBe(true);
    expect(isExcluded(path.join(root, 'build/x.py'), options)).toBe(true);
    expect(isExcluded(path.join(root, 'src/app.py'), options)).toBe(false);
    expect(isExcluded(root, options)).toBe(false);
  });

  it('matches directory-only patterns only against directories', () => {
    const root = tree({ '.gitignore': 'cache/\n', 'cache/': '', 'src/cache': '' });
    const options = { cwd: root, config: configFor(root) };
    expect(isExcluded(path.join(root, 'cache'), options)).toBe(true);
    expect(isExcluded(path.join(root, 'src/cache'), options)).toBe(false);
    expect(isExcluded(path.join(root, 'src/cache'), { ...options, isDirectory: true })).toBe(true);
  });
});
