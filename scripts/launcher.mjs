// Launcher written into dist/bundle/ by scripts/bundle.mjs for each bundled entry (the CLI, the
// worker thread). Node 20 has no `module.enableCompileCache()`, so the launcher keeps V8's code
// cache itself: the bundle is compiled through `vm.Script` with the `cachedData` a previous run
// saved, which skips parsing and compiling every function that run used. The cache lives in
// `.code-cache/` beside the bundle (deleted with it by every build), keyed by the bundle's content
// hash, the Node version and the architecture; V8 rejects data from another V8 or other flags, and
// a rejected, missing or unwritable cache only costs the compile it would have saved.
// MODAL_LINT_CODE_CACHE=0 turns it off.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const BUNDLE = '__BUNDLE__';
const BUNDLE_HASH = '__BUNDLE_HASH__';

const here = path.dirname(fileURLToPath(import.meta.url));
const file = path.join(here, BUNDLE);
const source = fs.readFileSync(file, 'utf8');
const enabled = process.env.MODAL_LINT_CODE_CACHE !== '0';
const cacheDir = path.join(here, '.code-cache');
const cacheFile = path.join(cacheDir, `${BUNDLE}-${BUNDLE_HASH}-${process.version}-${process.arch}-${crypto.createHash('sha256').update(process.execArgv.join(' ')).digest('hex').slice(0, 8)}.bin`);

let cachedData;
if (enabled) {
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet: this run compiles and saves one.
  }
}
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: file,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
// Saved when the process ends, so the cache holds every function this run compiled. Runs that
// only print help or a version would save little: they leave the cache to a real run.
const informational = process.argv.slice(2).some((arg) => ['-h', '--help', '-V', '--version', '--list-rules'].includes(arg));
if (enabled && (cachedData === undefined || script.cachedDataRejected) && !informational) {
  process.once('exit', () => {
    try {
      const data = script.createCachedData();
      fs.mkdirSync(cacheDir, { recursive: true });
      const temporary = `${cacheFile}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(temporary, data, { flag: 'wx' });
      fs.renameSync(temporary, cacheFile);
    } catch {
      // Read-only install or full disk: later runs compile as this one did.
    }
  });
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, here);
