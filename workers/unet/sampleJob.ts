import { gaussianNoise } from '../../src/core/noise';
import { ddimStep, ddimTimesteps } from '../../src/core/qsample';
import { checkpoint } from '../shared/jobs';
import { conditioningFeeds } from '../../src/core/conditioning/conditioning';
import type { Conditioning } from '../../src/core/conditioning/conditioning';
import type { PlainTensor, SampleStep } from '../../src/protocol/model';
import type { LoadedDiffusion } from './types';
import { timestepFeed } from './types';

/** DDIM (η = 0) samples from the model; every step's x_t and predicted x0 stream to `onStep`. */
export async function runSample(
  m: LoadedDiffusion,
  opts: { n: number; steps: number; seed: number },
  onStep: (s: SampleStep) => void,
  signal: AbortSignal,
  cond: Conditioning = [],
): Promise<PlainTensor> {
  const { manifest } = m;
  const size = manifest.image.channels * manifest.image.size * manifest.image.size;
  const dims = [opts.n, manifest.image.channels, manifest.image.size, manifest.image.size];
  let x = gaussianNoise(opts.seed, 'ddim-start', 0, opts.n * size);
  const ts = ddimTimesteps(m.schedule.T, opts.steps);
  const eps = manifest.outputs!.eps!;
  // Samples have no labels: a class input gets the picked class (own labels are refused).
  const condFeeds = conditioningFeeds(cond, new Array<undefined>(opts.n).fill(undefined));
  for (let i = 0; i < ts.length; i++) {
    await checkpoint(signal);
    const t = ts[i]!;
    const out = await m.runtime.forward(
      {
        [manifest.inputs.x]: { data: x, dims },
        [manifest.inputs.t!]: timestepFeed(manifest, new Float32Array(opts.n).fill(t)),
        ...condFeeds,
      },
      [eps],
    );
    const step = ddimStep(x, out[eps]!.data, m.schedule, t, ts[i + 1] ?? null);
    x = step.xPrev;
    onStep({
      step: i + 1,
      steps: ts.length,
      t,
      x: { data: x.slice(), dims },
      x0: { data: step.x0, dims },
    });
  }
  return { data: x, dims };
}
