/**
 * Where a run's time goes, like ESLint's `TIMING=1`: the parse and model of each file, and each
 * rule's `check`, summed over the files of the run (and over worker threads). Off unless asked
 * for (`--timing`): a disabled clock costs one boolean test per rule and file.
 */
const totals = new Map<string, number>();
let enabled = false;

export const PARSE_AND_MODEL = '(parse + model)';

export function enableTiming(on = true): void {
  enabled = on;
}

export function timingEnabled(): boolean {
  return enabled;
}

/** Runs `fn`, adding its duration to `label` when timing is on. */
export function timed<T>(label: string, fn: () => T): T {
  if (!enabled) return fn();
  const start = performance.now();
  try {
    return fn();
  } finally {
    totals.set(label, (totals.get(label) ?? 0) + performance.now() - start);
  }
}

/** The totals gathered so far in this thread, emptied: a worker sends them back with its results. */
export function takeTimings(): Record<string, number> {
  const taken = Object.fromEntries(totals);
  totals.clear();
  return taken;
}

export function addTimings(more: Record<string, number> | undefined): void {
  for (const [label, ms] of Object.entries(more ?? {})) totals.set(label, (totals.get(label) ?? 0) + ms);
}

/** A table of every measured part, slowest first, with its share of the measured total. */
export function formatTimings(timings: Record<string, number>, wallMs: number): string {
  const rows = Object.entries(timings).sort((a, b) => b[1] - a[1]);
  const measured = rows.reduce((sum, [, ms]) => sum + ms, 0);
  const width = Math.max(20, ...rows.map(([label]) => label.length));
  const lines = [`${'Rule'.padEnd(width)} | Time (ms) | Relative`, `${'-'.repeat(width)}-|-----------|---------`];
  for (const [label, ms] of rows) lines.push(`${label.padEnd(width)} | ${ms.toFixed(1).padStart(9)} | ${((100 * ms) / (measured || 1)).toFixed(1).padStart(7)}%`);
  lines.push(`${'(all measured)'.padEnd(width)} | ${measured.toFixed(1).padStart(9)} | ${'100.0'.padStart(7)}%`);
  lines.push(`wall time of the run: ${wallMs.toFixed(0)} ms (with several threads, measured time is summed over them)`);
  return `${lines.join('\n')}\n`;
}
