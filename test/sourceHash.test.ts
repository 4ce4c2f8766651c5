import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { featuresKey, ROOT } from './heads-features';
import { hashFiles, producerHash, sourceClosure } from './sourceHash';

const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-sourcehash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): void {
  mkdirSync(join(tmp, name, '..'), { recursive: true });
  writeFileSync(join(tmp, name), text);
}

describe('sourceClosure and producerHash', () => {
  it('follow relative imports transitively, and change with any file they cover', () => {
    write(
      'a.ts',
      "import { b } from './lib/b';\nimport type { C } from '../tmp-c';\nexport * from './d';\n",
    );
    write(
      'lib/b.ts',
      "import { e } from './e/index';\nimport fs from 'node:fs';\nexport const b = 1;\n",
    );
    write('lib/e/index.ts', "export const e = await import('../f.mjs');\n");
    write('lib/f.mjs', 'export default 1;\n');
    write('d.ts', 'export const d = 2;\n');
    write('data.bin', 'xyz');
    write('unrelated.ts', 'export const u = 3;\n');
    expect(() => sourceClosure(join(tmp, 'a.ts'))).toThrow(/cannot resolve the import \.\.\/tmp-c/);
    write('a.ts', "import { b } from './lib/b';\nexport * from './d';\n");
    const files = sourceClosure(join(tmp, 'a.ts')).map((f) => relative(tmp, f));
    expect(files).toEqual(['a.ts', 'd.ts', 'lib/b.ts', 'lib/e/index.ts', 'lib/f.mjs']);

    const before = producerHash(tmp, 'a.ts', ['data.bin']);
    expect(producerHash(tmp, 'a.ts', ['data.bin'])).toBe(before);
    write('unrelated.ts', 'export const u = 4;\n');
    expect(producerHash(tmp, 'a.ts', ['data.bin'])).toBe(before);
    write('lib/f.mjs', 'export default 2;\n'); // deep in the closure
    const afterCode = producerHash(tmp, 'a.ts', ['data.bin']);
    expect(afterCode).not.toBe(before);
    write('data.bin', 'xyw');
    expect(producerHash(tmp, 'a.ts', ['data.bin'])).not.toBe(afterCode);
    expect(hashFiles(tmp, [join(tmp, 'd.ts')])).toMatch(/^[0-9a-f]{64}$/);
  });

  it('key the heads features on the extract code, the model and the images', () => {
    const files = sourceClosure(join(ROOT, 'test/heads-features.ts')).map((f) => relative(ROOT, f));
    for (const f of [
      'cli/commands/extract.ts',
      'cli/shared/images.ts',
      'cli/shared/npyWriter.ts',
      'cli/shared/session.ts',
      'src/core/features/batch.ts',
      'src/core/image/prepare.ts',
      'src/core/noise.ts',
      'src/core/npy.ts',
      'src/core/pool.ts',
    ]) {
      expect(files).toContain(f);
    }
    expect(featuresKey(8, 10, 2)).toMatch(/^[0-9a-f]{16}-b8-t10-p2$/);
  });
});
