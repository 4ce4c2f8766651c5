import { DEFAULT_TRAIN, PAPER_RECIPE } from '../../core/heads/optim';
import type { LrSchedule, OptimizerKind, TrainConfig } from '../../core/heads/optim';
import { useAppStore } from '../../store';
import { LiveNumberField } from './LiveNumberField';

function scheduleFor(kind: LrSchedule['kind']): LrSchedule {
  if (kind === 'step') return { kind, every: 7, gamma: 0.1 };
  return { kind };
}

/** Optimiser and recipe: SGD with the paper's StepLR or Adam; everything seeded. */
export function TrainSettings() {
  const train = useAppStore((s) => s.heads.train);
  const setHeads = useAppStore((s) => s.setHeads);
  const set = (patch: Partial<TrainConfig>) => setHeads({ train: { ...train, ...patch } });
  return (
    <fieldset className="heads-config">
      <legend>Training</legend>
      <label className="heads-field">
        <span>Optimiser</span>
        <select
          value={train.optimizer}
          data-testid="head-optimizer"
          onChange={(e) => set({ optimizer: e.target.value as OptimizerKind })}
        >
          <option value="sgd">SGD (momentum)</option>
          <option value="adam">Adam</option>
        </select>
      </label>
      <LiveNumberField label="Learning rate" value={train.lr} onChange={(lr) => set({ lr })} />
      {train.optimizer === 'sgd' && (
        <LiveNumberField
          label="Momentum"
          value={train.momentum}
          onChange={(momentum) => set({ momentum })}
        />
      )}
      <label className="heads-field">
        <span>LR schedule</span>
        <select
          value={train.schedule.kind}
          onChange={(e) => set({ schedule: scheduleFor(e.target.value as LrSchedule['kind']) })}
        >
          <option value="step">Step (×γ every n epochs)</option>
          <option value="cosine">Cosine</option>
          <option value="constant">Constant</option>
        </select>
      </label>
      {train.schedule.kind === 'step' && (
        <>
          <LiveNumberField
            label="Step every (epochs)"
            value={train.schedule.every}
            step={1}
            onChange={(every) =>
              set({
                schedule: {
                  kind: 'step',
                  every,
                  gamma: (train.schedule as { gamma: number }).gamma,
                },
              })
            }
          />
          <LiveNumberField
            label="Step γ"
            value={train.schedule.gamma}
            onChange={(gamma) =>
              set({
                schedule: {
                  kind: 'step',
                  every: (train.schedule as { every: number }).every,
                  gamma,
                },
              })
            }
          />
        </>
      )}
      <LiveNumberField
        label="Epochs"
        value={train.epochs}
        step={1}
        min={1}
        testId="head-epochs"
        onChange={(epochs) => set({ epochs })}
      />
      <LiveNumberField
        label="Batch size"
        value={train.batchSize}
        step={1}
        min={1}
        onChange={(batchSize) => set({ batchSize })}
      />
      <LiveNumberField
        label="Weight decay"
        value={train.weightDecay}
        onChange={(weightDecay) => set({ weightDecay })}
      />
      <LiveNumberField
        label="Seed"
        value={train.seed}
        step={1}
        onChange={(seed) => set({ seed })}
      />
      <label className="heads-check">
        <input
          type="checkbox"
          checked={train.standardize}
          onChange={(e) => set({ standardize: e.target.checked })}
        />
        Standardise features
      </label>
      <div className="heads-presets">
        <button
          type="button"
          onClick={() => setHeads({ train: { ...PAPER_RECIPE, seed: train.seed } })}
        >
          Paper recipe (SGD, StepLR 7×0.1, 28 epochs)
        </button>
        <button
          type="button"
          onClick={() => setHeads({ train: { ...DEFAULT_TRAIN, seed: train.seed } })}
        >
          Quick recipe (Adam, cosine, 20 epochs)
        </button>
      </div>
    </fieldset>
  );
}
