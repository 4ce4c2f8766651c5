/**
 * Resuming an import that stopped (the tab was closed, the storage filled, the user cancelled):
 * the same source is listed again, and only the files not handled before are read. Classes
 * are matched by folder; a source that holds none of the stored images is refused.
 */
import type { Layout, LayoutItem, SkippedFile } from '../../src/core/datasets/layout';
import { displayName } from '../../src/core/datasets/names';
import type { DatasetMeta } from '../../src/protocol/datasets';
import { getItemIds, getMeta } from './db';
import { SourceProblem } from './source';

export interface Resumed {
  meta: DatasetMeta;
  /** The files still to import, labelled with the stored dataset's class indices. */
  work: LayoutItem[];
}

export async function resumeImport(
  id: string,
  sourceKind: 'zip' | 'folder',
  layout: Layout,
  work: LayoutItem[],
  skipped: SkippedFile[],
): Promise<Resumed> {
  const stored = await getMeta(id);
  if (!stored) throw new SourceProblem(`the dataset to resume is no longer stored (deleted?)`);
  const ids = await getItemIds(id);
  const handled = new Set([
    ...ids,
    ...stored.duplicates.map((d) => d.path),
    ...stored.skipped.map((s) => s.path),
  ]);
  if (ids.size > 0 && !work.some((item) => ids.has(item.path)))
    throw new SourceProblem(
      `the chosen ${sourceKind} holds none of the images stored in “${stored.name}”: choose the folder or zip it was imported from`,
    );
  const classes = stored.classes.map((c) => ({ ...c }));
  const labelOf = layout.classes.map((folder) => {
    const i = classes.findIndex((c) => c.folder === folder);
    if (i >= 0) return i;
    classes.push({ name: displayName(folder), folder, included: true, count: 0 });
    return classes.length - 1;
  });
  const fresh = skipped.filter((s) => !handled.has(s.path));
  const meta: DatasetMeta = {
    ...stored,
    classes,
    total: work.length,
    skipped: [...stored.skipped, ...fresh].slice(0, Math.max(stored.skipped.length, 1000)),
    skippedCount: stored.skippedCount + fresh.length,
    status: 'importing',
    note: null,
  };
  const remaining = work
    .filter((item) => !handled.has(item.path))
    .map((item) => ({ ...item, label: labelOf[item.label!]! }));
  return { meta, work: remaining };
}
