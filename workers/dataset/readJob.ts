/**
 * A stored dataset as a model's input: the included classes (renamed as the user chose),
 * the split (the dataset's own, or stratified and seeded), pixels scaled to [−1, 1].
 */
import { comparePaths } from '../../src/core/datasets/layout';
import { storedToInput } from '../../src/core/datasets/pixels';
import { stratifiedSplit } from '../../src/core/datasets/split';
import { storedItemProblem } from '../../src/core/datasets/storedRecord';
import { getClassItems, getItems, getMeta } from './db';
import type { ClassThumbnails, PreparedDataset } from '../../src/protocol/datasets';

export async function prepareDataset(
  id: string,
  size: number,
  channels: 1 | 3,
): Promise<PreparedDataset> {
  const meta = await getMeta(id);
  if (!meta) throw new Error(`dataset ${id} is not stored (deleted?)`);
  const keep = new Map<number, number>();
  const classes: string[] = [];
  meta.classes.forEach((c, i) => {
    if (c.included && c.count > 0) {
      keep.set(i, classes.length);
      classes.push(c.name);
    }
  });
  // A corrupted image record (wrong size, unknown class) is left out; the rest is read.
  const items = (await getItems(id))
    .filter((item) => storedItemProblem(item, meta) === null && keep.has(item.label))
    .sort((a, b) => comparePaths(a.id, b.id));
  const labels = Int32Array.from(items, (item) => keep.get(item.label)!);
  const split = meta.ownSplit
    ? items.map((item) => item.split ?? 'train')
    : stratifiedSplit(Array.from(labels), meta.split);
  const per = channels * size * size;
  const x = new Float32Array(items.length * per);
  items.forEach((item, i) => {
    storedToInput(
      item.pixels,
      { size: meta.size, channels: meta.channels },
      { size, channels },
      meta.fit,
      x.subarray(i * per, (i + 1) * per),
    );
  });
  return {
    meta,
    classes,
    ids: items.map((item) => item.id),
    labels,
    test: Uint8Array.from(split, (s) => (s === 'test' ? 1 : 0)),
    x,
  };
}

export async function classThumbnails(id: string, perClass: number): Promise<ClassThumbnails> {
  const meta = await getMeta(id);
  if (!meta) throw new Error(`dataset ${id} is not stored (deleted?)`);
  const classes = await Promise.all(
    meta.classes.map(async (_, label) => {
      const items = await getClassItems(id, label, perClass);
      const good = items.filter((item) => storedItemProblem(item, meta) === null);
      return { ids: good.map((i) => i.id), pixels: good.map((i) => i.pixels) };
    }),
  );
  return { size: meta.size, channels: meta.channels, classes };
}
