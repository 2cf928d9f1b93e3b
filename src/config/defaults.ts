import type { ResolvedConfig } from './types.js';

/** Directories never worth linting; mirrors Ruff's default `exclude`, plus our own cache. */
export const DEFAULT_EXCLUDES: readonly string[] = Object.freeze([
  '.git',
  'node_modules',
  '.venv',
  'venv',
  '__pycache__',
  'build',
  'dist',
  '.bzr',
  '.hg',
  '.svn',
  '.pants.d',
  '.direnv',
  '.eggs',
  '.git-rewrite',
  '.ipynb_checkpoints',
  '.mypy_cache',
  '.nox',
  '.pyenv',
  '.pytest_cache',
  '.pytype',
  '.ruff_cache',
  '.tox',
  '.vscode',
  '__pypackages__',
  '_build',
  'buck-out',
  'site-packages',
  '.modal-lint-cache',
]);

export function defaultConfig(baseDir: string): ResolvedConfig {
  return {
    baseDir,
    select: null,
    ignore: [],
    exclude: [...DEFAULT_EXCLUDES],
    extendExclude: [],
    perFileIgnores: [],
    severities: {},
    ruleOptions: {},
  };
}
