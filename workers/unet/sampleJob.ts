import { gaussianNoise } from '../../src/core/noise';
import { ddimStep, ddimTimesteps } from '../../src/core/qsample';
import { checkpoint } from '../shared/jobs';
import type { PlainTensor, SampleStep } from '../../src/protocol/model';
import type { LoadedDiffusion } from './types';
import { timestepFeed } from './types';

/** DDIM (η = 0) samples from the model; every step's x_t and predicted x0 stream to `onStep`. */
export async function runSample(
  m: LoadedDiffusion,
  opts: { n: number; steps: number; seed: number },
  onStep: (s: SampleStep) => void,
  signal: AbortSignal,
): Promise<PlainTensor> {
  const { manifest } = m;
  const size = manifest.image.channels * manifest.image.size * manifest.image.size;
  const dims = [opts.n, manifest.image.channels, manifest.image.size, manifest.image.size];
  let x = gaussianNoise(opts.seed, 'ddim-start', 0, opts.n * size);
  const ts = ddimTimesteps(m.schedule.T, opts.steps);
  const eps = manifest.outputs!.eps!;
  for (let i = 0; i < ts.length; i++) {
    await checkpoint(signal);
    const t = ts[i]!;
    const out = await m.runtime.forward(
      {
        [manifest.inputs.x]: { data: x, dims },
        [manifest.inputs.t!]: timestepFeed(manifest, new Float32Array(opts.n).fill(t)),
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
