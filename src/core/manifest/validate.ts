/** Validates a model manifest: the JSON schema first, then the rules in rules.ts. */
import { assertSupportedSchema, validateAgainstSchema, type JsonSchema } from './jsonSchema';
import schemaJson from './manifest.schema.json';
import { semanticErrors } from './rules';
import type { ModelManifest } from './types';

export const manifestSchema = schemaJson as JsonSchema;
assertSupportedSchema(manifestSchema);

export type ManifestValidation =
  { ok: true; manifest: ModelManifest } | { ok: false; errors: string[] };

/**
 * Checks `json` (e.g. the result of JSON.parse) against manifest.schema.json and, when that
 * passes, against the semantic rules. Each error names a JSON path and what is wrong with it.
 */
export function validateManifest(json: unknown): ManifestValidation {
  const schemaErrors = validateAgainstSchema(json, manifestSchema);
  if (schemaErrors.length) return { ok: false, errors: schemaErrors };
  const manifest = json as ModelManifest;
  const errors = semanticErrors(manifest);
  return errors.length ? { ok: false, errors } : { ok: true, manifest };
}
