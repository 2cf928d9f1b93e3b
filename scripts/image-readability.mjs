// Measures how many registrations have an image whose Python packages the linter can read in full
// (every install step read, every installed distribution known to the package tables), the
// condition under which `missing-image-package` can prove a package absent.
// Usage: node scripts/image-readability.mjs <folder> [--list]
import fs from 'node:fs';
import path from 'node:path';
import { ProjectIndex } from '../dist/engine/project.js';
import { containerOf, DEFAULT_PACKAGE_SETTINGS } from '../dist/model/environment/index.js';
import { builderDistributions, installedDistributions } from '../dist/model/packages/index.js';
import { getParser, parseWith } from '../dist/parser/parser.js';

const root = path.resolve(process.argv[2] ?? '.');
const list = process.argv.includes('--list');
const parser = await getParser();

function pythonFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return pythonFiles(full);
    return entry.name.endsWith('.py') ? [full] : [];
  });
}

const files = pythonFiles(root);
const index = new ProjectIndex(root, () => undefined, (source) => parseWith(parser, source), () => files);
let total = 0;
let readable = 0;
const reasons = new Map();
for (const file of files) {
  let model;
  try {
    model = index.modelFor(file);
  } catch {
    continue;
  }
  if (!model) continue;
  for (const registration of model.registrations) {
    if (registration.kind === 'local_entrypoint') continue;
    total++;
    const { image, contents } = containerOf(model, registration);
    let why = null;
    if (image.kind === 'unknown') why = 'image not followed';
    else if (contents.packagesUnknown) why = contents.packagesUnknown;
    else if (contents.spec.unreadable.length > 0) why = `unreadable: ${contents.spec.unreadable[0]}`;
    else {
      const installed = installedDistributions(contents.spec.requirements, DEFAULT_PACKAGE_SETTINGS.tables);
      if (!builderDistributions(DEFAULT_PACKAGE_SETTINGS.builderVersion)) why = 'builder version';
      else if (installed.unknown.size > 0) why = `unknown to the tables: ${[...installed.unknown].sort().join(', ')}`;
    }
    if (why === null) readable++;
    else {
      const key = why.startsWith('unknown to the tables') ? 'unknown to the tables' : why.replace(/\(.*\)/, '(...)');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
      if (list) console.log(`${path.relative(root, file)}:${registration.node.startRow + 1}: ${why}`);
    }
  }
  index.release(file);
}
console.log(`${readable} of ${total} registrations (${((100 * readable) / Math.max(total, 1)).toFixed(1)}%) have an image whose packages are read in full`);
for (const [why, count] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${count}\t${why}`);
