import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli/args.js';
import type { CodeQualityIssue } from '../src/reporters/index.js';
import { REPOSITORY_ROOT, runCli, temporaryFolders } from './helpers/run-cli.js';
import { validateSarif } from './helpers/sarif-schema.js';

/** The copy-paste recipes of the README and docs/ci.md, parsed as YAML and run against the CLI. */
const read = (file: string): string => fs.readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8');
const README = read('README.md');
const CI_DOC = read('docs/ci.md');
const HOOKS = read('.pre-commit-hooks.yaml');
const PACKAGE = JSON.parse(read('package.json')) as { bin: Record<string, string> };

function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

const yamlCheck = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
const haveYaml = !yamlCheck.error && yamlCheck.status === 0;
if (!haveYaml) console.warn('YAML checks of the recipes skipped: python3 with PyYAML (the YAML parser used here) is not available');

function parseYaml(text: string): unknown {
  const result = spawnSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: text, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** `modal-lint ARGS` (or `npx --yes modal-lint@1.2.3 ARGS`) to ARGS. */
function modalLintArgs(command: string): string[] | undefined {
  const words = command.trim().split(/\s+/);
  const at = words.findIndex((word) => word === 'modal-lint' || word.startsWith('modal-lint@'));
  return at < 0 ? undefined : words.slice(at + 1);
}

interface Workflow {
  on: unknown;
  jobs: Record<string, { permissions: Record<string, string>; steps: Array<{ uses?: string; run?: string; with?: Record<string, string> }> }>;
}

interface GitlabJob {
  script: string[];
  artifacts: { when: string; reports: Record<string, string> };
}

const folders = temporaryFolders('modal-lint-recipes-');
afterAll(() => folders.cleanup());

describe.skipIf(!haveYaml)('recipes as YAML', () => {
  it('.pre-commit-hooks.yaml defines the modal-lint node hook for Python files', () => {
    const hooks = parseYaml(HOOKS) as Array<Record<string, unknown>>;
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      id: 'modal-lint',
      entry: 'modal-lint --force-exclude',
      language: 'node',
      types: ['python'],
      pass_filenames: true,
      require_serial: false,
    });
    expect(Object.keys(PACKAGE.bin)).toContain((hooks[0]!.entry as string).split(' ')[0]);
  });

  it("the README's pre-commit snippet uses that hook", () => {
    const section = README.slice(README.indexOf('## pre-commit'));
    const config = parseYaml(yamlBlocks(section)[0]!) as { repos: Array<{ repo: string; rev: string; hooks: Array<{ id: string }> }> };
    expect(config.repos[0]!.hooks).toEqual([{ id: 'modal-lint' }]);
    expect(config.repos[0]!.rev).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  it('the GitHub Actions job uploads the SARIF file it writes, with security-events: write', () => {
    const workflow = parseYaml(yamlBlocks(CI_DOC).find((block) => block.includes('upload-sarif'))!) as Workflow;
    const job = Object.values(workflow.jobs)[0]!;
    expect(job.permissions['security-events']).toBe('write');
    const lint = parseCli(modalLintArgs(job.steps.find((step) => step.run?.startsWith('modal-lint'))!.run!)!);
    expect(lint.format).toBe('sarif');
    const upload = job.steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with!.sarif_file).toBe(lint.output);
  });

  it('every recipe installs modal-lint the way the README does, at a tag', () => {
    const installs = [...CI_DOC.matchAll(/npm pack (\S+) && npm install -g (\S+)/g)];
    expect(installs.length).toBeGreaterThanOrEqual(3);
    for (const [, spec, tarball] of installs) {
      expect(README).toContain(`npm pack ${spec}`);
      expect(README).toContain(`npm install -g ${tarball}`);
    }
    expect(CI_DOC).not.toMatch(/npx --yes modal-lint@/);
  });

  it('the release workflow runs on a version tag: checks it matches package.json, tests, packs and publishes', () => {
    const workflow = parseYaml(read('.github/workflows/release.yml')) as { on?: { push: { tags: string[] } }; true?: { push: { tags: string[] } }; jobs: Workflow['jobs'] };
    // YAML 1.1 (PyYAML) reads the key `on` as the boolean true; GitHub reads it as `on`.
    expect((workflow.on ?? workflow.true)!.push.tags).toEqual(['v*']);
    const runs = Object.values(workflow.jobs)[0]!.steps.map((step) => step.run ?? '');
    const index = (pattern: RegExp): number => runs.findIndex((run) => pattern.test(run));
    const order = [/package\.json.*version|GITHUB_REF_NAME/s, /^\.ci\/run$/, /^npm pack$/, /^npm publish /].map(index);
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // .ci/run runs exactly the README's test command.
    expect(read('.ci/run')).toContain('npm ci && npm test');
    expect(README).toContain('npm ci && npm test');
  });

  it('the GitLab jobs publish the reports they write', () => {
    const jobs = yamlBlocks(CI_DOC)
      .filter((block) => block.includes('artifacts:'))
      .map((block) => Object.values(parseYaml(block) as Record<string, GitlabJob>)[0]!);
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    const reportKind: Record<string, string> = { gitlab: 'codequality', junit: 'junit' };
    let published = 0;
    for (const job of jobs) {
      expect(job.artifacts.when).toBe('always');
      for (const command of job.script.filter((line) => line.startsWith('modal-lint'))) {
        const options = parseCli(modalLintArgs(command)!);
        expect(job.artifacts.reports[reportKind[options.format!]!]).toBe(options.output);
        published++;
      }
    }
    expect(published).toBeGreaterThanOrEqual(3);
  });
});

describe('recipe commands on a real project', () => {
  const commands = [...CI_DOC.matchAll(/^\s*(?:- run: |run: |- )(modal-lint(?: .*)?)$/gm)].map((match) => match[1]!);

  it('are found in docs/ci.md', () => {
    expect(commands.length).toBeGreaterThanOrEqual(4);
  });

  it('write the files the recipes publish, in their formats', () => {
    const project = folders.make();
    fs.writeFileSync(path.join(project, 'app.py'), 'import torch\n\nimport modal\n\napp = modal.App("recipe-check")\n');
    for (const command of commands) {
      const args = modalLintArgs(command)!;
      const options = parseCli(args);
      const result = runCli(args, { cwd: project });
      expect(result.code, `${command}\n${result.stdout}${result.stderr}`).toBe(options.exitZero ? 0 : 1);
      if (!options.output) {
        expect(result.stdout).toMatch(/heavy-import-at-module-level/);
        continue;
      }
      const written = fs.readFileSync(path.join(project, options.output), 'utf8');
      if (options.format === 'sarif') expect(validateSarif(JSON.parse(written))).toEqual([]);
      if (options.format === 'gitlab') {
        const issues = JSON.parse(written) as CodeQualityIssue[];
        expect(issues.map((issue) => [issue.check_name, issue.location.path, issue.severity])).toEqual([['heavy-import-at-module-level', 'app.py', 'major']]);
      }
      if (options.format === 'junit') expect(written).toMatch(/^<\?xml [\s\S]*<testcase name="app\.py"[\s\S]*<failure /);
    }
   }, 300_000);
});
