import type { Rule } from './types.js';
import appMissingName from './app-missing-name.js';
import heavyImportAtModuleLevel from './heavy-import-at-module-level.js';
import isLocalSecretsMismatch from './is-local-secrets-mismatch.js';
import kebabCaseName from './kebab-case-name.js';
import minContainersWithGpu from './min-containers-with-gpu.js';
import missingHealthRoute from './missing-health-route.js';
import syntaxError from './syntax-error.js';

/** Every rule that reads the Modal model, in the order of the rule table. */
export const RULES: readonly Rule[] = [
  isLocalSecretsMismatch,
  heavyImportAtModuleLevel,
  missingHealthRoute,
  kebabCaseName,
  appMissingName,
  minContainersWithGpu,
  syntaxError,
] as Rule[];
