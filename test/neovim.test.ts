import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, temporaryFolders, toolEnv } from './helpers/run-cli.js';

/**
 * A real LSP client: Neovim's built-in one, started headless with the set-up of
 * docs/editors.md as written, on an app with a fixable finding. It asserts the diagnostics
 * Neovim holds (their columns included, on a line with non-ASCII text) and the buffer's text
 * after Neovim applies the quick fix through its own code action command.
 */

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { encoding: 'utf8', env: options.env ?? toolEnv(), cwd: options.cwd, timeout: options.timeout ?? 120_000 });
}

/** Neovim's version, or why this test cannot run. Tests never install anything: `.ci/run` does. */
function prepareNeovim(): { version: string } | { unavailable: string } {
  const version = run('nvim', ['--version']);
  if (version.error) return { unavailable: 'nvim is not on PATH (install Neovim 0.7+, e.g. `apt-get install neovim`; .ci/run does)' };
  if (version.status !== 0) return { unavailable: `nvim --version failed: ${version.stderr.trim()}` };
  const match = /NVIM v(\d+)\.(\d+)/.exec(version.stdout);
  if (!match || Number(match[1]) === 0 && Number(match[2]) < 7) return { unavailable: `the recipe needs Neovim 0.7 or newer, found ${version.stdout.split('\n')[0]}` };
  return { version: version.stdout.split('\n')[0]! };
}

const neovim = prepareNeovim();
if ('unavailable' in neovim) console.warn(`Neovim test skipped: ${neovim.unavailable}`);

const folders = temporaryFolders('modal-lint-neovim-');
afterAll(() => folders.cleanup());

/** The Lua blocks of docs/editors.md that start the server. */
function recipes(): string[] {
  const doc = fs.readFileSync(path.join(REPOSITORY_ROOT, 'docs', 'editors.md'), 'utf8');
  return [...doc.matchAll(/^```lua\n([\s\S]*?)^```$/gm)].map((match) => match[1]!).filter((lua) => lua.includes('"server"'));
}

/** The block for the installed Neovim: the `vim.lsp.enable` form from 0.11 on, the older one before. */
function recipe(): string {
  const [major, minor] = (neovim as { version: string }).version.match(/v(\d+)\.(\d+)/)!.slice(1).map(Number);
  const modern = major! > 0 || minor! >= 11;
  const block = recipes().find((lua) => lua.includes('vim.lsp.enable') === modern);
  expect(block, `docs/editors.md has a Lua block for Neovim ${modern ? '0.11+' : 'before 0.11'} that starts \`modal-lint server\``).toBeDefined();
  return block!;
}

describe('docs/editors.md Neovim recipes', () => {
  it('give the 0.11+ form and the older one, each checking that modal-lint is on PATH first', () => {
    const blocks = recipes();
    expect(blocks.some((lua) => lua.includes('vim.lsp.config("modal_lint"') && lua.includes('vim.lsp.enable("modal_lint")'))).toBe(true);
    expect(blocks.some((lua) => lua.includes('vim.lsp.start_client'))).toBe(true);
    for (const lua of blocks) expect(lua.trimStart()).toMatch(/^(--[^\n]*\n)*if vim\.fn\.executable\("modal-lint"\) == 1 then/);
  });
});

const APP = [
  'import modal',
  '',
  'label = "café"; app = modal.App("Bad_Name")',
  '',
  '',
  '@app.function(keep_warm=1)',
  'def work():',
  '    pass',
  '',
].join('\n');

/** Runs in Neovim after the recipe: waits for diagnostics, applies a quick fix, waits again, writes what it saw. */
const DRIVER = `
local out = {}
local function snapshot()
  local items = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(items, { lnum = d.lnum, col = d.col, code = d.user_data and d.user_data.lsp and d.user_data.lsp.code or d.code, source = d.source, severity = d.severity })
  end
  table.sort(items, function(a, b) return a.lnum < b.lnum end)
  return items
end
local function has(code)
  for _, d in ipairs(snapshot()) do if d.code == code then return true end end
  return false
end
out.attached = vim.wait(30000, function() return #vim.lsp.buf_get_clients(0) > 0 end, 50)
out.got_diagnostics = vim.wait(30000, function() return has("removed-api") end, 50)
out.before = snapshot()
local client = vim.lsp.buf_get_clients(0)[next(vim.lsp.buf_get_clients(0))]
out.offset_encoding = client and client.offset_encoding
-- Neovim 0.7's code action command asks vim.ui.select to choose; choose the rename.
vim.ui.select = function(items, _, on_choice)
  for index, item in ipairs(items) do
    local action = item[2] or item.action
    if action and action.title == "Rename \`keep_warm\` to \`min_containers\`" then return on_choice(item, index) end
  end
  out.titles = vim.tbl_map(function(item) return (item[2] or item.action).title end, items)
  on_choice(nil, nil)
end
vim.api.nvim_win_set_cursor(0, { 6, 16 })
vim.lsp.buf.code_action()
out.fixed = vim.wait(30000, function() return vim.api.nvim_buf_get_lines(0, 5, 6, false)[1] ~= "@app.function(keep_warm=1)" end, 50)
out.cleared = vim.wait(30000, function() return not has("removed-api") end, 50)
out.after = snapshot()
out.text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\\n")
vim.fn.writefile({ vim.fn.json_encode(out) }, vim.env.MODAL_LINT_NVIM_OUT)
vim.cmd("qa!")
`;

