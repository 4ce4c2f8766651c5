import * as Comlink from 'comlink';
import type { NamedParam } from '../src/core/heads/init';
import type { TrainConfig } from '../src/core/heads/optim';
import type { Standardizer } from '../src/core/heads/standardize';
import { startBackend } from './heads/backend';
import type {
  EpochReport,
  HeadData,
  HeadsBackendInfo,
  HeadsBackendPreference,
  HeadShape,
  HeadTrainer,
  TrainOutcome,
} from '../src/protocol/heads';
import type { Tf } from './heads/model';
import { predictAnyHead, trainAnyHead } from './heads/dispatch';
import { installErrorTransfer } from './shared/errorTransfer';
import { checkpoint, JobRegistry } from './shared/jobs';

let runtime: { tf: Tf; info: HeadsBackendInfo } | null = null;
const jobs = new JobRegistry();

function requireTf(): Tf {
  if (!runtime) throw new Error('init() must run first');
  return runtime.tf;
}

function outcomeTransfer(o: TrainOutcome): Transferable[] {
  const list: Transferable[] = [o.testLogits.buffer as ArrayBuffer];
  for (const p of o.params) list.push(p.data.buffer as ArrayBuffer);
  if (o.standardizer)
    list.push(o.standardizer.mean.buffer as ArrayBuffer, o.standardizer.std.buffer as ArrayBuffer);
  return list;
}

const api = {
  /** Starts tfjs (once per worker); returns which backend trains and why. */
  async init(preference: HeadsBackendPreference): Promise<HeadsBackendInfo> {
    if (!runtime) runtime = await startBackend(preference);
    return runtime.info;
  },

  /**
   * Trains one head; every epoch's losses and accuracies stream to `onEpoch`. Linear heads train
   * on the typed-array trainer unless `trainer` is 'tfjs' (heads/dispatch.ts).
   */
  async train(
    jobId: string,
    head: HeadShape,
    data: HeadData,
    config: TrainConfig,
    onEpoch: (r: EpochReport) => void,
    evalEveryEpoch = true,
    trainer: HeadTrainer = 'auto',
  ): Promise<TrainOutcome> {
    return jobs.run(jobId, async (signal) => {
      const hooks = { onEpoch, evalEveryEpoch, checkpoint: () => checkpoint(signal) };
      const out = await trainAnyHead(requireTf(), head, data, config, hooks, trainer);
      return Comlink.transfer(out, outcomeTransfer(out));
    });
  },

  /** Logits [n, K] of a trained head for raw feature rows. */
  async predict(
    jobId: string,
    head: HeadShape,
    params: NamedParam[],
    standardizer: Standardizer | null,
    rows: Float32Array,
  ): Promise<Float32Array> {
    return jobs.run(jobId, async () => {
      const out = await predictAnyHead(requireTf(), head, params, standardizer, rows);
      return Comlink.transfer(out, [out.buffer as ArrayBuffer]);
    });
  },

  cancel(jobId: string): void {
    jobs.cancel(jobId);
  },
};

export type HeadsApi = typeof api;

installErrorTransfer();
Comlink.expose(api);
