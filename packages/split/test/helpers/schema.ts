import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { REPO_ROOT } from './paths.js';

const schema = JSON.parse(
  readFileSync(join(REPO_ROOT, 'packages/split/manifest.schema.json'), 'utf8'),
) as object;

/** Validates a manifest against the shipped JSON Schema; returns the errors as text, or null. */
export function manifestSchemaErrors(manifest: unknown): string | null {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(schema);
  return validate(manifest) ? null : ajv.errorsText(validate.errors);
}
