/** The zip reader: mutated archives (stored, deflated, ZIP64 extra fields). */
import fc from 'fast-check';
import { zipSync } from 'fflate';
import {
  bytesAccess,
  entryProblem,
  readZipDirectory,
  readZipEntry,
  ZipError,
} from '../../../src/core/datasets/zip';
import { ensure, parsedOrRefused, type FuzzTarget } from '../harness';
import { mutatedBytes } from '../mutate';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function bases(): Uint8Array[] {
  const data = text('pixels '.repeat(40));
  return [
    zipSync({ 'a/1.png': data, 'b/2.png': [data, { level: 0 }], 'c/': new Uint8Array(0) }),
    zipSync({ 'x.txt': text('one') }, { level: 9 }),
  ];
}

export const zipBytes: FuzzTarget<Uint8Array> = {
  name: 'zip',
  arbitrary: fc.constant(null).chain(() => mutatedBytes(bases())),
  async check(bytes) {
    const src = bytesAccess(bytes);
    const entries = await parsedOrRefused(() => readZipDirectory(src), ZipError);
    if (!entries) return;
    for (const e of entries) {
      ensure(typeof e.name === 'string', 'an entry without a name');
      if (entryProblem(e) !== null) continue;
      const data = await parsedOrRefused(() => readZipEntry(src, e), ZipError);
      if (data) ensure(data.length === e.size, `${e.name}: ${data.length} bytes, not ${e.size}`);
    }
  },
};
