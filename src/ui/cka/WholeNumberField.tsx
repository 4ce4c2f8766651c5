import { useState } from 'react';
import { useAppStore } from '../../store';

/**
 * A whole-number input that commits on blur or Enter; an invalid entry is refused with a
 * message and the field returns to the last good value.
 */
export function WholeNumberField({
  label,
  value,
  min,
  max,
  onCommit,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  onCommit: (v: number) => void;
}) {
  const notify = useAppStore((s) => s.notify);
  const [text, setText] = useState(String(value));
  const commit = () => {
    const x = Number(text);
    if (text.trim() === '' || !Number.isInteger(x) || x < min || x > max) {
      notify('warning', `${label} must be a whole number from ${min} to ${max}.`);
      setText(String(value));
    } else if (x !== value) onCommit(x);
  };
  return (
    <input
      type="number"
      min={min}
      max={max}
      value={text}
      aria-label={label}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}
