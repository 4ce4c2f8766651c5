/**
 * The representations of a CKA matrix: one extract for all blocks (block × block), one per
 * timestep (timestep × timestep), or the U-Net's blocks and the compared model's layers or
 * blocks, each labelled for the matrix's rows and columns.
 */
import type { Conditioning } from '../../core/conditioning/conditioning';
import type { FeatureItem } from '../../core/features/batch';
import type { ModelManifest } from '../../core/manifest/types';
import type { CkaSettings, CompareModel } from '../../store/slices/cka';
import type { UnetEngine } from '../workers/unetEngine';
import { classifierFeatures, diffusionFeatures, type BlockFeatures } from './features';

export interface Gathered {
  rows: BlockFeatures[];
  rowLabels: string[];
  cols: BlockFeatures[];
  colLabels: string[];
  title: string;
}

/** The model compared with, on its own engine. */
export type CompareSource = (choice: CompareModel) => {
  engine: Pick<UnetEngine, 'extract' | 'run'>;
  manifest: Promise<ModelManifest>;
};

export interface GatherContext {
  unet: Pick<UnetEngine, 'extract'>;
  compare: CompareSource;
  manifest: ModelManifest;
  items: FeatureItem[];
  /** The same images, prepared for another model's input (its size and channels). */
  itemsFor: (m: ModelManifest) => Promise<FeatureItem[]>;
  signal: AbortSignal;
  /** What the loaded model's class and context inputs get (fixed when the run starts). */
  conditioning: Conditioning;
  /** Progress of one stage ("features at t = 10") in images. */
  report: (stage: string) => (p: { done: number; total: number; fromCache?: number }) => void;
}

export const blockLabel = (m: ModelManifest, b: number): string => {
  const stage = m.blocks.find((x) => x.index === b)?.stage;
  return stage && stage !== 'layer' ? `block ${b} (${stage})` : `layer ${b}`;
};

function square(f: BlockFeatures[], labels: string[], title: string): Gathered {
  return { rows: f, rowLabels: labels, cols: f, colLabels: labels, title };
}

function request(s: CkaSettings, ctx: GatherContext) {
  const blocks = ctx.manifest.blocks.map((b) => b.index);
  return { t: s.t, blocks, pool: s.pool, seed: 0, noise: 'seeded' as const };
}

async function blocksAtT(s: CkaSettings, ctx: GatherContext): Promise<Gathered> {
  const { signal, manifest, conditioning } = ctx;
  const f = await diffusionFeatures(ctx.unet, ctx.items, request(s, ctx), {
    signal,
    conditioning,
    onProgress: ctx.report('features'),
  });
  const labels = f.map((x) => blockLabel(manifest, x.block));
  return square(f, labels, `block × block at t = ${s.t}, pool ${s.pool}`);
}

async function timestepsAtBlock(s: CkaSettings, ctx: GatherContext): Promise<Gathered> {
  const f: BlockFeatures[] = [];
  for (const t of s.timesteps) {
    const req = { ...request(s, ctx), t, blocks: [s.block] };
    const onProgress = ctx.report(`features at t = ${t}`);
    const [one] = await diffusionFeatures(ctx.unet, ctx.items, req, {
      signal: ctx.signal,
      conditioning: ctx.conditioning,
      onProgress,
    });
    f.push(one!);
  }
  const labels = s.timesteps.map((t) => `t = ${t}`);
  return square(f, labels, `timestep × timestep at block ${s.block}, pool ${s.pool}`);
}

async function againstOtherModel(s: CkaSettings, ctx: GatherContext): Promise<Gathered> {
  const { signal, manifest, report, conditioning } = ctx;
  const req = request(s, ctx);
  const f = await diffusionFeatures(ctx.unet, ctx.items, req, {
    signal,
    conditioning,
    onProgress: report('U-Net features'),
  });
  const other = ctx.compare(s.compareWith);
  const om = await other.manifest;
  const theirs = await ctx.itemsFor(om);
  const diffusion = om.kind === 'diffusion' && om.schedule;
  const unit = diffusion ? 'block' : 'layer';
  const g = diffusion
    ? await diffusionFeatures(
        other.engine,
        theirs,
        { ...req, blocks: om.blocks.map((b) => b.index) },
        { signal, onProgress: report(`${om.id} features`) },
      )
    : await classifierFeatures(other.engine, om, theirs, s.pool, {
        signal,
        onProgress: (done, total) => report(`${om.id} layers`)({ done, total }),
      });
  return {
    rows: f,
    rowLabels: f.map((x) => blockLabel(manifest, x.block)),
    cols: g,
    colLabels: g.map((x) => `${om.id} ${unit} ${x.block}`),
    title: `U-Net blocks (t = ${s.t}) × ${om.id} ${unit}s${unit === 'block' ? ` (t = ${s.t})` : ''}, pool ${s.pool}`,
  };
}

/** The rows and columns the settings ask for. */
export function gather(s: CkaSettings, ctx: GatherContext): Promise<Gathered> {
  if (s.kind === 'blocks') return blocksAtT(s, ctx);
  if (s.kind === 'timesteps') return timestepsAtBlock(s, ctx);
  return againstOtherModel(s, ctx);
}
