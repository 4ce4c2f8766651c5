import { describeConditioning } from '../../core/conditioning/conditioning';
import { activeConditioning } from '../../engine/conditioning/controls';
import { useAppStore } from '../../store';

/**
 * What a conditional model's class and context inputs get, for the panels that run it (heads,
 * sweep, CKA) away from the model panel where it is set. Nothing for an unconditional model.
 */
export function ConditioningNote() {
  const text = useAppStore((s) => {
    const cond = activeConditioning(s);
    return cond.length ? describeConditioning(cond) : '';
  });
  if (!text) return null;
  return (
    <p className="muted" data-testid="conditioning-note">
      The model is fed {text} (set in the Explorer&apos;s model panel, under Conditioning).
    </p>
  );
}
