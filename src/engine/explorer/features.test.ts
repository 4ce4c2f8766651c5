import { describe, expect, it } from 'vitest';
import { storeWithModel } from '../testing/fakes';
import { mapsRequestKey } from './features';

describe('mapsRequestKey', () => {
  const image = (n: number) => ({
    ref: { kind: 'file' as const, name: 'a.png' },
    id: 'a.png',
    label: 'a',
    x0: new Float32Array(n),
    fit: null,
  });

  it('asks only once the image fits the loaded model (not one fitted to the previous model)', () => {
    const store = storeWithModel(); // a 2×2 grey model
    const blocks = store.getState().model.summary!.manifest!.blocks;
    store.getState().select({ block: blocks[0]!.index, t: 10 });
    store.getState().setExplorerImage(image(16)); // made for a 4×4 model
    expect(mapsRequestKey(store.getState())).toBeNull();
    store.getState().setExplorerImage(image(4)); // the same image, refitted: same id
    expect(mapsRequestKey(store.getState())).toContain('a.png');
  });
});
