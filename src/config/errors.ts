/** A config file that cannot be used as written. The message names the file and, when there is one, the key. */
export class ConfigError extends Error {
  readonly file: string;
  readonly key?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(
    message: string,
    details: { file: string; key?: string; line?: number; column?: number },
  ) {
    super(message);
    this.name = 'ConfigError';
    this.file = details.file;
    if (details.key !== undefined) this.key = details.key;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
  }
}
