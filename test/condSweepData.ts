/**
 * A conditional model folder (test/condUnet.ts: block_1 = x + y, block_2 = block_1 + mean(ctx))
 * and a tiny two-class image folder for the sweep's and cka-matrix's --cond tests, with context
 * files of the right shape, of the wrong one and one per image.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../src/core/image/png';
import { encodeNpy } from '../src/core/npy';
import { condManifest, condModel } from './condUnet';

export interface CondSweepData {
  model: string;
  images: string;
  /** [2, 3] of 0.5 */
  ctx: string;
  /** the same values as ctx under another name */
  ctxCopy: string;
  /** [2, 3] of 1.5 */
  ctxOther: string;
  /** [3, 4]: the wrong shape */
  ctxWrong: string;
  /** [3, 2, 3]: one context per image (extract only) */
  ctxRows: string;
}

export function writeCondSweepData(root: string): CondSweepData {
  const model = join(root, 'model');
  mkdirSync(model, { recursive: true });
  const bytes = condModel();
  writeFileSync(join(model, 'model.onnx'), bytes);
  writeFileSync(join(model, 'manifest.json'), JSON.stringify(condManifest(bytes)));
  const images = join(root, 'images');
  for (const [c, cls] of ['bright', 'dark'].entries()) {
    mkdirSync(join(images, cls), { recursive: true });
    for (let i = 0; i < 5; i++) {
      const px = Uint8Array.from(
        { length: 16 },
        (_, k) => (c ? 20 : 160) + ((k * 7 + i * 11) % 60),
      );
      writeFileSync(join(images, cls, `${i}.png`), encodePng(px, 4, 4, 1));
    }
  }
  const npy = (name: string, shape: number[], value: (i: number) => number): string => {
    const n = shape.reduce((a, b) => a * b, 1);
    const file = join(root, name);
    writeFileSync(
      file,
      encodeNpy(
        Float32Array.from({ length: n }, (_, i) => value(i)),
        shape,
      ),
    );
    return file;
  };
  return {
    model,
    images,
    ctx: npy('ctx.npy', [2, 3], () => 0.5),
    ctxCopy: npy('same-values.npy', [2, 3], () => 0.5),
    ctxOther: npy('ctx-other.npy', [2, 3], () => 1.5),
    ctxWrong: npy('ctx-wrong.npy', [3, 4], () => 0),
    ctxRows: npy('ctx-rows.npy', [3, 2, 3], (i) => Math.floor(i / 6)),
  };
}
