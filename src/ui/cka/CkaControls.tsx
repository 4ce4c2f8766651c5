import { useState } from 'react';
import { parseTimesteps } from '../../core/cka/plan';
import { useAppStore } from '../../store';
import type { CkaKind, CkaSettings } from '../../store/slices/cka';
import { CompareModelPicker } from './CompareModelPicker';
import { WholeNumberField } from './WholeNumberField';

const KINDS: [CkaKind, string][] = [
  ['blocks', 'Block × block at one t'],
  ['timesteps', 'Timestep × timestep at one block'],
  ['classifier', 'U-Net blocks × another model'],
];

/** The CKA settings; invalid numbers are refused with a message and keep the last value. */
export function CkaControls({ blocks, T }: { blocks: number[]; T: number }) {
  const s = useAppStore((st) => st.cka.settings);
  const set = useAppStore((st) => st.setCkaSettings);
  const notify = useAppStore((st) => st.notify);
  const [tsText, setTsText] = useState(s.timesteps.join(', '));

  return (
    <div className="cka-controls">
      <label>
        Compare{' '}
        <select
          aria-label="what to compare"
          value={s.kind}
          onChange={(e) => set({ kind: e.target.value as CkaKind })}
        >
          {KINDS.map(([k, text]) => (
            <option key={k} value={k}>
              {text}
            </option>
          ))}
        </select>
      </label>
      {s.kind === 'classifier' && <CompareModelPicker />}
      {s.kind !== 'timesteps' ? (
        <label>
          t{' '}
          <WholeNumberField
            label="timestep t"
            value={s.t}
            min={0}
            max={T - 1}
            onCommit={(t) => set({ t })}
          />
        </label>
      ) : (
        <>
          <label>
            Block{' '}
            <select
              aria-label="block for the timestep matrix"
              value={s.block}
              onChange={(e) => set({ block: Number(e.target.value) })}
            >
              {blocks.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>
          <label>
            Timesteps{' '}
            <input
              value={tsText}
              size={22}
              onChange={(e) => setTsText(e.target.value)}
              onBlur={() => {
                const ts = parseTimesteps(tsText);
                if (!ts || ts.some((t) => t >= T)) {
                  notify(
                    'warning',
                    `Timesteps: whole numbers from 0 to ${T - 1}, e.g. 10, 90, 300.`,
                  );
                  setTsText(s.timesteps.join(', '));
                } else set({ timesteps: ts });
              }}
            />
          </label>
        </>
      )}
      <label>
        Pool{' '}
        <select
          aria-label="pool size"
          value={s.pool}
          onChange={(e) => set({ pool: Number(e.target.value) })}
        >
          {[1, 2, 4].map((p) => (
            <option key={p} value={p}>
              {p}×{p}
            </option>
          ))}
        </select>
      </label>
      <label>
        Images{' '}
        <select
          aria-label="number of images"
          value={s.n}
          onChange={(e) => set({ n: Number(e.target.value) })}
        >
          {[100, 250, 500, 1000, 2000].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label>
        Estimator{' '}
        <select
          value={s.method}
          onChange={(e) => set({ method: e.target.value as CkaSettings['method'] })}
        >
          <option value="linear">linear CKA (all images at once)</option>
          <option value="minibatch">minibatch CKA (unbiased HSIC)</option>
        </select>
      </label>
      {s.method === 'minibatch' && (
        <label>
          Batch{' '}
          <WholeNumberField
            label="minibatch size"
            value={s.batchSize}
            min={4}
            max={100000}
            onCommit={(batchSize) => set({ batchSize })}
          />
        </label>
      )}
      <label>
        Products on{' '}
        <select
          value={s.device}
          onChange={(e) => set({ device: e.target.value as CkaSettings['device'] })}
        >
          <option value="auto">WebGPU if available, else CPU</option>
          <option value="webgpu">WebGPU</option>
          <option value="cpu">CPU</option>
        </select>
      </label>
      {s.method === 'linear' && s.device !== 'webgpu' && (
        <label>
          CPU precision{' '}
          <select
            value={s.cpuPrecision}
            onChange={(e) => set({ cpuPrecision: e.target.value as CkaSettings['cpuPrecision'] })}
          >
            <option value="mixed">f32 products, float64 sums (faster)</option>
            <option value="float64">float64 throughout</option>
          </select>
        </label>
      )}
    </div>
  );
}
