/**
 * The conditioning the app feeds the loaded model, and the user's ways to change it: one class
 * for every image (or, turned on explicitly, each image's own label) and a context of zeros or a
 * loaded [L, D] .npy. Every feature request (explorer, heads, sweep, CKA) reads `activeConditioning`.
 */
import {
  contextValues,
  defaultConditioning,
  type CondChoice,
  type Conditioning,
} from '../../core/conditioning/conditioning';
import { NpyError, parseNpy } from '../../core/npy';
import type { AppState } from '../../store';
import type { AppStore } from '../appStore';

/** The loaded model's conditioning: the user's choice for it, or class 0 and zeros. */
export function activeConditioning(s: AppState): Conditioning {
  const summary = s.model.summary;
  if (!summary) return [];
  if (s.conditioning.forSha === summary.sha256) return s.conditioning.choice;
  return defaultConditioning(summary.manifest);
}

async function sha256Hex(data: Float32Array): Promise<string> {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createConditioningControls(store: Pick<AppStore, 'getState'>) {
  function update(name: string, change: (c: CondChoice) => CondChoice): void {
    const s = store.getState();
    const sha = s.model.summary?.sha256;
    if (!sha) return;
    const next = activeConditioning(s).map((c) => (c.name === name ? change(c) : c));
    s.setConditioning(next, sha);
  }

  return {
    /** One class for every image. */
    pickClass(name: string, id: number): void {
      update(name, (c) => (c.kind === 'class' ? { ...c, id } : c));
    },
    /** Each image's own label instead of the picked class (it leaks the label into features). */
    useOwnLabel(name: string, on: boolean): void {
      update(name, (c) => (c.kind === 'class' ? { ...c, ownLabel: on } : c));
    },
    useZeros(name: string): void {
      update(name, (c) => (c.kind === 'context' ? { ...c, source: { kind: 'zeros' } } : c));
    },
    /** A context .npy; a wrong shape is refused with a message and the context stays. */
    async loadContext(name: string, file: File): Promise<void> {
      const s = store.getState();
      const sha = s.model.summary?.sha256;
      const current = activeConditioning(s).find((c) => c.name === name);
      if (!sha || !current || current.kind !== 'context') return;
      let values: ReturnType<typeof contextValues>;
      try {
        values = contextValues(
          parseNpy(new Uint8Array(await file.arrayBuffer())),
          current.shape,
          file.name,
        );
      } catch (err) {
        const why = err instanceof NpyError ? err.message : (err as Error).message;
        values = {
          ok: false,
          message: `${file.name} is not a readable .npy: ${why}. The context stays as it was.`,
        };
      }
      if (!values.ok) {
        store.getState().setConditioningMessage(values.message);
        return;
      }
      const digest = await sha256Hex(values.data);
      if (store.getState().model.summary?.sha256 !== sha) return; // another model came meanwhile
      const data = values.data;
      update(name, (c) =>
        c.kind === 'context'
          ? { ...c, source: { kind: 'file', file: file.name, data, digest } }
          : c,
      );
    },
  };
}
