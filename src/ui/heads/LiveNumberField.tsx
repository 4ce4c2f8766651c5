import { useState } from 'react';

interface Props {
  label: string;
  value: number;
  onChange: (v: number) => void;
  step?: number | 'any';
  min?: number;
  max?: number;
  testId?: string;
}

/** A labelled number input that updates its value as it is typed (whenever the text parses). */
export function LiveNumberField({ label, value, onChange, step = 'any', min, max, testId }: Props) {
  const [text, setText] = useState(String(value));
  const [prev, setPrev] = useState(value);
  if (value !== prev) {
    setPrev(value);
    if (Number(text) !== value) setText(String(value));
  }
  return (
    <label className="heads-field">
      <span>{label}</span>
      <input
        type="number"
        value={text}
        step={step}
        {...(min !== undefined ? { min } : {})}
        {...(max !== undefined ? { max } : {})}
        data-testid={testId}
        onChange={(e) => {
          setText(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(v)) onChange(v);
        }}
      />
    </label>
  );
}

/** "64, 32" → [64, 32]; null when it does not parse. */
export function parseList(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const out = parts.map(Number);
  return out.every((v) => Number.isInteger(v) && v > 0) ? out : null;
}
