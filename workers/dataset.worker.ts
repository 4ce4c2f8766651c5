import * as Comlink from 'comlink';
import { readDemoZip, type PreparedImages } from '../src/core/datasets/demoZip';
import { deleteDataset, getMeta, listMeta, putMeta } from './dataset/db';
import { runImport } from './dataset/importJob';
import { classThumbnails, prepareDataset } from './dataset/readJob';
import type {
  ClassThumbnails,
  DatasetList,
  DatasetMeta,
  ImportOptions,
  ImportProgress,
  ImportResult,
  ImportSource,
  PreparedDataset,
  DatasetPatch,
} from '../src/protocol/datasets';
import { installErrorTransfer } from './shared/errorTransfer';
import { JobRegistry } from './shared/jobs';

const jobs = new JobRegistry();

const api = {
  cancel(jobId: string): void {
    jobs.cancel(jobId);
  },

  /** Imports a source into IndexedDB; a cancel keeps what was stored and resolves. */
  importDataset(
    jobId: string,
    source: ImportSource,
    options: ImportOptions,
    progress: (p: ImportProgress) => void,
  ): Promise<ImportResult> {
    return jobs.run(jobId, (signal) => runImport(source, options, signal, progress));
  },

  /** The stored datasets; corrupted records are skipped and listed in `skipped`. */
  list(): Promise<DatasetList> {
    return listMeta();
  },

  async update(id: string, patch: DatasetPatch): Promise<DatasetMeta> {
    const meta = await getMeta(id);
    if (!meta) throw new Error(`dataset ${id} is not stored (deleted?)`);
    const next = { ...meta, ...patch };
    await putMeta(next);
    return next;
  },

  remove(id: string): Promise<void> {
    return deleteDataset(id);
  },

  async prepare(id: string, size: number, channels: 1 | 3): Promise<PreparedDataset> {
    const out = await prepareDataset(id, size, channels);
    return Comlink.transfer(out, [out.x.buffer, out.labels.buffer, out.test.buffer]);
  },

  /** The built-in demo set at `url`, fetched, decoded and prepared here (not on the page). */
  async demo(url: string, size: number, channels: 1 | 3): Promise<PreparedImages> {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`the demo dataset could not be read (HTTP ${res.status})`);
    const out = readDemoZip(new Uint8Array(await res.arrayBuffer()), size, channels);
    return Comlink.transfer(out, [out.x.buffer, out.labels.buffer, out.test.buffer]);
  },

  thumbnails(id: string, perClass: number): Promise<ClassThumbnails> {
    return classThumbnails(id, perClass);
  },
};

export type DatasetApi = typeof api;

installErrorTransfer();
Comlink.expose(api);
