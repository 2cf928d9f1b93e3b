import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiagnosticFix } from '../src/diagnostics.js';
import { applyFixes } from '../src/fix/apply.js';
import { encodeLike, writeAtomically } from '../src/fix/write.js';

const edit = (start: number, end: number, text: string, title = 'edit'): DiagnosticFix => ({ safety: 'safe', title, edits: [{ start, end, text }] });

describe('applyFixes', () => {
  it('applies non-overlapping fixes and leaves overlapping ones for the next pass', () => {
    const text = 'keep_warm=1, concurrency_limit=2';
    const result = applyFixes(text, [edit(13, 30, 'max_containers'), edit(0, 9, 'min_containers'), edit(5, 20, 'clash')]);
    expect(result.text).toBe('min_containers=1, max_containers=2');
    expect(result.applied.map((fix) => fix.edits[0]!.text)).toEqual(['min_containers', 'max_containers']);
    expect(result.skipped).toBe(1);
  });

  it('applies all edits of a fix together, and identical fixes once', () => {
    const twoEdits: DiagnosticFix = { safety: 'safe', title: 'wrap', edits: [{ start: 0, end: 0, text: '[' }, { start: 3, end: 3, text: ']' }] };
    expect(applyFixes('abc', [twoEdits, { ...twoEdits }]).text).toBe('[abc]');
  });

  it('refuses edits outside the text', () => {
    const result = applyFixes('abc', [edit(2, 10, 'x')]);
    expect(result.text).toBe('abc');
    expect(result.skipped).toBe(1);
  });
});

describe('writeAtomically', () => {
  const tempFile = (bytes: Buffer, mode = 0o640) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modal-lint-write-'));
    const file = path.join(dir, 'app.py');
    fs.writeFileSync(file, bytes);
    fs.chmodSync(file, mode);
    return { dir, file };
  };

  it('replaces the file, keeps its mode and byte-order mark, and leaves no temporary file', () => {
    const original = Buffer.from('\uFEFFx = 1\r\ny = 2\r\n', 'utf8');
    const { dir, file } = tempFile(original, 0o751);
    const outcome = writeAtomically(file, original, encodeLike(original, 'x = 10\r\ny = 2\r\n'));
    expect(outcome).toEqual({ written: true });
    expect(fs.readFileSync(file)).toEqual(Buffer.from('\uFEFFx = 10\r\ny = 2\r\n', 'utf8'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o751);
    expect(fs.readdirSync(dir)).toEqual(['app.py']);
  });

  it('does not overwrite a file that changed on disk after it was read', () => {
    const original = Buffer.from('x = 1\n');
    const { file } = tempFile(original);
    fs.writeFileSync(file, 'x = 2  # edited meanwhile\n');
    const outcome = writeAtomically(file, original, Buffer.from('x = 3\n'));
    expect(outcome.written).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('x = 2  # edited meanwhile\n');
  });
});
