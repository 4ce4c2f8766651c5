import { describe, expect, it } from 'vitest';
import type { PlainTensor, SampleStep } from '../../protocol/model';
import { deferred, storeWithModel, until } from '../testing/fakes';
import { JobCancelledError } from '../workers/errors';
import type { JobOptions } from '../workers/bridge';
import { createSamples } from './samples';

describe('DDIM samples', () => {
  it('a second run aborts the first, whose steps no longer reach the store', async () => {
    const store = storeWithModel();
    const signals: AbortSignal[] = [];
    const steps: ((s: SampleStep) => void)[] = [];
    const gates = [deferred<PlainTensor>(), deferred<PlainTensor>()];
    const engine = {
      sample(
        _o: { n: number },
        onStep: (s: SampleStep) => void,
        options: JobOptions<never> = {},
      ): Promise<PlainTensor> {
        const i = signals.length;
        signals.push(options.signal!);
        steps.push(onStep);
        options.signal!.addEventListener('abort', () => gates[i]!.reject(new JobCancelledError()));
        return gates[i]!.promise;
      },
    };
    const samples = createSamples({ store, engine });
    const first = samples.generateSamples(2, 5, 0);
    const second = samples.generateSamples(2, 5, 1);
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[1]!.aborted).toBe(false);
    const x = { data: new Float32Array(8), dims: [2, 1, 2, 2] };
    steps[0]!({ step: 3, steps: 5, t: 40, x, x0: x });
    expect(store.getState().explorer.samples.step).toBe(0);
    gates[1]!.resolve(x);
    expect(await first).toBe(false);
    expect(await second).toBe(true);
    await until(() => store.getState().explorer.samples.status === 'done');
    expect(store.getState().explorer.samples.seed).toBe(1);
  });
});
