import { describe, expect, it } from 'vitest';
import { serializeHead, type TrainedHead } from '../../core/heads/format';
import { sampleHead } from '../../../test/sampleHead';
import { storeWithClassModel, storeWithModel } from '../testing/fakes';
import { createHeadLibrary, type HeadConflictChoice } from './library';
import { headInfo } from './outcome';
import type { headsStorage } from './storage';

function memoryStorage(initial: TrainedHead[]) {
  const heads = new Map(initial.map((h) => [h.id, h]));
  const storage: typeof headsStorage = {
    put: async (h) => void heads.set(h.id, h),
    get: async (id) => heads.get(id) ?? null,
    list: async () => [...heads.values()],
    remove: async (id) => void heads.delete(id),
  };
  return { heads, storage };
}

function setup(choice: HeadConflictChoice) {
  const stored = { ...sampleHead('linear'), name: 'stored head' };
  const { heads, storage } = memoryStorage([stored]);
  const store = storeWithModel();
  store.getState().setHeads({ saved: [headInfo(stored)] });
  const lib = createHeadLibrary({
    store,
    unet: { extract: async () => Promise.reject(new Error('unused')) },
    heads: { predict: async () => Promise.reject(new Error('unused')) },
    storage,
  });
  const asked: string[] = [];
  const importing = { ...sampleHead('linear'), name: 'imported head' };
  const run = () =>
    lib.importHead(serializeHead(importing), 'h.head.json', async (existing, incoming) => {
      asked.push(`${existing} / ${incoming}`);
      return choice;
    });
  return { heads, store, run, asked };
}

describe('importing a head whose id is stored', () => {
  it('asks, and "keep both" stores the import under a new id and name', async () => {
    const { heads, store, run, asked } = setup('keep-both');
    await run();
    expect(asked).toEqual(['stored head / imported head']);
    expect(heads.get('h1')!.name).toBe('stored head');
    const names = [...heads.values()].map((h) => h.name).sort();
    expect(names).toEqual(['imported head (2)', 'stored head']);
    expect(store.getState().heads.saved).toHaveLength(2);
  });

  it('"replace" overwrites the stored head', async () => {
    const { heads, store, run } = setup('replace');
    await run();
    expect([...heads.values()].map((h) => h.name)).toEqual(['imported head']);
    expect(store.getState().heads.saved.map((h) => h.name)).toEqual(['imported head']);
  });

  it('"cancel" keeps the stored head as it was and says so', async () => {
    const { heads, store, run } = setup('cancel');
    await run();
    expect([...heads.values()].map((h) => h.name)).toEqual(['stored head']);
    expect(store.getState().notices.at(-1)!.text).toMatch(/not imported: “stored head” is kept/);
  });
});

describe('classifying a dropped image with a stored head', () => {
  function classifier(conditioning?: TrainedHead['conditioning'], store = storeWithModel()) {
    const head = {
      ...sampleHead('linear'),
      model: { id: 'tiny-unet', sha256: 'abc' },
      ...(conditioning ? { conditioning } : {}),
    };
    const { storage } = memoryStorage([head]);
    const extracted: unknown[] = [];
    const lib = createHeadLibrary({
      store,
      unet: {
        extract: async (_items, _req, _onBatch, options) => {
          extracted.push(options?.conditioning);
          return Promise.reject(new Error('extract reached'));
        },
      },
      heads: { predict: async () => Promise.reject(new Error('unused')) },
      storage,
    });
    const run = () => lib.classifyImage(head.id, new Float32Array(4));
    return Object.assign(run, { extracted });
  }

  it('runs the model when the head was trained with the conditioning fed now (none)', async () => {
    await expect(classifier()()).rejects.toThrow('extract reached');
  });

  it('runs the model with the class the head was trained with', async () => {
    const run = classifier([{ name: 'y', role: 'class', class: 3 }], storeWithClassModel(3));
    await expect(run()).rejects.toThrow('extract reached');
    expect(run.extracted).toEqual([[expect.objectContaining({ name: 'y', id: 3 })]]);
  });

  it('refuses a head trained with another class, saying both', async () => {
    const run = classifier([{ name: 'y', role: 'class', class: 3 }]);
    await expect(run()).rejects.toThrow(
      /was trained with y: class 3; the model now feeds no conditioning\. Set the model panel/,
    );
  });

  it("refuses a head trained on the images' own labels", async () => {
    const run = classifier([{ name: 'y', role: 'class', class: 'own-label' }]);
    await expect(run()).rejects.toThrow(/own label as its class input/);
  });
});
