/**
 * Turns a raw source line into what a terminal shows, and maps UTF-16 columns onto
 * terminal cells so that a marker line can sit exactly under a flagged span.
 */

export const TAB_WIDTH = 4;

export interface DisplayLine {
  /** The line as printed: tabs expanded, control characters made visible. */
  text: string;
  /** cellAt[i] is the terminal cell where UTF-16 offset i starts; cellAt[length] is the total width. */
  cellAt: number[];
}

/**
 * Splits source text into lines at `\r\n`, `\n` and a lone `\r`: the line breaks Python reads
 * (universal newlines), and the ones the parser counts rows at.
 */
export function splitSourceLines(source: string): string[] {
  return source.split(/\r\n|\r|\n/);
}

export function layoutLine(line: string): DisplayLine {
  const cellAt: number[] = [];
  let text = '';
  let cell = 0;
  for (const char of line) {
    const shown = char === '\t' ? ' '.repeat(TAB_WIDTH - (cell % TAB_WIDTH)) : visibleForm(char);
    const width = char === '\t' ? shown.length : cellWidth(shown);
    // A surrogate pair takes two offsets; both map to the cell where the character starts.
    for (let unit = 0; unit < char.length; unit += 1) cellAt.push(cell);
    text += shown;
    cell += width;
  }
  cellAt.push(cell);
  return { text, cellAt };
}

/** Terminal cell of a 1-based UTF-16 column, clamped to the line (one past its end at most). */
export function cellOfColumn(line: DisplayLine, column: number): number {
  const offset = Math.min(Math.max(column - 1, 0), line.cellAt.length - 1);
  return line.cellAt[offset] ?? 0;
}

/**
 * Control characters would move the cursor or start escape sequences when printed,
 * so they are shown as their Unicode "control picture" (or U+FFFD for C1 controls).
 */
function visibleForm(char: string): string {
  const codePoint = char.codePointAt(0) ?? 0;
  if (codePoint < 0x20) return String.fromCodePoint(0x2400 + codePoint);
  if (codePoint === 0x7f) return '\u2421';
  if (codePoint >= 0x80 && codePoint <= 0x9f) return '\ufffd';
  return char;
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;

/** East Asian Wide and Fullwidth blocks, the ranges classic wcwidth treats as two cells. */
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x20000, 0x3fffd],
];

/** Approximate terminal width of one code point (0, 1 or 2 cells). */
export function cellWidth(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  if (EMOJI_PRESENTATION.test(char)) return 2;
  const codePoint = char.codePointAt(0) ?? 0;
  return WIDE_RANGES.some(([low, high]) => codePoint >= low && codePoint <= high) ? 2 : 1;
}
