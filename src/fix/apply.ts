import type { Diagnostic, DiagnosticFix } from '../diagnostics.js';

export interface AppliedFixes {
  text: string;
  /** Fixes applied, in source order. */
  applied: DiagnosticFix[];
  /** Fixes left out because they overlapped one already taken; the next pass may take them. */
  skipped: number;
}

/** Fixes that may run: safe ones, and unsafe ones when the user asked for them. */
export function eligibleFixes(diagnostics: Diagnostic[], unsafe: boolean): DiagnosticFix[] {
  const fixes: DiagnosticFix[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.fix && (diagnostic.fix.safety === 'safe' || unsafe)) fixes.push(diagnostic.fix);
  }
  return fixes;
}

function span(fix: DiagnosticFix): [number, number] {
  let start = Infinity;
  let end = -Infinity;
  for (const edit of fix.edits) {
    start = Math.min(start, edit.start);
    end = Math.max(end, edit.end);
  }
  return [start, end];
}

/**
 * Applies non-overlapping fixes in one pass. A fix is all its edits or none; when two fixes
 * touch overlapping ranges the earlier one wins and the other waits for the next pass.
 * Identical fixes (two findings asking for the same edit) are applied once.
 */
export function applyFixes(text: string, fixes: DiagnosticFix[]): AppliedFixes {
  const seen = new Set<string>();
  const unique = fixes.filter((fix) => {
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const ordered = unique.filter((fix) => fix.edits.length > 0).sort((a, b) => span(a)[0] - span(b)[0] || span(a)[1] - span(b)[1]);
  const taken: DiagnosticFix[] = [];
  let skipped = 0;
  let lastEnd = -1;
  for (const fix of ordered) {
    const [start, end] = span(fix);
    if (start < lastEnd || start < 0 || end > text.length) {
      skipped++;
      continue;
    }
    taken.push(fix);
    lastEnd = Math.max(end, start === end ? end + 1 : end);
  }
  const edits = taken.flatMap((fix) => fix.edits).sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  for (const edit of edits) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return { text: result, applied: taken, skipped };
}
