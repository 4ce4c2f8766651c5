/** Whether a dataset can train a head, and if not, why (shown where training is offered). */
export interface ClassCount {
  name: string;
  included: boolean;
  count: number;
}

export type Readiness = { ok: true } | { ok: false; reason: string };

/** `dataset` (its name) is said in the reason, so a panel that does not show it still names it. */
export function trainingReadiness(classes: readonly ClassCount[], dataset?: string): Readiness {
  const off =
    dataset === undefined ? 'Training is disabled' : `Training on “${dataset}” is disabled`;
  const usable = classes.filter((c) => c.included && c.count > 0);
  if (usable.length === 0) {
    return { ok: false, reason: `${off}: the dataset has no images in a class.` };
  }
  if (usable.length === 1) {
    return {
      ok: false,
      reason: `${off}: only one class (“${usable[0]!.name}”) — a head needs at least two classes to tell apart.`,
    };
  }
  const tiny = usable.find((c) => c.count < 2);
  if (tiny) {
    return {
      ok: false,
      reason: `${off}: class “${tiny.name}” has one image; each class needs at least two (one to train on, one to test).`,
    };
  }
  return { ok: true };
}