describe.skipIf('unavailable' in neovim)('Neovim with the set-up of docs/editors.md', () => {
  it('shows the findings of the buffer and applies a quick fix through its code action command', () => {
    const dir = folders.make();
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    // The recipe runs `modal-lint server` from PATH, as an installed package provides it.
    fs.writeFileSync(path.join(bin, 'modal-lint'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(REPOSITORY_ROOT, 'dist', 'bundle', 'main.js')}" "$@"\n`, { mode: 0o755 });
    const project = path.join(dir, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'app.py'), APP);
    fs.writeFileSync(path.join(dir, 'init.lua'), recipe());
    fs.writeFileSync(path.join(dir, 'driver.lua'), DRIVER);
    const outFile = path.join(dir, 'out.json');
    const env = toolEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, MODAL_LINT_NVIM_OUT: outFile, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_STATE_HOME: dir, XDG_CACHE_HOME: dir });
    const result = run('nvim', ['--headless', '-u', path.join(dir, 'init.lua'), '-i', 'NONE', 'app.py', '-c', `luafile ${path.join(dir, 'driver.lua')}`], { cwd: project, env, timeout: 120_000 });
    expect(fs.existsSync(outFile), `nvim wrote no result (exit ${result.status}):\n${result.stdout}\n${result.stderr}`).toBe(true);
    const out = JSON.parse(fs.readFileSync(outFile, 'utf8')) as Record<string, any>;
    console.log(`${(neovim as { version: string }).version}: offset encoding ${out.offset_encoding}`);
    expect(out.attached).toBe(true);
    expect(out.got_diagnostics).toBe(true);
    const line = APP.split('\n')[2]!;
    // Neovim keeps byte columns: "é" is two bytes, so the App name starts one byte after its UTF-16 column.
    const nameByteColumn = Buffer.byteLength(line.slice(0, line.indexOf('"Bad_Name"')), 'utf8');
    expect(out.before).toEqual([
      { lnum: 2, col: nameByteColumn, code: 'kebab-case-name', source: 'modal-lint', severity: 2 },
      { lnum: 5, col: 14, code: 'removed-api', source: 'modal-lint', severity: 1 },
    ]);
    expect(out.fixed, `code actions offered: ${JSON.stringify(out.titles)}`).toBe(true);
    expect(out.text).toBe(APP.replace('keep_warm', 'min_containers').replace(/\n$/, ''));
    expect(out.cleared).toBe(true);
    expect(out.after.map((d: { code: string }) => d.code)).toEqual(['kebab-case-name']);
  }, 150_000);

  it('without modal-lint on PATH: one warning at start-up, no error per buffer', () => {
    const dir = folders.make();
    const project = path.join(dir, 'project');
    fs.mkdirSync(project);
    for (const name of ['a.py', 'b.py']) fs.writeFileSync(path.join(project, name), APP);
    fs.writeFileSync(path.join(dir, 'init.lua'), recipe());
    // A PATH with nvim's own folder only (no modal-lint in it).
    const nvimDir = path.dirname(run('sh', ['-c', 'command -v nvim']).stdout.trim());
    const env = toolEnv({ PATH: nvimDir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_STATE_HOME: dir, XDG_CACHE_HOME: dir });
    const messages = path.join(dir, 'messages.txt');
    const script = `edit a.py | edit b.py | sleep 500m | redir! > ${messages} | silent messages | redir END | qa!`;
    const result = run('nvim', ['--headless', '-u', path.join(dir, 'init.lua'), '-i', 'NONE', '-c', script], { cwd: project, env, timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const logged = fs.readFileSync(messages, 'utf8');
    expect(logged.match(/modal-lint is not on PATH/g) ?? []).toHaveLength(1);
    const said = `${result.stderr}\n${logged}`;
    expect(said).not.toMatch(/stack traceback|E\d+:|Error/);
  }, 90_000);
});
