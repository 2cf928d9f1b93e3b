import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ALL_RULE_META } from '../engine/rule-set.js';

/** The package's folder: the first folder above this module with modal-lint's package.json (dist/ and the bundle alike). */
function packageRoot(): string | undefined {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (manifest.name === 'modal-lint') return dir;
    } catch {
      // No package.json here: keep walking up.
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

const root = packageRoot();
const known = new Map<string, string>();

/**
 * Where a rule's documentation (the text of `modal-lint explain RULE`) is: the page the build
 * copies into the package (dist/rule-docs/RULE.md), so it matches the installed version and
 * opens offline; in a checkout without a build, docs/rules/RULE.md; otherwise the Modal
 * documentation page the rule is based on.
 */
export function ruleDocsUrl(ruleId: string): string {
  let url = known.get(ruleId);
  if (url) return url;
  const candidates = root ? [path.join(root, 'dist', 'rule-docs', `${ruleId}.md`), path.join(root, 'docs', 'rules', `${ruleId}.md`)] : [];
  const page = candidates.find((candidate) => fs.existsSync(candidate));
  url = page ? pathToFileURL(page).href : (ALL_RULE_META.find((rule) => rule.id === ruleId)?.docs.link ?? 'https://modal.com/docs');
  known.set(ruleId, url);
  return url;
}
