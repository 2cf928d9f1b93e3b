import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_EXCLUDES,
  loadConfig,
  rulesIgnoredForFile,
  type ResolvedConfig,
  type RuleOptionSpecs,
} from '../src/config/index.js';

const RULES: RuleOptionSpecs = new Map([
  ['gpu-string', {}],
  [
    'missing-timeout',
    {
      'max-seconds': { type: 'number', description: 'Longest timeout accepted' },
      'allowed-functions': { type: 'string[]', description: 'Functions exempt from the rule' },
      strict: { type: 'boolean', description: 'Also flag timeout=None' },
      mode: { type: 'string', description: 'How to report' },
      level: { type: 'string', description: 'One of a few values', values: ['low', 'high'] },
    },
  ],
  ['secret-literal', {}],
]);

const temporaryDirectories: string[] = [];

afterEach(() => {
  for (const dir of temporaryDirectories.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Creates the files (path -> content) in a fresh temporary directory and returns its real path. */
function tree(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-config-')));
  temporaryDirectories.push(root);
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return root;
}

function load(cwd: string, explicitPath?: string): ResolvedConfig {
  return explicitPath === undefined ? loadConfig({ cwd, rules: RULES }) : loadConfig({ cwd, explicitPath, rules: RULES });
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('DEFAULT_EXCLUDES', () => {
  it('starts with the seven basic directories and adds the usual tool directories', () => {
    expect(DEFAULT_EXCLUDES.slice(0, 7)).toEqual(['.git', 'node_modules', '.venv', 'venv', '__pycache__', 'build', 'dist']);
    for (const name of ['.hg', '.svn', '.mypy_cache', '.ruff_cache', '.pytest_cache', '.tox', '.nox', '.eggs']) {
      expect(DEFAULT_EXCLUDES).toContain(name);
    }
    for (const name of ['site-packages', '__pypackages__', '_build', '.direnv', '.modal-lint-cache']) {
      expect(DEFAULT_EXCLUDES).toContain(name);
    }
  });
});

describe('finding the config file', () => {
  it('uses defaults rooted at cwd when there is no config', () => {
    const root = tree({ 'app.py': '' });
    expect(load(root)).toEqual({
      baseDir: root,
      select: null,
      ignore: [],
      exclude: [...DEFAULT_EXCLUDES],
      extendExclude: [],
      perFileIgnores: [],
      severities: {},
      ruleOptions: {},
    });
  });

  it('takes the config closest to cwd', () => {
    const root = tree({
      'modal-lint.toml': 'select = ["gpu-string"]\n',
      'service/pyproject.toml': '[tool.modal-lint]\nselect = ["secret-literal"]\n',
      'service/src/app/main.py': '',
    });
    const config = load(path.join(root, 'service/src/app'));
    expect(config.path).toBe(path.join(root, 'service/pyproject.toml'));
    expect(config.baseDir).toBe(path.join(root, 'service'));
    expect(config.select).toEqual(['secret-literal']);
  });

  it('prefers .modal-lint.toml, then modal-lint.toml, then pyproject.toml in one directory', () => {
    const all = {
      '.modal-lint.toml': 'select = ["gpu-string"]\n',
      'modal-lint.toml': 'select = ["missing-timeout"]\n',
      'pyproject.toml': '[tool.modal-lint]\nselect = ["secret-literal"]\n',
    };
    expect(load(tree(all)).select).toEqual(['gpu-string']);
    const { '.modal-lint.toml': _hidden, ...withoutHidden } = all;
    expect(load(tree(withoutHidden)).select).toEqual(['missing-timeout']);
    expect(load(tree({ 'pyproject.toml': all['pyproject.toml'] })).select).toEqual(['secret-literal']);
  });

  it('skips a pyproject.toml without [tool.modal-lint], even one that mentions modal-lint', () => {
    const root = tree({
      'modal-lint.toml': 'ignore = ["gpu-string"]\n',
      'pkg/pyproject.toml': '[project]\nname = "pkg"\ndependencies = ["modal-lint"]\n\n[tool.ruff]\nline-length = 100\n',
      'other/pyproject.toml': '[tool.black]\nline-length = 100\n',
    });
    expect(load(path.join(root, 'pkg'))).toMatchObject({ path: path.join(root, 'modal-lint.toml'), ignore: ['gpu-string'] });
    expect(load(path.join(root, 'other')).path).toBe(path.join(root, 'modal-lint.toml'));
  });

  it('does not validate a pyproject.toml that never mentions modal-lint', () => {
    const root = tree({ 'pyproject.toml': '[project\nname = "broken"\n' });
    expect(load(root).path).toBeUndefined();
  });

  it('reads only the explicit file, relative to cwd, even when another is closer', () => {
    const root = tree({
      'modal-lint.toml': 'select = ["gpu-string"]\n',
      'configs/strict.toml': 'select = "ALL"\nmax-warnings = 0\n',
    });
    const config = load(root, 'configs/strict.toml');
    expect(config).toMatchObject({ path: path.join(root, 'configs/strict.toml'), baseDir: path.join(root, 'configs') });
    expect(config.select).toBe('ALL');
    expect(config.maxWarnings).toBe(0);
  });

  it('reads an explicit pyproject.toml under [tool.modal-lint], and uses defaults when it has no such table', () => {
    const root = tree({
      'a/pyproject.toml': '[tool.modal-lint]\nignore = ["secret-literal"]\n',
      'b/pyproject.toml': '[project]\nname = "b"\n',
    });
    expect(load(root, 'a/pyproject.toml').ignore).toEqual(['secret-literal']);
    expect(load(root, 'b/pyproject.toml')).toMatchObject({
      path: path.join(root, 'b/pyproject.toml'),
      baseDir: path.join(root, 'b'),
      select: null,
    });
  });

  it('fails when the explicit file does not exist', () => {
    const root = tree({});
    const error = configError(() => load(root, 'nope.toml'));
    expect(error.message).toBe('nope.toml: config file not found');
    expect(error.file).toBe(path.join(root, 'nope.toml'));
    expect(error.key).toBeUndefined();
  });
});

describe('settings', () => {
  it('resolves every key of [tool.modal-lint]', () => {
    const root = tree({
      'pyproject.toml': `
[project]
name = "demo"

[tool.modal-lint]
select = ["gpu-string", "missing-timeout", "gpu-string"]
ignore = ["secret-literal"]
exclude = ["generated", "/legacy"]
extend-exclude = ["*_pb2.py"]
max-warnings = 10

[tool.modal-lint.per-file-ignores]
"tests/**" = ["secret-literal"]
"scripts/*.py" = ["gpu-string", "missing-timeout"]

[tool.modal-lint.rules]
gpu-string = "warning"
secret-literal = "off"
missing-timeout = { severity = "info", max-seconds = 600, allowed-functions = ["warmup"], strict = true, mode = "loud" }
`,
    });
    expect(load(root)).toEqual({
      path: path.join(root, 'pyproject.toml'),
      baseDir: root,
      select: ['gpu-string', 'missing-timeout'],
      ignore: ['secret-literal'],
      exclude: ['generated', '/legacy'],
      extendExclude: ['*_pb2.py'],
      perFileIgnores: [
        { pattern: 'tests/**', rules: ['secret-literal'] },
        { pattern: 'scripts/*.py', rules: ['gpu-string', 'missing-timeout'] },
      ],
      severities: { 'gpu-string': 'warning', 'secret-literal': 'off', 'missing-timeout': 'info' },
      ruleOptions: {
        'missing-timeout': { 'max-seconds': 600, 'allowed-functions': ['warmup'], strict: true, mode: 'loud' },
      },
      maxWarnings: 10,
    });
  });

  it('accepts a rule table with options only, and a [rules.<id>] section', () => {
    const root = tree({
      'modal-lint.toml': '[rules.missing-timeout]\nmax-seconds = 30.5\n\n[rules.gpu-string]\nseverity = "error"\n',
    });
    const config = load(root);
    expect(config.severities).toEqual({ 'gpu-string': 'error' });
    expect(config.ruleOptions).toEqual({ 'missing-timeout': { 'max-seconds': 30.5 } });
  });

  it('understands "ALL" as Ruff does: in select it stays ALL, in ignore lists it means every rule', () => {
    expect(load(tree({ 'modal-lint.toml': 'select = "ALL"\n' })).select).toBe('ALL');
    expect(load(tree({ 'modal-lint.toml': 'select = ["ALL"]\n' })).select).toBe('ALL');
    const config = load(tree({ 'modal-lint.toml': 'ignore = ["ALL"]\n[per-file-ignores]\n"tests/**" = ["ALL"]\n' }));
    expect(config.ignore).toEqual(['gpu-string', 'missing-timeout', 'secret-literal']);
    expect(config.perFileIgnores).toEqual([{ pattern: 'tests/**', rules: ['gpu-string', 'missing-timeout', 'secret-literal'] }]);
  });

  it('keeps an explicitly empty exclude, which turns the default excludes off', () => {
    expect(load(tree({ 'modal-lint.toml': 'exclude = []\n' })).exclude).toEqual([]);
  });
});

describe('ConfigError', () => {
  const cases: Array<{ name: string; file: string; toml: string; message: string; key: string }> = [
    {
      name: 'unknown key in pyproject.toml',
      file: 'pyproject.toml',
      toml: '[tool.modal-lint]\nselec = ["gpu-string"]\n',
      message: 'pyproject.toml: unknown key "tool.modal-lint.selec" (did you mean "select"?)',
      key: 'tool.modal-lint.selec',
    },
    {
      name: 'unknown key without a close match',
      file: 'modal-lint.toml',
      toml: 'colour = "auto"\n',
      message: 'modal-lint.toml: unknown key "colour"',
      key: 'colour',
    },
    {
      name: 'snake_case key',
      file: '.modal-lint.toml',
      toml: 'max_warnings = 3\n',
      message: '.modal-lint.toml: unknown key "max_warnings" (did you mean "max-warnings"?)',
      key: 'max_warnings',
    },
    {
      name: 'unknown rule in select',
      file: 'modal-lint.toml',
      toml: 'select = ["gpu-string", "foo"]\n',
      message: 'modal-lint.toml: unknown rule "foo" in select',
      key: 'select',
    },
    {
      name: 'unknown rule in ignore, with a suggestion',
      file: 'pyproject.toml',
      toml: '[tool.modal-lint]\nignore = ["gpu-strng"]\n',
      message: 'pyproject.toml: unknown rule "gpu-strng" in tool.modal-lint.ignore (did you mean "gpu-string"?)',
      key: 'tool.modal-lint.ignore',
    },
    {
      name: 'unknown rule in per-file-ignores',
      file: 'modal-lint.toml',
      toml: '[per-file-ignores]\n"tests/**" = ["foo"]\n',
      message: 'modal-lint.toml: unknown rule "foo" in per-file-ignores."tests/**"',
      key: 'per-file-ignores."tests/**"',
    },
    {
      name: 'unknown rule in rules',
      file: 'pyproject.toml',
      toml: '[tool.modal-lint.rules]\nfoo = "error"\n',
      message: 'pyproject.toml: unknown rule "foo" in tool.modal-lint.rules',
      key: 'tool.modal-lint.rules.foo',
    },
    {
      name: 'select of the wrong type',
      file: 'modal-lint.toml',
      toml: 'select = 3\n',
      message: 'modal-lint.toml: "select" must be a list of rule ids or "ALL", got 3',
      key: 'select',
    },
    {
      name: 'a single string instead of a list',
      file: 'modal-lint.toml',
      toml: 'exclude = "build"\n',
      message: 'modal-lint.toml: "exclude" must be a list of gitignore-style patterns, got "build"',
      key: 'exclude',
    },
    {
      name: 'a list with a non-string item',
      file: 'modal-lint.toml',
      toml: 'extend-exclude = ["a", 1]\n',
      message: 'modal-lint.toml: "extend-exclude" must be a list of gitignore-style patterns, got a list',
      key: 'extend-exclude',
    },
    {
      name: 'per-file-ignores that is not a table',
      file: 'modal-lint.toml',
      toml: 'per-file-ignores = ["tests/**"]\n',
      message: 'modal-lint.toml: "per-file-ignores" must be a table of pattern = [rule ids], got a list',
      key: 'per-file-ignores',
    },
    {
      name: 'negative max-warnings',
      file: 'modal-lint.toml',
      toml: 'max-warnings = -1\n',
      message: 'modal-lint.toml: "max-warnings" must be an integer >= 0, got -1',
      key: 'max-warnings',
    },
    {
      name: 'fractional max-warnings',
      file: 'pyproject.toml',
      toml: '[tool.modal-lint]\nmax-warnings = 1.5\n',
      message: 'pyproject.toml: "tool.modal-lint.max-warnings" must be an integer >= 0, got 1.5',
      key: 'tool.modal-lint.max-warnings',
    },
    {
      name: 'bad severity string',
      file: 'modal-lint.toml',
      toml: '[rules]\ngpu-string = "fatal"\n',
      message:
        'modal-lint.toml: invalid severity "fatal" for "rules.gpu-string"; expected one of "error", "warning", "info", "off"',
      key: 'rules.gpu-string',
    },
    {
      name: 'bad severity in a rule table',
      file: 'pyproject.toml',
      toml: '[tool.modal-lint.rules]\nmissing-timeout = { severity = "warn" }\n',
      message:
        'pyproject.toml: invalid severity "warn" for "tool.modal-lint.rules.missing-timeout.severity"; expected one of "error", "warning", "info", "off"',
      key: 'tool.modal-lint.rules.missing-timeout.severity',
    },
    {
      name: 'rule setting of the wrong type',
      file: 'modal-lint.toml',
      toml: '[rules]\ngpu-string = true\n',
      message:
        'modal-lint.toml: "rules.gpu-string" must be a severity or an inline table { severity = ..., <option> = ... }, got true',
      key: 'rules.gpu-string',
    },
    {
      name: 'string option outside the values it accepts',
      file: 'modal-lint.toml',
      toml: '[rules]\nmissing-timeout = { level = "medium" }\n',
      message: 'modal-lint.toml: "rules.missing-timeout.level" must be one of "low", "high", got "medium"',
      key: 'rules.missing-timeout.level',
    },
    {
      name: 'option the rule does not declare',
      file: 'modal-lint.toml',
      toml: '[rules]\nmissing-timeout = { max_seconds = 10 }\n',
      message: 'modal-lint.toml: unknown key "rules.missing-timeout.max_seconds" (did you mean "max-seconds"?)',
      key: 'rules.missing-timeout.max_seconds',
    },
    {
      name: 'option on a rule without options',
      file: 'modal-lint.toml',
      toml: '[rules]\ngpu-string = { severity = "error", level = 3 }\n',
      message: 'modal-lint.toml: unknown key "rules.gpu-string.level" (rule "gpu-string" has no options)',
      key: 'rules.gpu-string.level',
    },
    {
      name: 'option of the wrong type',
      file: 'modal-lint.toml',
      toml: '[rules]\nmissing-timeout = { max-seconds = "600" }\n',
      message: 'modal-lint.toml: "rules.missing-timeout.max-seconds" must be a number, got "600"',
      key: 'rules.missing-timeout.max-seconds',
    },
    {
      name: 'string[] option given a string',
      file: 'modal-lint.toml',
      toml: '[rules]\nmissing-timeout = { allowed-functions = "warmup" }\n',
      message: 'modal-lint.toml: "rules.missing-timeout.allowed-functions" must be a list of strings, got "warmup"',
      key: 'rules.missing-timeout.allowed-functions',
    },
    {
      name: 'boolean option given a string',
      file: 'modal-lint.toml',
      toml: '[rules.missing-timeout]\nstrict = "yes"\n',
      message: 'modal-lint.toml: "rules.missing-timeout.strict" must be true or false, got "yes"',
      key: 'rules.missing-timeout.strict',
    },
    {
      name: '[tool.modal-lint] that is not a table',
      file: 'pyproject.toml',
      toml: '[tool]\nmodal-lint = "strict"\n',
      message: 'pyproject.toml: "tool.modal-lint" must be a table',
      key: 'tool.modal-lint',
    },
  ];

  it.each(cases)('$name', ({ file, toml, message, key }) => {
    const root = tree({ [file]: toml });
    const error = configError(() => load(root));
    expect(error.message).toBe(message);
    expect(error.file).toBe(path.join(root, file));
    expect(error.key).toBe(key);
  });

  it('reports TOML syntax errors with the line and column', () => {
    const root = tree({ 'modal-lint.toml': 'select = ["gpu-string"]\nmax-warnings = = 3\n' });
    const error = configError(() => load(root));
    expect(error.file).toBe(path.join(root, 'modal-lint.toml'));
    expect(error.key).toBeUndefined();
    expect([error.line, error.column]).toEqual([2, 16]);
    expect(error.message).toBe(
      [
        'modal-lint.toml:2:16: invalid TOML: invalid value',
        '1:  select = ["gpu-string"]',
        '2:  max-warnings = = 3',
        '                   ^',
      ].join('\n'),
    );
  });

  it('names a config found above cwd by its absolute path', () => {
    const root = tree({ '.modal-lint.toml': 'nope = 1\n', 'src/app.py': '' });
    const error = configError(() => load(path.join(root, 'src')));
    expect(error.message).toBe(`${path.join(root, '.modal-lint.toml')}: unknown key "nope"`);
  });
});

describe('rulesIgnoredForFile', () => {
  it('matches per-file-ignores gitignore-style, relative to the config directory', () => {
    const root = tree({
      'pyproject.toml': `
[tool.modal-lint.per-file-ignores]
"tests/**" = ["secret-literal"]
"scripts/*.py" = ["gpu-string"]
"conftest.py" = ["missing-timeout"]
"/root_only.py" = ["gpu-string"]
"!src/**" = ["missing-timeout"]
`,
    });
    const config = load(root);
    const ignored = (relative: string): string[] => [...rulesIgnoredForFile(config, path.join(root, relative))].sort();

    expect(ignored('tests/test_app.py')).toEqual(['missing-timeout', 'secret-literal']);
    expect(ignored('tests/unit/deep/test_x.py')).toEqual(['missing-timeout', 'secret-literal']);
    expect(ignored('scripts/deploy.py')).toEqual(['gpu-string', 'missing-timeout']);
    expect(ignored('scripts/nested/deploy.py')).toEqual(['missing-timeout']);
    expect(ignored('src/conftest.py')).toEqual(['missing-timeout']);
    expect(ignored('src/pkg/tests/helper.py')).toEqual([]);
    expect(ignored('src/app.py')).toEqual([]);
    expect(ignored('root_only.py')).toEqual(['gpu-string', 'missing-timeout']);
    expect(ignored('src/root_only.py')).toEqual([]);
  });

  it('applies only name patterns to a file outside the config directory', () => {
    const root = tree({
      'project/modal-lint.toml': '[per-file-ignores]\n"conftest.py" = ["gpu-string"]\n"tests/**" = ["secret-literal"]\n',
    });
    const config = load(path.join(root, 'project'));
    expect([...rulesIgnoredForFile(config, path.join(root, 'elsewhere/tests/conftest.py'))]).toEqual(['gpu-string']);
  });

  it('returns an empty set without per-file-ignores', () => {
    const root = tree({});
    expect(rulesIgnoredForFile(load(root), path.join(root, 'app.py')).size).toBe(0);
  });
});
