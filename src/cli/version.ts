import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version in package.json, so `--version`, SARIF and the cache key agree with the package. */
function packageVersion(): string {
  // Walk up from this module: the same code runs from dist/cli/ and from a bundle in dist/.
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'modal-lint' && manifest.version) return manifest.version;
    } catch {
      // No package.json here: keep walking up.
    }
    if (path.dirname(dir) === dir) return '0.0.0';
  }
}

export const VERSION: string = packageVersion();
