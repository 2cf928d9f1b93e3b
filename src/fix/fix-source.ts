import type { Diagnostic, DiagnosticFix } from '../diagnostics.js';
import { lint, type LintSettings } from '../engine/lint.js';
import { getParser, parseWith } from '../parser/parser.js';
import { applyFixes, eligibleFixes } from './apply.js';

export const MAX_FIX_PASSES = 10;

export interface FixedSource {
  text: string;
  /** Number of fixes applied over all passes. */
  fixCount: number;
  /** Diagnostics of the final text. */
  diagnostics: Diagnostic[];
  /** Set when the fixed text no longer parsed: `text` is then the original. */
  refused?: string;
}

/**
 * Lints, applies eligible fixes and lints again, until no fix applies (at most ten passes).
 * The result is parsed before it is returned; a fix that breaks the syntax is refused and the
 * original text comes back unchanged.
 */
export async function fixSource(
  filePath: string,
  original: string,
  settings: LintSettings,
  unsafe: boolean,
  /** How a candidate text is linted; the language server lints with its open buffers. */
  diagnosticsOf: (filePath: string, text: string, settings: LintSettings) => Promise<Diagnostic[]> = lintedDiagnostics,
): Promise<FixedSource> {
  let text = original;
  let fixCount = 0;
  let diagnostics = await diagnosticsOf(filePath, text, settings);
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const fixes = eligibleFixes(diagnostics, unsafe);
    if (fixes.length === 0) break;
    const result = applyFixes(text, withLineEnding(fixes, lineEnding(original)));
    if (result.applied.length === 0 || result.text === text) break;
    text = result.text;
    fixCount += result.applied.length;
    diagnostics = await diagnosticsOf(filePath, text, settings);
  }
  if (text !== original) {
    const parser = await getParser();
    const originalBroken = parseWith(parser, original).hasError;
    if (!originalBroken && parseWith(parser, text).hasError) {
      return {
        text: original,
        fixCount: 0,
        diagnostics: await diagnosticsOf(filePath, original, settings),
        refused: 'applying the fixes would leave a syntax error; the file was left unchanged',
      };
    }
  }
  return { text, fixCount, diagnostics };
}

async function lintedDiagnostics(filePath: string, text: string, settings: LintSettings): Promise<Diagnostic[]> {
  const report = await lint([{ path: filePath, text, verbatim: true }], settings);
  return report.files[0]!.diagnostics;
}

/** The file's line ending: the first one it uses (`\n` for a file of one line). */
export function lineEnding(text: string): '\n' | '\r\n' | '\r' {
  const match = /\r\n|\r|\n/.exec(text);
  return (match?.[0] as '\n' | '\r\n' | '\r' | undefined) ?? '\n';
}

/** Rules write `\n` in the text they insert; in a CRLF (or CR) file it becomes that file's line ending. */
function withLineEnding(fixes: DiagnosticFix[], eol: string): DiagnosticFix[] {
  if (eol === '\n') return fixes;
  return fixes.map((fix) => ({ ...fix, edits: fix.edits.map((edit) => ({ ...edit, text: edit.text.replace(/\r\n|\r|\n/g, eol) })) }));
}
