/** What a head trainer takes and gives back, whichever trainer runs (tfjs or plain typed arrays). */
import type { NamedParam } from './init';
import type { Standardizer } from './standardize';

/** Features and labels for one training run (rows [n, C·p·p]). */
export interface HeadData {
  trainX: Float32Array;
  trainY: Int32Array;
  testX: Float32Array;
  testY: Int32Array;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  lr: number;
  trainLoss: number;
  trainAcc: number;
  testLoss: number;
  testAcc: number;
  /** Wall time of this epoch's training steps (evaluation excluded). */
  ms: number;
}

export interface TrainOutcome {
  params: NamedParam[];
  standardizer: Standardizer | null;
  /** Logits [nTest, K] of the final head on the test set. */
  testLogits: Float32Array;
  curves: EpochReport[];
}

export interface TrainHooks {
  onEpoch?: (r: EpochReport) => void;
  /** Awaited between steps: yields to the event loop and throws when the job is cancelled. */
  checkpoint?: () => Promise<void>;
  /** Evaluate the test set after every epoch (default) or only at the end. */
  evalEveryEpoch?: boolean;
}

/**
 * Ends epoch `epoch` (0-based) of `epochs`: its report joins the curves and goes to `onEpoch`,
 * then the trainer yields (where a cancel is seen). Both trainers report through here.
 */
export async function endEpoch(
  curves: EpochReport[],
  hooks: TrainHooks,
  epoch: number,
  epochs: number,
  numbers: Omit<EpochReport, 'epoch' | 'epochs'>,
): Promise<void> {
  const report: EpochReport = { epoch: epoch + 1, epochs, ...numbers };
  curves.push(report);
  hooks.onEpoch?.(report);
  if (hooks.checkpoint) await hooks.checkpoint();
}
