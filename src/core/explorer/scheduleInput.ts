/** The noise schedule a user types for an ONNX U-Net that came without a manifest. */
import { PAPER_SCHEDULE, type NoiseSchedule } from '../schedule';

export interface ScheduleInput {
  kind: NoiseSchedule['kind'];
  T: string;
  /** Linear only. */
  betaStart: string;
  betaEnd: string;
}

export const DEFAULT_SCHEDULE_INPUT: ScheduleInput = {
  kind: 'linear',
  T: String(PAPER_SCHEDULE.T),
  betaStart: String(PAPER_SCHEDULE.betaStart),
  betaEnd: String(PAPER_SCHEDULE.betaEnd),
};

export type ScheduleParse = { ok: true; schedule: NoiseSchedule } | { ok: false; error: string };

/** Checks the form's text fields; the message says what to fix. Cosine needs only T. */
export function parseScheduleInput(input: ScheduleInput): ScheduleParse {
  const T = Number(input.T.trim());
  const betaStart = Number(input.betaStart.trim());
  const betaEnd = Number(input.betaEnd.trim());
  if (!input.T.trim() || !Number.isInteger(T) || T < 2 || T > 100_000) {
    return { ok: false, error: 'T must be a whole number of steps between 2 and 100000.' };
  }
  if (input.kind === 'cosine') return { ok: true, schedule: { kind: 'cosine', T } };
  if (!input.betaStart.trim() || !(betaStart > 0 && betaStart < 1)) {
    return { ok: false, error: 'β start must be a number between 0 and 1 (e.g. 0.0001).' };
  }
  if (!input.betaEnd.trim() || !(betaEnd > 0 && betaEnd < 1)) {
    return { ok: false, error: 'β end must be a number between 0 and 1 (e.g. 0.02).' };
  }
  if (!(betaStart < betaEnd)) return { ok: false, error: 'β start must be less than β end.' };
  return { ok: true, schedule: { kind: 'linear', T, betaStart, betaEnd } };
}

/** What the user picked: one .onnx, with a manifest or without, or a reason to refuse. */
export type PickedModel =
  { ok: true; onnx: string; manifest: string | null } | { ok: false; error: string };

export function classifyPickedFiles(names: string[]): PickedModel {
  const onnx = names.filter((n) => n.toLowerCase().endsWith('.onnx'));
  const manifests = names.filter((n) => n.toLowerCase().endsWith('.json'));
  if (onnx.length === 0) {
    return { ok: false, error: 'Pick an .onnx file (and, if you have it, its manifest.json).' };
  }
  // A latent model comes with its encoder: two .onnx files that its manifest tells apart.
  const pair = onnx.length === 2 && manifests.length === 1;
  if (onnx.length > 1 && !pair) return { ok: false, error: 'Pick one .onnx file at a time.' };
  if (manifests.length > 1) return { ok: false, error: 'Pick at most one manifest .json file.' };
  return { ok: true, onnx: onnx[0]!, manifest: manifests[0] ?? null };
}
