import fs from 'node:fs';
import path from 'node:path';

/** A report destination that cannot be written; the message is one line, ready for the user. */
export class OutputError extends Error {}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ELOOP':
      return 'symbolic link loop';
    default:
      return code ?? (error as Error).message;
  }
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the report can be written to `file` (absolute): creates the missing folders above
 * it one level at a time, and throws OutputError with one line otherwise. Node's recursive
 * `mkdirSync` never returns for some paths (below /proc, for one), so it is not used here.
 */
export function prepareOutput(file: string, shown: string): void {
  const fail = (why: string): never => {
    throw new OutputError(`cannot write the report to ${shown}: ${why}`);
  };
  const own = lstatOrUndefined(file);
  if (own?.isSymbolicLink()) {
    try {
      fs.statSync(file);
    } catch (error) {
      const target = fs.readlinkSync(file);
      fail((error as NodeJS.ErrnoException).code === 'ELOOP' ? 'symbolic link loop' : `broken symbolic link to ${target}`);
    }
  }
  if (own && fs.statSync(file).isDirectory()) fail('is a directory');

  const missing: string[] = [];
  let dir = path.dirname(file);
  for (;;) {
    const stats = lstatOrUndefined(dir);
    if (stats) {
      let isDirectory = stats.isDirectory();
      if (stats.isSymbolicLink()) {
        try {
          isDirectory = fs.statSync(dir).isDirectory();
        } catch {
          fail(`${dir} is a broken symbolic link`);
        }
      }
      if (!isDirectory) fail(`${dir} is not a directory`);
      break;
    }
    missing.unshift(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder);
    } catch (error) {
      fail(`cannot create ${folder}: ${reason(error)}`);
    }
  }
}

/** Writes the report; any failure becomes an OutputError with one line. */
export function writeOutput(file: string, shown: string, text: string): void {
  prepareOutput(file, shown);
  try {
    fs.writeFileSync(file, text);
  } catch (error) {
    throw new OutputError(`cannot write the report to ${shown}: ${reason(error)}`);
  }
}
