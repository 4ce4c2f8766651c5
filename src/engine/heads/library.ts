import {
  conditioningRecord,
  describeConditioningRecord,
  sameConditioning,
} from '../../core/conditioning/conditioning';
import { activeConditioning } from '../conditioning/controls';
import { parseHead, serializeHead, type TrainedHead } from '../../core/heads/format';
import { topK } from '../../core/heads/metrics';
import type { Ranked } from '../../core/heads/metrics';
import type { FeatureItem } from '../../core/features/batch';
import type { AppStore } from '../appStore';
import { userMessage } from '../workers/errors';
import type { HeadsEngine } from '../workers/headsEngine';
import type { UnetEngine } from '../workers/unetEngine';
import { headInfo } from './outcome';
import type { headsStorage } from './storage';

/** What to do with an imported head whose id a stored head already has. */
export type HeadConflictChoice = 'replace' | 'keep-both' | 'cancel';

export interface Classification {
  head: string;
  ranked: { label: string; probability: number }[];
}

/** The stored heads: the list, export, import, delete, and classifying an image with one. */
export function createHeadLibrary(deps: {
  store: AppStore;
  unet: Pick<UnetEngine, 'extract'>;
  heads: Pick<HeadsEngine, 'predict'>;
  storage: typeof headsStorage;
}) {
  const { store, unet, heads, storage } = deps;

  /** Reads the stored heads into the list (at panel start). */
  async function loadSavedHeads(): Promise<void> {
    try {
      const heads = await storage.list((id, why) =>
        store.getState().notify('warning', `A stored head (${id}) could not be read: ${why}`),
      );
      store.getState().setHeads({ saved: heads.map(headInfo) });
    } catch (err) {
      store.getState().notify('warning', `Stored heads could not be read: ${userMessage(err)}`);
    }
  }

  /** The head's export file: weights plus model id, block, t, pool, classes and accuracy. */
  async function exportHead(id: string): Promise<{ name: string; text: string } | null> {
    const head = await storage.get(id);
    if (!head) {
      store.getState().notify('error', 'That head is no longer stored.');
      return null;
    }
    const safe = head.name.replace(/[^a-z0-9=.-]+/gi, '-').replace(/-+/g, '-');
    return { name: `${safe}.head.json`, text: serializeHead(head) };
  }

  /**
   * Imports a head file; a bad file is refused with its reason, and nothing stored is lost.
   * When a stored head has the same id, `choose` decides: replace it, keep both (the import gets
   * a new id and a marked name), or import nothing.
   */
  async function importHead(
    text: string,
    fileName: string,
    choose: (existing: string, incoming: string) => Promise<HeadConflictChoice> = async () =>
      'keep-both',
  ): Promise<void> {
    const s = store.getState();
    let head: TrainedHead;
    try {
      head = parseHead(text);
    } catch (err) {
      s.notify('error', `${fileName}: ${userMessage(err)}`);
      return;
    }
    const existing = s.heads.saved.find((h) => h.id === head.id);
    if (existing) {
      const choice = await choose(existing.name, head.name);
      if (choice === 'cancel') {
        s.notify('info', `${fileName} was not imported: “${existing.name}” is kept as it was.`);
        return;
      }
      if (choice === 'keep-both') {
        const taken = new Set(store.getState().heads.saved.map((h) => h.name));
        let n = 2;
        while (taken.has(`${head.name} (${n})`)) n += 1;
        head = {
          ...head,
          id: `${head.id}-${crypto.randomUUID().slice(0, 8)}`,
          name: `${head.name} (${n})`,
        };
      }
    }
    try {
      await storage.put(head);
    } catch (err) {
      s.notify('warning', `${fileName} is loaded but could not be stored: ${userMessage(err)}`);
    }
    const now = store.getState();
    now.setHeads({
      saved: [headInfo(head), ...now.heads.saved.filter((h) => h.id !== head.id)],
      activeHeadId: head.id,
    });
    const modelId = now.model.summary?.manifest?.id;
    if (modelId && modelId !== head.model.id)
      now.notify(
        'warning',
        `${head.name} was trained on ${head.model.id}, not on the loaded ${modelId}.`,
      );
    else now.notify('info', `Imported ${head.name}.`);
  }

  async function deleteHead(id: string): Promise<void> {
    try {
      await storage.remove(id);
    } catch (err) {
      store.getState().notify('error', `The head could not be deleted: ${userMessage(err)}`);
      return;
    }
    const s = store.getState();
    s.setHeads({
      saved: s.heads.saved.filter((h) => h.id !== id),
      activeHeadId: s.heads.activeHeadId === id ? null : s.heads.activeHeadId,
    });
  }

  /** Classifies one prepared image [C, S, S] with a stored head: U-Net features at its block and t. */
  async function classifyImage(headId: string, x0: Float32Array, k = 3): Promise<Classification> {
    const head = await storage.get(headId);
    if (!head) throw new Error('that head is no longer stored');
    const manifest = store.getState().model.summary?.manifest;
    if (!manifest || manifest.id !== head.model.id)
      throw new Error(`this head needs the model ${head.model.id}; load it first`);
    // The features must be the ones the head learnt from: the same conditioning inputs.
    const trained = head.conditioning ?? [];
    const cond = activeConditioning(store.getState());
    const feeding = conditioningRecord(cond);
    if (trained.some((r) => r.class === 'own-label'))
      throw new Error(
        `${head.name} was trained on each image's own label as its class input, which a dropped image does not have`,
      );
    if (!sameConditioning(trained, feeding))
      throw new Error(
        `${head.name} was trained with ${describeConditioningRecord(trained)}; the model now feeds ${describeConditioningRecord(feeding)}. Set the model panel's conditioning to match.`,
      );
    const item: FeatureItem = { id: `dropped:${crypto.randomUUID()}`, x0 };
    let rows: Float32Array | null = null;
    await unet.extract(
      [item],
      {
        t: head.t,
        blocks: [head.block],
        pool: head.spec.pool,
        seed: head.seed,
        noise: head.noise,
      },
      (batch) => {
        rows = batch.blocks[head.block]!.data;
      },
      // The conditioning just checked against the head's, not whatever the panel says later.
      { useCache: false, conditioning: cond },
    );
    if (!rows) throw new Error('the model returned no features');
    const logits = await heads.predict(
      { spec: head.spec, channels: head.channels, classes: head.classes.length },
      head.params,
      head.standardizer,
      rows,
    );
    const ranked: Ranked[] = topK(logits, k);
    return {
      head: head.name,
      ranked: ranked.map((r) => ({ label: head.classes[r.index]!, probability: r.probability })),
    };
  }

  return { loadSavedHeads, exportHead, importHead, deleteHead, classifyImage };
}
