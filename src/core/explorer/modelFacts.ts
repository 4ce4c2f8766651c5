/** The facts of a model as the model panel lists them, in words. */
import type { ModelManifest } from '../manifest/types';
import { describeNoiseSchedule } from '../schedule';

export interface ModelFact {
  label: string;
  value: string;
}

/** 1742881 → "1.74 M"; 12_500 → "12.5 k"; 950 → "950". */
export function compactCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toPrecision(3)} G`;
  if (abs >= 1e6) return `${(n / 1e6).toPrecision(3)} M`;
  if (abs >= 1e3) return `${(n / 1e3).toPrecision(3)} k`;
  return String(n);
}

/** "linear β 1e-4 … 0.02, T = 1000" or "cosine (s = 0.008), T = 1000". */
export function describeSchedule(m: ModelManifest): string {
  const s = m.schedule;
  if (!s) return 'none (not a diffusion model)';
  return describeNoiseSchedule(s);
}

/** "9 encoder · 1 middle · 9 decoder" (or "12 layers" for a classifier). */
export function describeBlocks(m: ModelManifest): string {
  const count = (stage: string) => m.blocks.filter((b) => b.stage === stage).length;
  const layers = count('layer');
  if (layers === m.blocks.length) return `${layers} layers`;
  return `${m.blocks.length} blocks: ${count('encoder')} encoder · ${count('middle')} middle · ${count('decoder')} decoder`;
}

function trainingData(m: ModelManifest): string {
  const t = m.training;
  if (t && typeof t.data === 'string') return t.data;
  return 'not stated';
}

/** The list shown under the model's title. */
export function modelFacts(m: ModelManifest, bytes: number, synthesized: boolean): ModelFact[] {
  const facts: ModelFact[] = [
    { label: 'Kind', value: m.kind === 'diffusion' ? 'diffusion U-Net' : 'classifier' },
    {
      label: 'Parameters',
      value: m.parameters > 0 ? compactCount(m.parameters) : 'unknown',
    },
    { label: 'Blocks', value: describeBlocks(m) },
    {
      label: 'Resolution',
      value: `${m.image.size}×${m.image.size}, ${m.image.channels === 1 ? 'grey' : 'RGB'}, range [${m.image.range.join(', ')}]`,
    },
    { label: 'Schedule', value: describeSchedule(m) + (synthesized ? ' (your choice)' : '') },
    { label: 'Training data', value: trainingData(m) },
    { label: 'File', value: `${(bytes / 1e6).toFixed(1)} MB` },
  ];
  if (m.flops) facts.splice(2, 0, { label: 'FLOPs per image', value: compactCount(m.flops) });
  return facts;
}
