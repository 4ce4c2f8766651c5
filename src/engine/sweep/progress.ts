import {
  bestCell,
  emptyGrid,
  setCell,
  type BestCell,
  type SweepStep,
} from '../../core/heads/sweep';
import type { ConditioningRecord } from '../../core/conditioning/conditioning';
import type { ExtractResult } from '../../protocol/model';
import type { AppStore } from '../appStore';

/** The store (and so the panel) hears about extraction progress at most this often. */
const PROGRESS_MS = 250;

/** What the last sweep did and how long it took (for the console and the bench). */
export interface SweepStats {
  status: 'done' | 'cancelled' | 'error';
  images: { train: number; test: number };
  timesteps: number[];
  blocks: number;
  cells: number;
  batchSize: number;
  /** Wall time of the extract calls (they overlap training). */
  featureMs: number;
  /** Wall time of the probes' training calls (they overlap extraction). */
  trainMs: number;
  totalMs: number;
  /** (image, t) pairs whose features the sweep used (from the cache or computed). */
  passes: number;
  fromCache: number;
  /** Images the U-Net actually ran on, and its forward calls (one per batch, all blocks). */
  computed: number;
  forwardCalls: number;
  best: BestCell | null;
  /** What the model's class and context inputs got (empty for an unconditional model). */
  conditioning: ConditioningRecord[];
}

/** One sweep's grid, timings and counts, mirrored into the store and the jobs list. */
export class SweepProgress {
  grid;
  readonly cells: number;
  images = { train: 0, test: 0 };
  done = 0;
  conditioning: ConditioningRecord[] = [];
  private featureMs = 0;
  private trainMs = 0;
  private passes = 0;
  private fromCache = 0;
  private computed = 0;
  private forwardCalls = 0;
  private readonly t0 = performance.now();
  private lastUpdate = 0;

  constructor(
    private readonly store: AppStore,
    private readonly jobId: string,
    private readonly plan: readonly SweepStep[],
    private readonly batchSize: number,
  ) {
    this.grid = emptyGrid(
      plan[0]!.blocks,
      plan.map((s) => s.t),
    );
    this.cells = plan.reduce((n, s) => n + s.blocks.length, 0);
  }

  /** Reports the panel's progress; extraction's reports (`force` false) are throttled. */
  update(detail: string, force = true): void {
    const now = performance.now();
    if (!force && now - this.lastUpdate < PROGRESS_MS) return;
    this.lastUpdate = now;
    const s = this.store.getState();
    const fraction = this.done / this.cells;
    const { grid, featureMs, trainMs } = this;
    s.setSweep({ grid, fraction, detail, featureMs, trainMs, totalMs: now - this.t0 });
    s.updateJob(this.jobId, fraction, detail);
  }

  extracted(ms: number, r: ExtractResult): void {
    this.featureMs += ms;
    this.passes += r.count;
    this.fromCache += r.fromCache;
    this.computed += r.computed;
    this.forwardCalls += r.forwardCalls;
  }

  trained(block: number, t: number, ms: number, testAcc: number): void {
    this.trainMs += ms;
    this.grid = setCell(this.grid, block, t, testAcc);
    this.done += 1;
    this.update(`t=${t}: block ${block} trained`);
  }

  stats(status: SweepStats['status']): SweepStats {
    return {
      status,
      images: this.images,
      timesteps: this.plan.map((p) => p.t),
      blocks: this.plan[0]!.blocks.length,
      cells: this.cells,
      batchSize: this.batchSize,
      featureMs: this.featureMs,
      trainMs: this.trainMs,
      totalMs: performance.now() - this.t0,
      passes: this.passes,
      fromCache: this.fromCache,
      computed: this.computed,
      forwardCalls: this.forwardCalls,
      best: bestCell(this.grid),
      conditioning: this.conditioning,
    };
  }

  /** The panel's final state for a finished run. */
  finished(stats: SweepStats): void {
    this.store.getState().setSweep({
      status: 'done',
      grid: this.grid,
      fraction: 1,
      detail: `${this.cells} probes in ${(stats.totalMs / 1000).toFixed(1)} s`,
      featureMs: stats.featureMs,
      trainMs: stats.trainMs,
      totalMs: stats.totalMs,
    });
  }
}
