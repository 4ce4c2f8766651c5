/**
 * Conditional model folders (test/condUnet.ts: block_1 = x + y, block_2 = block_1 + mean(ctx))
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
  /** The same model with block_4 = Relu(block_3) */
  reluModel: string;
  images: string;
  /** [2, 3] of 0.5 */
  ctx: string;
  /** the same values as ctx under another name */
  ctxCopy: string;
  /** [2, 3] of 1.5 */
  ctxOther: string;
  /** [2, 3] of −0.6 */
  ctxNeg: string;
  /** [3, 4]: the wrong shape */
  ctxWrong: string;
  /** [3, 2, 3]: one context per image (extract only) */
  ctxRows: string;
}

export function writeCondSweepData(root: string): CondSweepData {
  const folder = (name: string, relu: boolean): string => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    const bytes = condModel({ relu });
    writeFileSync(join(dir, 'model.onnx'), bytes);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(condManifest(bytes)));
    return dir;
  };
  const model = folder('model', false);
  const reluModel = folder('relu-model', true);
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
    reluModel,
    images,
    ctx: npy('ctx.npy', [2, 3], () => 0.5),
    ctxCopy: npy('same-values.npy', [2, 3], () => 0.5),
    ctxOther: npy('ctx-other.npy', [2, 3], () => 1.5),
    ctxNeg: npy('ctx-neg.npy', [2, 3], () => -0.6),
    ctxWrong: npy('ctx-wrong.npy', [3, 4], () => 0),
    ctxRows: npy('ctx-rows.npy', [3, 2, 3], (i) => Math.floor(i / 6)),
  };
}
