export interface DecodedSource {
  text: string;
  notices: string[];
  /** The file holds NUL bytes: binary data, not Python source. */
  binary: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** Decodes a file as UTF-8 (dropping a BOM); invalid bytes become U+FFFD with a notice. */
export function decodeSource(bytes: Uint8Array): DecodedSource {
  if (bytes.includes(0)) return { text: '', notices: ['file contains NUL bytes (binary data); skipped'], binary: true };
  try {
    return { text: strictUtf8.decode(bytes), notices: [], binary: false };
  } catch {
    return {
      text: lenientUtf8.decode(bytes),
      notices: ['file is not valid UTF-8; invalid bytes were replaced with U+FFFD before linting'],
      binary: false,
    };
  }
}
