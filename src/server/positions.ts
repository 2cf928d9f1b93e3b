/**
 * Positions as the protocol counts them: 0-based lines, characters in the encoding negotiated at
 * `initialize` (UTF-16 code units by default, UTF-8 bytes when the client offers it). The engine
 * counts UTF-16 code units, 1-based.
 */
export type PositionEncoding = 'utf-16' | 'utf-8';

export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

/** Line starts of a text; `\r\n`, `\n` and a lone `\r` each end a line, for Python and for the protocol alike. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (const match of text.matchAll(/\r\n|\r|\n/g)) this.starts.push(match.index + match[0].length);
  }

  /** Offset just before the line break of a line (or the end of the text). */
  private lineEnd(line: number): number {
    const next = this.starts[line + 1];
    if (next === undefined) return this.text.length;
    return this.text[next - 2] === '\r' && this.text[next - 1] === '\n' ? next - 2 : next - 1;
  }

  /** UTF-16 offset of a protocol position; out-of-range lines and characters are clamped, as the protocol asks. */
  offsetAt(position: LspPosition, encoding: PositionEncoding): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[position.line]!;
    const end = this.lineEnd(position.line);
    if (encoding === 'utf-16') return Math.min(start + Math.max(0, position.character), end);
    let bytes = 0;
    let offset = start;
    while (offset < end && bytes < position.character) {
      const codePoint = this.text.codePointAt(offset)!;
      bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      offset += codePoint >= 0x10000 ? 2 : 1;
    }
    return offset;
  }

  /** Protocol position of a UTF-16 offset. */
  positionAt(offset: number, encoding: PositionEncoding): LspPosition {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    const start = this.starts[low]!;
    const inLine = Math.min(clamped, this.lineEnd(low));
    const character = encoding === 'utf-16' ? inLine - start : Buffer.byteLength(this.text.slice(start, inLine), 'utf8');
    return { line: low, character };
  }

  /** UTF-16 offset of an engine position (1-based line, 1-based UTF-16 column). */
  offsetOfEnginePosition(line: number, column: number): number {
    const start = this.starts[line - 1];
    if (start === undefined) return this.text.length;
    return Math.min(start + column - 1, this.lineEnd(line - 1));
  }

  /** Protocol range of an engine range. */
  rangeOf(range: { start: { line: number; column: number }; end: { line: number; column: number } }, encoding: PositionEncoding): LspRange {
    return {
      start: this.positionAt(this.offsetOfEnginePosition(range.start.line, range.start.column), encoding),
      end: this.positionAt(this.offsetOfEnginePosition(range.end.line, range.end.column), encoding),
    };
  }
}
