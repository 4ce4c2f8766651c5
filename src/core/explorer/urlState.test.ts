import { describe, expect, it } from 'vitest';
import {
  clampSelection,
  DEFAULT_SELECTION,
  parseImageRef,
  parseSelection,
  serialiseSelection,
  type ExplorerSelection,
} from './urlState';

describe('explorer URL state', () => {
  it('round-trips every field', () => {
    const s: ExplorerSelection = {
      model: 'user:my unet.onnx',
      block: 7,
      t: 150,
      pool: 2,
      seed: 42,
      noise: 'none',
      image: { kind: 'item', id: 'test/T-shirt&top/3.png' },
      log: true,
    };
    const text = serialiseSelection(s);
    expect(parseSelection(`?${text}`)).toEqual({ selection: s, rejected: [] });
    const sample = {
      ...DEFAULT_SELECTION,
      image: { kind: 'sample', seed: 3, steps: 25, index: 1 },
    };
    expect(parseSelection(serialiseSelection(sample as ExplorerSelection)).selection).toEqual(
      sample,
    );
  });
  it('writes the keys in a fixed order', () => {
    expect(serialiseSelection(DEFAULT_SELECTION)).toBe(
      'model=fmnist-adm-s&block=12&t=90&pool=0&seed=0&noise=seeded&image=item%3Atest%2FAnkle_boot%2F0.png&log=0',
    );
  });
  it('leaves out and names what is malformed', () => {
    const r = parseSelection('?block=abc&t=-3&pool=1.5&seed=7&noise=loud&image=nope&model=%3Cx%3E');
    expect(r.selection).toEqual({ seed: 7 });
    expect(r.rejected.sort()).toEqual(['block', 'image', 'model', 'noise', 'pool', 't']);
    expect(parseSelection('').selection).toEqual({});
  });
  it('reads image references', () => {
    expect(parseImageRef('item:train/Bag/1.png')).toEqual({ kind: 'item', id: 'train/Bag/1.png' });
    expect(parseImageRef('file:cat.jpg')).toEqual({ kind: 'file', name: 'cat.jpg' });
    expect(parseImageRef('sample:1:0:0')).toBeNull();
    expect(parseImageRef('sample:1:x:0')).toBeNull();
    expect(parseImageRef('item:')).toBeNull();
  });
  it('keeps a restored selection inside the model', () => {
    const s = clampSelection({ ...DEFAULT_SELECTION, block: 40, t: 5000 }, [1, 2, 3, 4, 5], 1000);
    expect(s.block).toBe(3);
    expect(s.t).toBe(999);
    expect(clampSelection(DEFAULT_SELECTION, [12], 100).block).toBe(12);
  });
});
