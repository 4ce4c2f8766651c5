/** Training settings for a head and the learning-rate schedule. */

export type OptimizerKind = 'sgd' | 'adam';

export type LrSchedule =
  | { kind: 'constant' }
  /** The paper's StepLR: ×gamma every `every` epochs. */
  | { kind: 'step'; every: number; gamma: number }
  | { kind: 'cosine' };

export interface TrainConfig {
  optimizer: OptimizerKind;
  lr: number;
  /** SGD momentum (ignored by Adam). */
  momentum: number;
  /** L2 weight decay as PyTorch's optimizers apply it (added to the gradient). */
  weightDecay: number;
  epochs: number;
  batchSize: number;
  schedule: LrSchedule;
  /** Standardise each feature with the training set's mean and standard deviation. */
  standardize: boolean;
  seed: number;
}

/** The paper's public recipe (SGD, StepLR 7 × 0.1, 28 epochs), lr 1e-2 for a linear head. */
export const PAPER_RECIPE: TrainConfig = {
  optimizer: 'sgd',
  lr: 1e-2,
  momentum: 0.9,
  weightDecay: 0,
  epochs: 28,
  batchSize: 64,
  schedule: { kind: 'step', every: 7, gamma: 0.1 },
  standardize: true,
  seed: 0,
};

/** What the demo runs by default: Adam, short, standardised features. */
export const DEFAULT_TRAIN: TrainConfig = {
  optimizer: 'adam',
  lr: 1e-3,
  momentum: 0.9,
  weightDecay: 1e-4,
  epochs: 20,
  batchSize: 64,
  schedule: { kind: 'cosine' },
  standardize: true,
  seed: 0,
};

/** Learning rate for 0-based `epoch` (PyTorch's StepLR / CosineAnnealingLR with T_max = epochs). */
export function lrAt(
  config: Pick<TrainConfig, 'lr' | 'schedule' | 'epochs'>,
  epoch: number,
): number {
  const s = config.schedule;
  if (s.kind === 'step') return config.lr * Math.pow(s.gamma, Math.floor(epoch / s.every));
  if (s.kind === 'cosine')
    return (config.lr * (1 + Math.cos((Math.PI * epoch) / Math.max(1, config.epochs)))) / 2;
  return config.lr;
}

function finite(name: string, v: number, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new RangeError(`${name} must be a number from ${min} to ${max}, got ${String(v)}`);
}

/** Throws a RangeError that says which setting is out of range. */
export function checkTrainConfig(c: TrainConfig): void {
  if (c.optimizer !== 'sgd' && c.optimizer !== 'adam')
    throw new RangeError(`unknown optimizer ${String(c.optimizer)}`);
  finite('learning rate', c.lr, 1e-8, 10);
  if (!(c.lr > 0)) throw new RangeError('the learning rate must be above 0');
  finite('momentum', c.momentum, 0, 0.999);
  finite('weight decay', c.weightDecay, 0, 1);
  finite('epochs', c.epochs, 1, 1000);
  finite('batch size', c.batchSize, 1, 65536);
  if (!Number.isInteger(c.epochs) || !Number.isInteger(c.batchSize))
    throw new RangeError('epochs and batch size must be whole numbers');
  if (!Number.isInteger(c.seed)) throw new RangeError('the seed must be a whole number');
  if (c.schedule.kind === 'step') {
    finite('step every', c.schedule.every, 1, 1000);
    finite('step gamma', c.schedule.gamma, 0, 1);
  }
}
