/**
 * GPU types Modal documents (modal.com/docs/guide/gpu), the historic `A10G` and `ANY`, and `B300` (used by
 * Modal's own examples before the docs list it), with the most GPUs one container can get: 4 for A10,
 * 8 for the rest (8 is also the most any machine holds). The client has no list: the server decides.
 */
export const GPU_TYPES: ReadonlyMap<string, number> = new Map([
  ['T4', 8], ['L4', 8], ['A10', 4], ['A10G', 4], ['L40S', 8], ['A100', 8], ['A100-40GB', 8], ['A100-80GB', 8],
  ['RTX-PRO-6000', 8], ['H100', 8], ['H100!', 8], ['H200', 8], ['B200', 8], ['B200+', 8], ['B300', 8], ['ANY', 8],
]);

/** What is wrong with a `gpu=` string such as `"H100:2"`, read the way `parse_gpu_config` reads it. */
export type GpuSpecProblem =
  | { kind: 'unknown-type'; type: string; suggestion: string | null }
  | { kind: 'bad-count'; count: string }
  | { kind: 'too-many'; type: string; count: number; max: number };

/** `extraTypes`: more types to accept (upper-case), for GPUs Modal added after this list. */
export function gpuSpecProblem(spec: string, extraTypes: ReadonlySet<string> = new Set()): GpuSpecProblem | null {
  // The client splits on the first `:`, parses the rest with `int()` and upper-cases the type.
  const colon = spec.indexOf(':');
  const type = (colon < 0 ? spec : spec.slice(0, colon)).toUpperCase();
  const countText = colon < 0 ? '1' : spec.slice(colon + 1);
  const max = GPU_TYPES.get(type) ?? (extraTypes.has(type) ? 8 : undefined);
  if (max === undefined) return { kind: 'unknown-type', type, suggestion: closestGpuType(type) };
  const count = pythonInt(countText);
  if (count === null || count < 1) return { kind: 'bad-count', count: countText };
  if (count > max) return { kind: 'too-many', type, count, max };
  return null;
}

/** `int(text)` as Python reads a count: surrounding whitespace, a sign, digits with single underscores. */
function pythonInt(text: string): number | null {
  const match = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
  if (!match) return null;
  const value = Number.parseInt(match[2]!.replace(/_/g, ''), 10);
  return match[1] === '-' ? -value : value;
}

/** `A100_80GB` -> `A100-80GB`: the known type that differs only in punctuation. */
function closestGpuType(type: string): string | null {
  const bare = (text: string) => text.replace(/[^A-Z0-9]/g, '');
  const plain = [...GPU_TYPES.keys()].filter((known) => !known.endsWith('!') && !known.endsWith('+'));
  for (const known of plain) if (bare(known) === bare(type)) return known;
  // One letter off (`A100-80G` for `A100-80GB`, `H10` for `H100`), when exactly one type is that close.
  const near = plain.filter((known) => oneEditApart(bare(known), bare(type)));
  return near.length === 1 ? near[0]! : null;
}

/** Whether one insertion, deletion or substitution turns `a` into `b`. */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return endA - start <= 1 && endB - start <= 1;
}
