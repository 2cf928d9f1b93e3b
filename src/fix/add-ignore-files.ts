import type { LintReport } from '../diagnostics.js';
import { UNUSED_SUPPRESSION } from '../engine/suppressions.js';
import { addIgnoreComments } from './add-ignore.js';
import { encodeLike, rereadUnchanged, writeAtomically } from './write.js';

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
      const reread = rereadUnchanged(file.path, file.source);
      if ('reason' in reread) {
        result.messages.push(`${file.relativePath}: not changed: ${reread.reason}`);
        continue;
      }
      originalBytes = reread.bytes;
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
