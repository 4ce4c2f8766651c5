import { describe, expect, it } from 'vitest';
import { createAppStore } from '../index';

describe('explorer slice', () => {
  it('starts a new block on its first page and the channel mean', () => {
    const store = createAppStore();
    store.getState().setExplorerView({ page: 2, focus: 7 });
    store.getState().select({ t: 300 });
    expect(store.getState().explorer.view).toMatchObject({ page: 2, focus: 7 });
    store.getState().select({ block: 5 });
    expect(store.getState().explorer.selection).toMatchObject({ block: 5, t: 300 });
    expect(store.getState().explorer.view).toMatchObject({ page: 0, focus: null });
  });
  it('keeps the image shown when another one fails', () => {
    const store = createAppStore();
    const image = {
      ref: { kind: 'item' as const, id: 'test/Bag/1.png' },
      id: 'test/Bag/1.png',
      label: 'Bag',
      x0: new Float32Array(4),
      fit: null,
    };
    store.getState().setExplorerImage(image);
    store.getState().setExplorerImage(null, 'cat.gif is not an image');
    expect(store.getState().explorer.image).toBe(image);
    expect(store.getState().explorer.imageError).toBe('cat.gif is not an image');
  });
  it('marks maps ready and clears the error', () => {
    const store = createAppStore();
    store.getState().setFeatureStatus('error', 'boom');
    store.getState().setFeatures({
      key: 'k',
      block: 1,
      data: new Float32Array(2),
      dims: [2, 1, 1],
      ms: 3,
      fromCache: false,
    });
    expect(store.getState().explorer).toMatchObject({ featureStatus: 'ready', featureError: null });
  });
});
