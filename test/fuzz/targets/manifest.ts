/** The manifest validator: a real manifest with values replaced or removed at any path. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { validateManifest } from '../../../src/core/manifest/validate';
import { ensure, parsedOrRefused, type FuzzTarget } from '../harness';
import { mutatedJson } from '../jsonMutate';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function real(): unknown {
  return JSON.parse(readFileSync(join(ROOT, 'public/models/fmnist-adm-s/manifest.json'), 'utf8'));
}

export const manifestJson: FuzzTarget<unknown> = {
  name: 'manifest',
  arbitrary: fc.oneof(
    { weight: 9, arbitrary: fc.constant(null).chain(() => mutatedJson(real())) },
    { weight: 1, arbitrary: fc.jsonValue() },
  ),
  async check(json) {
    // The validator refuses by its result, never by throwing: nothing may be thrown at all.
    const r = await parsedOrRefused(() => validateManifest(json));
    ensure(r !== undefined, 'no result');
    if (r.ok) ensure(r.manifest === json, 'a valid manifest is returned as it was given');
    else
      ensure(
        r.errors.length > 0 && r.errors.every((e) => typeof e === 'string' && e !== ''),
        'a refusal without reasons',
      );
  },
};
