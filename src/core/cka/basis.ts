/**
 * What a CKA matrix was computed from (the model, the dataset, the conditioning fed to the model)
 * and what has changed since, in words, so a matrix left on screen can say it is out of date.
 * Conditionings are compared as the sweep's grid and exported heads compare them: class ids,
 * context files by digest.
 */
import {
  describeConditioningRecord,
  sameConditioning,
  type ConditioningRecord,
} from '../conditioning/conditioning';
import type { DatasetRef } from '../sweep/datasetRef';

export interface CkaBasis {
  model: { sha256: string; name: string } | null;
  /** As a sweep grid names it: `demo:fashion-mnist` or `stored:<id>`. */
  dataset: DatasetRef;
  conditioning: ConditioningRecord[];
}

/**
 * What differs between the basis a matrix was computed from and the app's now, one phrase per
 * change ("the model (a.onnx → b.onnx)"); empty when nothing did. The conditioning belongs to a
 * model: it is compared only while the model is the same one.
 */
export function basisChanges(then: CkaBasis, now: CkaBasis): string[] {
  const changes: string[] = [];
  const name = (m: CkaBasis['model']) => m?.name ?? 'none';
  if (then.model?.sha256 !== now.model?.sha256) {
    changes.push(`the model (${name(then.model)} → ${name(now.model)})`);
  } else if (!sameConditioning(then.conditioning, now.conditioning)) {
    const was = describeConditioningRecord(then.conditioning);
    const is = describeConditioningRecord(now.conditioning);
    // A context file of the same name with other values differs by its digest only.
    changes.push(`the conditioning (${was === is ? `${is}, other values` : `${was} → ${is}`})`);
  }
  if (then.dataset.id !== now.dataset.id) {
    changes.push(`the dataset (${then.dataset.name} → ${now.dataset.name})`);
  }
  return changes;
}

/** The flag of an out-of-date matrix, or null when it is up to date. */
export function staleNote(then: CkaBasis, now: CkaBasis): string | null {
  const changes = basisChanges(then, now);
  if (!changes.length) return null;
  const list =
    changes.length === 1 ? changes[0] : `${changes.slice(0, -1).join(', ')} and ${changes.at(-1)}`;
  return `Out of date: ${list} ${changes.length === 1 ? 'has' : 'have'} changed since this matrix was computed; compute CKA again.`;
}
