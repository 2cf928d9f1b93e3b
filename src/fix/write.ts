import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { decodeSource } from '../engine/decode.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export type WriteOutcome = { written: true } | { written: false; reason: string };

/**
 * Reads a linted file again before rewriting it: its bytes when they still decode, as valid UTF-8,
 * to the text that was linted; otherwise why it must be left alone.
 */
export function rereadUnchanged(filePath: string, lintedText: string): { bytes: Buffer } | { reason: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(filePath);
  } catch {
    return { reason: 'the file could not be read again' };
  }
  const decoded = decodeSource(bytes);
  // Replacement characters would be written back as real text: never rewrite undecodable bytes.
  if (decoded.notices.length > 0 || decoded.binary) return { reason: 'the file is not valid UTF-8' };
  if (decoded.text !== lintedText) return { reason: 'the file changed on disk after it was linted' };
  return { bytes };
}

/** The bytes a fixed text becomes: UTF-8, with the original's byte-order mark kept. */
export function encodeLike(originalBytes: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return originalBytes.subarray(0, 3).equals(BOM) ? Buffer.concat([BOM, body]) : body;
}

/**
 * Replaces a file atomically: the new bytes go to a temporary file in the same folder, which is
 * renamed over the original, so a crash or a concurrent run never leaves a half-written file.
 * The file's mode is kept. If the file changed on disk since `originalBytes` were read, it is
 * not overwritten.
 */
export function writeAtomically(filePath: string, originalBytes: Buffer, newBytes: Buffer): WriteOutcome {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(filePath);
    if (!fs.readFileSync(filePath).equals(originalBytes)) return { written: false, reason: 'the file changed on disk while it was being fixed; it was not overwritten' };
  } catch (error) {
    return { written: false, reason: `could not be re-read before writing (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  const temporary = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.modal-lint.tmp`);
  try {
    fs.writeFileSync(temporary, newBytes, { mode: stats.mode & 0o7777, flag: 'wx' });
    fs.chmodSync(temporary, stats.mode & 0o7777);
    // Last check right before the rename narrows the window in which another writer could race us.
    if (!fs.readFileSync(filePath).equals(originalBytes)) {
      fs.rmSync(temporary, { force: true });
      return { written: false, reason: 'the file changed on disk while it was being fixed; it was not overwritten' };
    }
    fs.renameSync(temporary, filePath);
    return { written: true };
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    return { written: false, reason: `could not be written (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
}
