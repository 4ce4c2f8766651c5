import { readFileSync } from 'node:fs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../image/png';
import { prepareImage } from '../image/prepare';
import { readDemoZip } from './demoZip';

const DEMO = new Uint8Array(readFileSync('public/datasets/fashion-mnist-demo.zip'));

describe('readDemoZip (the built-in demo set)', () => {
  const demo = readDemoZip(DEMO, 32, 1);

  it('holds 200 train and 100 test images of each of the 10 classes, in path order', () => {
    expect(demo.classes).toHaveLength(10);
    expect(demo.ids).toHaveLength(3000);
    const count = (test: number, label: number) =>
      demo.ids.filter((_, i) => demo.test[i] === test && demo.labels[i] === label).length;
    for (let c = 0; c < 10; c++) {
      expect(count(0, c)).toBe(200);
      expect(count(1, c)).toBe(100);
    }
    const sorted = [...demo.ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(demo.ids).toEqual(sorted);
    expect(demo.ids.every((p, i) => p.split('/')[1] === demo.classes[demo.labels[i]!])).toBe(true);
  });

  it('prepares each image as the model input (28×28 padded to 32×32, [−1, 1])', () => {
    const i = 1234;
    const files = unzipSync(DEMO, { filter: (f) => f.name === demo.ids[i] });
    const want = prepareImage(decodePng(files[demo.ids[i]!]!), { size: 32, channels: 1 });
    expect(Array.from(demo.x.subarray(i * 1024, (i + 1) * 1024))).toEqual(Array.from(want));
    expect(demo.x[i * 1024]).toBe(-1); // padding
    expect(Math.max(...demo.x.subarray(i * 1024, (i + 1) * 1024))).toBeGreaterThan(0);
  });

  it('gives RGB planes when the model takes three channels', () => {
    const rgb = readDemoZip(DEMO, 32, 3);
    expect(rgb.x.length).toBe(3000 * 3 * 1024);
    const grey = demo.x.subarray(0, 1024);
    for (let c = 0; c < 3; c++) {
      expect(Array.from(rgb.x.subarray(c * 1024, (c + 1) * 1024))).toEqual(Array.from(grey));
    }
  });

  it('refuses a zip without train/ or test/ images', () => {
    const zip = zipSync({ 'README.txt': strToU8('no images'), 'misc/a.png': new Uint8Array(3) });
    expect(() => readDemoZip(zip, 32, 1)).toThrow(/no train\/ or test\/ images/);
  });
});
