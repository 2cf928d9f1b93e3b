import fs from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import type { Exclusions } from './exclusions.js';

const PYTHON_GLOBS = ['**/*.py', '**/*.pyi'];

function isPythonFileName(name: string): boolean {
  return name.endsWith('.py') || name.endsWith('.pyi');
}

type ReaddirCallback = (error: NodeJS.ErrnoException | null, entries: fs.Dirent[]) => void;

/** A symlinked file shown to fast-glob as the regular file it points to, so `onlyFiles` keeps it. */
function asRegularFileEntry(name: string): fs.Dirent {
  const no = (): boolean => false;
  const entry = {
    name,
    isFile: () => true,
    isDirectory: no,
    isSymbolicLink: no,
    isBlockDevice: no,
    isCharacterDevice: no,
    isFIFO: no,
    isSocket: no,
  };
  return entry as unknown as fs.Dirent;
}

async function resolveLinkedFile(entry: fs.Dirent, entryPath: string): Promise<fs.Dirent | undefined> {
  try {
    return (await fs.promises.stat(entryPath)).isFile() ? asRegularFileEntry(entry.name) : undefined;
  } catch {
    // A broken link in a walk is nothing the user asked for by name.
    return undefined;
  }
}

/** Plain concatenation: `dir` is already normalized, and path.join on every entry shows on large trees. */
function childPath(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
}

/** The entries of `dir` worth showing to fast-glob: directories to descend into and Python files to report. */
async function visibleEntries(dir: string, entries: fs.Dirent[], exclusions: Exclusions, onExcluded?: ExcludedHandler): Promise<fs.Dirent[]> {
  exclusions.enterDirectory(dir, (name) => entries.some((entry) => entry.name === name));
  const visible: fs.Dirent[] = [];
  const linkedFiles: Array<Promise<fs.Dirent | undefined>> = [];
  for (const entry of entries) {
    if (entry.isDirectory()) {
      const entryPath = childPath(dir, entry.name);
      if (!exclusions.isExcludedEntry(entryPath, true)) visible.push(entry);
      else onExcluded?.(entryPath, true);
    } else if (isPythonFileName(entry.name)) {
      const entryPath = childPath(dir, entry.name);
      if (exclusions.isExcludedEntry(entryPath, false)) {
        onExcluded?.(entryPath, false);
        continue;
      }
      if (entry.isFile()) visible.push(entry);
      else if (entry.isSymbolicLink()) linkedFiles.push(resolveLinkedFile(entry, entryPath));
    }
  }
  for (const linked of await Promise.all(linkedFiles)) {
    if (linked) visible.push(linked);
  }
  return visible;
}

export type UnreadableDirectoryHandler = (dir: string, error: NodeJS.ErrnoException) => void;
/** Told of every Python file and folder a walk leaves out, so an empty run can say why. */
export type ExcludedHandler = (entryPath: string, isDirectory: boolean) => void;

/**
 * fast-glob has no hook to prune with gitignore semantics, so it is handed a
 * `readdir` that lists only what survives the exclusions: excluded and ignored
 * directories are never entered, however large they are.
 */
function filteringReaddir(exclusions: Exclusions, onUnreadable: UnreadableDirectoryHandler, onExcluded?: ExcludedHandler) {
  return (dir: string, _options: unknown, callback: ReaddirCallback): void => {
    const directory = path.resolve(dir);
    fs.readdir(directory, { withFileTypes: true }, (error, entries) => {
      if (error) {
        onUnreadable(directory, error);
        callback(error, []);
        return;
      }
      visibleEntries(directory, entries, exclusions, onExcluded).then(
        (visible) => callback(null, visible),
        (failure: NodeJS.ErrnoException) => callback(failure, []),
      );
    });
  };
}

/** Python files below `root` (absolute), minus what the exclusions leave out. */
export async function walkPythonFiles(
  root: string,
  exclusions: Exclusions,
  onUnreadable: UnreadableDirectoryHandler,
  onExcluded?: ExcludedHandler,
): Promise<string[]> {
  const found = await fg(PYTHON_GLOBS, {
    cwd: root,
    onlyFiles: true,
    dot: true,
    followSymbolicLinks: false,
    suppressErrors: true,
    // The caller merges results in a Set; fast-glob's own bookkeeping of seen paths would be paid twice.
    unique: false,
    fs: { readdir: filteringReaddir(exclusions, onUnreadable, onExcluded) as unknown as typeof fs.readdir },
  });
  // Joined by hand: fast-glob's `absolute` runs path.resolve on every result, a cost that shows on large trees.
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return found.map((relative) => prefix + (path.sep === '/' ? relative : relative.replaceAll('/', path.sep)));
}
