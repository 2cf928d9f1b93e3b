import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProjectConfig, settingsFromConfig } from '../src/api/settings.js';
import { lint } from '../src/engine/lint.js';
import { parsePython } from '../src/parser/parser.js';
import { analysisAfterCommentEdit } from '../src/server/comment-edits.js';
import { Workspace } from '../src/server/workspace.js';

const EXAMPLES = path.resolve(import.meta.dirname, '..', 'examples');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-server-edits-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** What a fresh workspace (nothing cached, nothing incremental) reports for a text. */
async function fresh(filePath: string, text: string) {
  const workspace = await Workspace.create({ root });
  workspace.setBuffer(filePath, text);
  const { diagnostics, notices } = workspace.analyse(filePath);
  return { diagnostics, notices };
}

// Edits that keep, or break, the "only a comment changed" shortcut: typing in comments, a line
// break in one, a directive, the word modal, code.
const SAFE_PIECES = ['x', ' more words', '', 'é🚀', '"', ')'];
const OTHER_PIECES = ['modal', ' modal-lint: ignore[heavy-import-at-module-level]', '\n', 'import torch'];

describe('language server edits', () => {
  it('report after every edit exactly what a fresh analysis of the new text reports', async () => {
    const next = random(7);
    const sources: Array<[string, string]> = fs.readdirSync(EXAMPLES).filter((name) => name.endsWith('.py')).sort().slice(0, 5)
      .map((name) => [name, `${fs.readFileSync(path.join(EXAMPLES, name), 'utf8')}\nimport torch  # heavy\n`]);
    // Findings with fixes after the comments: their edits' offsets move with the typing.
    sources.push(['fixable.py', 'import modal\n# the App, under its old name\napp = modal.Stub("fixable")  # renamed later\n\n# done\n']);
    let shortcuts = 0;
    for (const [name, source] of sources) {
      const filePath = path.join(root, name);
      const workspace = await Workspace.create({ root });
      let text = source;
      workspace.setBuffer(filePath, text);
      workspace.analyse(filePath);
      for (let step = 0; step < 12; step++) {
        // Mostly inside an existing comment (after its `#`), sometimes anywhere.
        const comments = [...text.matchAll(/#[^\n]*/g)];
        const comment = comments[Math.floor(next() * comments.length)]!;
        const inComment = next() < 0.9;
        const at = inComment ? comment.index! + 1 + Math.floor(next() * comment[0].length) : Math.floor(next() * text.length);
        const removed = next() < 0.3 ? Math.min(3, text.indexOf('\n', at) - at) : 0;
        const before = workspace.analyse(filePath);
        text = text.slice(0, at) + (next() < 0.75 ? SAFE_PIECES[Math.floor(next() * SAFE_PIECES.length)]! : OTHER_PIECES[Math.floor(next() * OTHER_PIECES.length)]!) + text.slice(at + Math.max(0, removed));
        const expected = await fresh(filePath, text);
        const carried = analysisAfterCommentEdit(before, await parsePython(before.text), text);
        if (carried) {
          shortcuts++;
          expect({ diagnostics: carried.diagnostics, notices: carried.notices }, `${name}, step ${step}, carried over`).toEqual(expected);
        }
        workspace.setBuffer(filePath, text);
        const after = workspace.analyse(filePath);
        expect(after.text).toBe(text);
        expect({ diagnostics: after.diagnostics, notices: after.notices }, `${name}, step ${step}`).toEqual(expected);
      }
      // After the last edit, the command line (`--stdin-filename`) reports the same findings.
      const cli = await lint([{ path: filePath, text }], settingsFromConfig(loadProjectConfig(root), root));
      expect(workspace.analyse(filePath).diagnostics, `${name}: the command line`).toEqual(cli.files[0]!.diagnostics);
    }
    // Findings were carried over (rather than computed again) in many steps, and refused in others.
    expect(shortcuts).toBeGreaterThan(10);
    expect(shortcuts).toBeLessThan(66);
  });
});
