/**
 * `window.diffprobeCka` in the browser console: the CKA worker and the feature gathering the
 * panel uses, for researchers who want numbers without clicking (and for the browser tests and
 * the bench, which drive the real workers through it).
 */
import { ckaMatrix } from '../../core/cka';
import { linearCkaMatrix } from '../../core/cka/gramDots';
import { interleaveByClass } from '../../core/cka/plan';
import type { CkaMatrixOptions, CkaMatrixResult } from '../../protocol/cka';
import type { AppStore } from '../appStore';
import type { LabeledImages } from '../datasets/access';
import { CkaEngine } from '../workers/ckaEngine';
import type { UnetEngine } from '../workers/unetEngine';
import { diffusionFeatures, type BlockFeatures } from './features';

export interface CkaConsole {
  createEngine(): CkaEngine;
  /**
   * Every block's features of the first `n` images of the current dataset (classes
   * interleaved) at (t, pool, seed 0), from the app's model engine; kept for `matrix`.
   */
  gather(n: number, t: number, pool: number): Promise<{ n: number; dims: number[]; ms: number }>;
  /** The kept features of one block as bytes (float32, little-endian), base64. */
  blockBase64(index: number): string;
  /**
   * The CKA matrix of the kept features on the given device, on the console's own CKA engine
   * (kept between calls like the panel's, so its CPU threads stay up for the next matrix).
   */
  matrix(opts: CkaMatrixOptions): Promise<CkaMatrixResult>;
  core: { ckaMatrix: typeof ckaMatrix; linearCkaMatrix: typeof linearCkaMatrix };
}

declare global {
  var diffprobeCka: CkaConsole | undefined;
}

let kept: { n: number; feats: BlockFeatures[] } | null = null;
let consoleEngine: CkaEngine | null = null;

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

export function installCkaConsole(deps: {
  store: AppStore;
  unet: Pick<UnetEngine, 'extract'>;
  dataset: (size: number, channels: 1 | 3) => Promise<LabeledImages>;
}): void {
  globalThis.diffprobeCka = {
    createEngine: () => new CkaEngine(),
    async gather(n, t, pool) {
      const manifest = deps.store.getState().model.summary?.manifest;
      if (!manifest || manifest.kind !== 'diffusion') throw new Error('no diffusion model loaded');
      const ds = await deps.dataset(manifest.image.size, manifest.image.channels);
      const items = [...ds.test.items, ...ds.train.items];
      const labels = [...ds.test.labels, ...ds.train.labels];
      const pick = interleaveByClass(labels, n).map((i) => items[i]!);
      const t0 = performance.now();
      const feats = await diffusionFeatures(deps.unet, pick, {
        t,
        pool,
        seed: 0,
        noise: 'seeded',
        blocks: manifest.blocks.map((b) => b.index),
      });
      kept = { n: pick.length, feats };
      return { n: pick.length, dims: feats.map((f) => f.d), ms: performance.now() - t0 };
    },
    blockBase64(index) {
      const f = kept?.feats[index];
      if (!f) throw new Error(`no kept features for representation ${index}`);
      return base64(new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength));
    },
    async matrix(opts) {
      if (!kept) throw new Error('call gather() first');
      consoleEngine ??= new CkaEngine();
      return consoleEngine.matrix(kept.feats, kept.n, opts);
    },
    core: { ckaMatrix, linearCkaMatrix },
  };
}
