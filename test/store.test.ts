import { describe, expect, it } from 'vitest';
import { createAppStore } from '../src/store';

describe('the app store (slices)', () => {
  it('tracks the runtime from starting to ready and to a crash', () => {
    const store = createAppStore();
    expect(store.getState().runtime.status).toBe('idle');
    store.getState().setRuntimeStarting();
    expect(store.getState().runtime.status).toBe('starting');
    store.getState().setRuntimeReady({
      backend: 'wasm',
      reason: 'WASM: this browser has no WebGPU adapter',
      shaderF16: false,
      threads: 2,
      crossOriginIsolated: true,
    });
    expect(store.getState().runtime.info?.backend).toBe('wasm');
    store.getState().setRuntimeError('The model worker stopped unexpectedly (boom).');
    expect(store.getState().runtime).toMatchObject({
      status: 'error',
      error: expect.stringContaining('boom'),
    });
    // The last known backend stays visible while the error is shown.
    expect(store.getState().runtime.info?.threads).toBe(2);
  });

  it('keeps the last five notices and dismisses by id', () => {
    const store = createAppStore();
    const ids = Array.from({ length: 7 }, (_, i) => store.getState().notify('info', `n${i}`));
    expect(store.getState().notices.map((n) => n.text)).toEqual(['n2', 'n3', 'n4', 'n5', 'n6']);
    store.getState().dismiss(ids[4]!);
    expect(store.getState().notices.map((n) => n.text)).toEqual(['n2', 'n3', 'n5', 'n6']);
  });

  it('follows jobs from start to end', () => {
    const store = createAppStore();
    store.getState().startJob('j1', 'Extracting features');
    store.getState().updateJob('j1', 0.5, '4 of 8 images');
    expect(store.getState().jobs.j1).toMatchObject({ fraction: 0.5, detail: '4 of 8 images' });
    store.getState().updateJob('missing', 1, '');
    expect(Object.keys(store.getState().jobs)).toEqual(['j1']);
    store.getState().endJob('j1');
    expect(store.getState().jobs).toEqual({});
  });

  it('switches panels and the large-text mode', () => {
    const store = createAppStore();
    expect(store.getState().panel).toBe('explorer');
    store.getState().setPanel('cka');
    store.getState().setLargeText(true);
    expect(store.getState()).toMatchObject({ panel: 'cka', largeText: true });
  });
});
