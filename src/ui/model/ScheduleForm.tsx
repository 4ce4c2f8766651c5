import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import {
  DEFAULT_SCHEDULE_INPUT,
  parseScheduleInput,
  type ScheduleInput,
} from '../../core/explorer/scheduleInput';
import type { NoiseSchedule } from '../../core/schedule';

/** Asks for the noise schedule of an ONNX U-Net that came without a manifest. */
export function ScheduleForm({
  fileName,
  onConfirm,
  onCancel,
  children,
}: {
  fileName: string;
  onConfirm: (s: NoiseSchedule) => void;
  onCancel: () => void;
  /** More to review before loading (the proposed blocks), shown above the buttons. */
  children?: ReactNode;
}) {
  const [input, setInput] = useState<ScheduleInput>(DEFAULT_SCHEDULE_INPUT);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = parseScheduleInput(input);
    if (r.ok) onConfirm(r.schedule);
    else setError(r.error);
  };
  const field = (key: 'T' | 'betaStart' | 'betaEnd', label: string) => (
    <label>
      {label}{' '}
      <input
        type="text"
        inputMode="decimal"
        value={input[key]}
        onChange={(e) => setInput({ ...input, [key]: e.target.value })}
      />
    </label>
  );
  return (
    <form className="schedule-form" aria-label="Noise schedule" onSubmit={submit}>
      <p>
        <strong>{fileName}</strong> has no manifest. Which noise schedule was it trained with? (The
        paper’s: linear β from 1e-4 to 0.02 over T = 1000 steps; guided-diffusion’s ImageNet 64×64
        model: cosine.)
      </p>
      <div className="schedule-fields">
        <label>
          Kind{' '}
          <select
            value={input.kind}
            aria-label="Schedule kind"
            onChange={(e) =>
              setInput({ ...input, kind: e.target.value === 'cosine' ? 'cosine' : 'linear' })
            }
          >
            <option value="linear">linear</option>
            <option value="cosine">cosine (Nichol &amp; Dhariwal)</option>
          </select>
        </label>
        {field('T', 'T (steps)')}
        {input.kind === 'linear' && field('betaStart', 'β start')}
        {input.kind === 'linear' && field('betaEnd', 'β end')}
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {children}
      <button type="submit">Load with this schedule</button>{' '}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
