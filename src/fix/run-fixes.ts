import { createTwoFilesPatch } from 'diff';
import type { FileResult, LintReport } from '../diagnostics.js';
import type { LintSettings } from '../engine/lint.js';
import { eligibleFixes } from './apply.js';
import { fixSource } from './fix-source.js';
import { encodeLike, rereadUnchanged, writeAtomically } from './write.js';

export interface FixRunOptions {
  unsafe: boolean;
  /** Print a diff instead of writing. */
  diffOnly: boolean;
  /** Source given on stdin: fixed text is printed, never written. */
  stdin: boolean;
}

export interface FixRunResult {
  /** Fixes applied (or, with `--diff`, that would be). */
  fixCount: number;
  filesChanged: number;
  diff: string;
  /** The fixed source of a stdin input, to print in place of a report. */
  stdinText?: string;
  messages: string[];
}

/**
 * Applies fixes to every file of a report that has eligible fixes, and updates the report to
 * the findings that remain. Files that cannot be fixed safely are left alone with a message.
 */
export async function runFixes(report: LintReport, settings: LintSettings, options: FixRunOptions): Promise<FixRunResult> {
  const result: FixRunResult = { fixCount: 0, filesChanged: 0, diff: '', messages: [] };
  for (const file of report.files) {
    if (file.source === undefined || eligibleFixes(file.diagnostics, options.unsafe).length === 0) continue;
    await fixFile(file, settings, options, result);
  }
  return result;
}

async function fixFile(file: FileResult, settings: LintSettings, options: FixRunOptions, result: FixRunResult): Promise<void> {
  let originalBytes: Buffer | undefined;
  if (!options.stdin) {
    const reread = rereadUnchanged(file.path, file.source!);
    if ('reason' in reread) {
      result.messages.push(`${file.relativePath}: not fixed: ${reread.reason}`);
      return;
    }
    originalBytes = reread.bytes;
  }
  const fixed = await fixSource(file.path, file.source!, settings, options.unsafe);
  if (fixed.refused) {
    result.messages.push(`${file.relativePath}: not fixed: ${fixed.refused}`);
    return;
  }
  if (fixed.text === file.source) return;
  if (options.diffOnly) {
    result.diff += createTwoFilesPatch(`a/${file.relativePath}`, `b/${file.relativePath}`, file.source!, fixed.text, '', '');
  } else {
    if (options.stdin) result.stdinText = fixed.text;
    else {
      const outcome = writeAtomically(file.path, originalBytes!, encodeLike(originalBytes!, fixed.text));
      if (!outcome.written) {
        result.messages.push(`${file.relativePath}: not fixed: ${outcome.reason}`);
        return;
      }
    }
    file.diagnostics = fixed.diagnostics;
    file.source = fixed.text;
  }
  result.fixCount += fixed.fixCount;
  result.filesChanged += 1;
}
