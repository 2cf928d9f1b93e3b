import fs from 'node:fs';
import type { LintReport } from '../diagnostics.js';
import { decodeSource } from '../engine/decode.js';
import { UNUSED_SUPPRESSION } from '../engine/suppressions.js';
import { addIgnoreComments } from './add-ignore.js';
import { encodeLike, writeAtomically } from './write.js';

export interface AddIgnoreRunResult {
  /** Rule ids written into suppression comments, over all files. */
  commentCount: number;
  filesChanged: number;
  /** The new text of a stdin input, to print instead of a report. */
  stdinText?: string;
  messages: string[];
}

/**
 * `--add-ignore`: writes a suppression comment for every finding of a report into its file
 * (atomically, with the file's byte-order mark and line endings), or returns the new text of a
 * stdin input. Files that changed on disk since they were linted, or that are not valid UTF-8,
 * are left alone with a message.
 */
export async function addIgnoresToReport(report: LintReport, options: { stdin: boolean }): Promise<AddIgnoreRunResult> {
  const result: AddIgnoreRunResult = { commentCount: 0, filesChanged: 0, messages: [] };
  for (const file of report.files) {
    if (file.source === undefined || !file.diagnostics.some((diagnostic) => diagnostic.ruleId !== UNUSED_SUPPRESSION.id)) continue;
    let originalBytes: Buffer | undefined;
    if (!options.stdin) {
      try {
        originalBytes = fs.readFileSync(file.path);
      } catch {
        result.messages.push(`${file.relativePath}: not changed: the file could not be read again`);
        continue;
      }
      const decoded = decodeSource(originalBytes);
      if (decoded.notices.length > 0 || decoded.binary) {
        result.messages.push(`${file.relativePath}: not changed: the file is not valid UTF-8`);
        continue;
      }
      if (decoded.text !== file.source) {
        result.messages.push(`${file.relativePath}: not changed: the file changed on disk after it was linted`);
        continue;
      }
    }
    const added = await addIgnoreComments(file.source, file.diagnostics);
    for (const skipped of added.skipped) result.messages.push(`${file.relativePath}:${skipped.line}: no suppression written for ${skipped.ruleIds.join(', ')}: ${skipped.reason}`);
    if (added.text === file.source) continue;
    if (options.stdin) result.stdinText = added.text;
    else {
      const outcome = writeAtomically(file.path, originalBytes!, encodeLike(originalBytes!, added.text));
      if (!outcome.written) {
        result.messages.push(`${file.relativePath}: not changed: ${outcome.reason}`);
        continue;
      }
    }
    result.commentCount += added.added;
    result.filesChanged += 1;
  }
  return result;
}
