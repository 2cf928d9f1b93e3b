import { createRequire } from 'node:module';

/** The version in package.json, so `--version`, SARIF and the cache key agree with the package. */
export const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
