import { useState } from 'react';
import { chooseBackend, unetEngine } from '../../engine/app';
import type { BackendPreference } from '../../protocol/model';

const CHOICES: { value: BackendPreference; label: string }[] = [
  { value: 'auto', label: 'Automatic (WebGPU on a real GPU, else WASM)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'wasm', label: 'WebAssembly (CPU)' },
];

/** Which runtime the app's model runs on; the badge in the header says what it got and why. */
export function BackendChoice() {
  const [value, setValue] = useState<BackendPreference>(unetEngine.backendPreference);
  return (
    <p>
      <label>
        Run the model on{' '}
        <select
          value={value}
          onChange={(e) => {
            const next = e.target.value as BackendPreference;
            setValue(next);
            void chooseBackend(next);
          }}
        >
          {CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
    </p>
  );
}
