import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

// ajv-formats is CommonJS with only a default export, which ESM sees under `.default`.
const addFormats = ajvFormats.default;

/**
 * The official SARIF 2.1.0 schema (JSON Schema draft 2020-12), as shipped inside
 * @microsoft/sarif-multitool's platform package. The multitool installs exactly one
 * platform package (linux, darwin or win32) as an optional dependency; each carries
 * the same `sarif-2.1.0.json`, so it is resolved from the wrapper's own location.
 */
export function sarifSchemaPath(): string {
  const requireFromHere = createRequire(import.meta.url);
  const requireFromMultitool = createRequire(requireFromHere.resolve('@microsoft/sarif-multitool/package.json'));
  const platformPackage = `@microsoft/sarif-multitool-${process.platform}`;
  return requireFromMultitool.resolve(`${platformPackage}/sarif-2.1.0.json`);
}

let validate: ValidateFunction | undefined;

function compiledValidator(): ValidateFunction {
  if (validate === undefined) {
    const schema = JSON.parse(readFileSync(sarifSchemaPath(), 'utf8')) as object;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    validate = ajv.compile(schema);
  }
  return validate;
}

/** Schema violations of a SARIF log, one readable line each; empty when the log is valid. */
export function validateSarif(log: unknown): string[] {
  const check = compiledValidator();
  if (check(log)) return [];
  return (check.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`,
  );
}
