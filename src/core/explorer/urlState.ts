/**
 * The explorer's selection in the URL's query string, so a reload or a shared link restores
 * the view: ?model=…&block=…&t=…&pool=…&seed=…&noise=…&image=…&log=1
 */
import type { NoiseMode } from '../features/request';

/** Which image is explored: a dataset item (by its path), a generated sample, or a dropped file. */
export type ImageRef =
  | { kind: 'item'; id: string }
  | { kind: 'sample'; seed: number; steps: number; index: number }
  | { kind: 'file'; name: string };

export interface ExplorerSelection {
  /** A built-in model id, or `user:<file name>` for a model the user opened. */
  model: string;
  block: number;
  t: number;
  /** 0: the full map; p: adaptive-average-pooled to p×p. */
  pool: number;
  seed: number;
  noise: NoiseMode;
  image: ImageRef;
  /** The timestep slider's log scale. */
  log: boolean;
}

export const DEFAULT_SELECTION: ExplorerSelection = {
  model: 'fmnist-adm-s',
  block: 12,
  t: 90,
  pool: 0,
  seed: 0,
  noise: 'seeded',
  image: { kind: 'item', id: 'test/Ankle_boot/0.png' },
  log: false,
};

export function imageRefToString(ref: ImageRef): string {
  switch (ref.kind) {
    case 'item':
      return `item:${ref.id}`;
    case 'sample':
      return `sample:${ref.seed}:${ref.steps}:${ref.index}`;
    case 'file':
      return `file:${ref.name}`;
  }
}

export function parseImageRef(text: string): ImageRef | null {
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (kind === 'item' && rest) return { kind: 'item', id: rest };
  if (kind === 'file' && rest) return { kind: 'file', name: rest };
  if (kind === 'sample') {
    const parts = rest.split(':').map(Number);
    if (parts.length === 3 && parts.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      const [seed, steps, index] = parts as [number, number, number];
      if (steps >= 1) return { kind: 'sample', seed, steps, index };
    }
  }
  return null;
}

function intParam(p: URLSearchParams, key: string, min: number, max: number): number | undefined {
  const raw = p.get(key);
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

/**
 * Reads what the URL states; anything missing or malformed is left out (the caller keeps its
 * default) and named in `rejected`, so the UI can say what it ignored.
 */
export function parseSelection(search: string): {
  selection: Partial<ExplorerSelection>;
  rejected: string[];
} {
  const p = new URLSearchParams(search);
  const out: Partial<ExplorerSelection> = {};
  const rejected: string[] = [];
  const num = (key: 'block' | 't' | 'pool' | 'seed', min: number, max: number) => {
    if (!p.has(key)) return;
    const v = intParam(p, key, min, max);
    if (v === undefined) rejected.push(key);
    else out[key] = v;
  };
  const model = p.get('model');
  if (model !== null) {
    if (/^[\w.:@ -]{1,200}$/.test(model)) out.model = model;
    else rejected.push('model');
  }
  num('block', 1, 10_000);
  num('t', 0, 1_000_000);
  num('pool', 0, 1024);
  num('seed', 0, Number.MAX_SAFE_INTEGER);
  const noise = p.get('noise');
  if (noise !== null) {
    if (noise === 'seeded' || noise === 'none') out.noise = noise;
    else rejected.push('noise');
  }
  const image = p.get('image');
  if (image !== null) {
    const ref = parseImageRef(image);
    if (ref) out.image = ref;
    else rejected.push('image');
  }
  const log = p.get('log');
  if (log !== null) out.log = log === '1';
  return { selection: out, rejected };
}

/** The query string for a selection (without the leading "?"), keys in a fixed order. */
export function serialiseSelection(s: ExplorerSelection): string {
  const p = new URLSearchParams();
  p.set('model', s.model);
  p.set('block', String(s.block));
  p.set('t', String(s.t));
  p.set('pool', String(s.pool));
  p.set('seed', String(s.seed));
  p.set('noise', s.noise);
  p.set('image', imageRefToString(s.image));
  p.set('log', s.log ? '1' : '0');
  return p.toString();
}

/** Keeps a restored selection inside what the model offers (blocks, timesteps). */
export function clampSelection(
  s: ExplorerSelection,
  blocks: readonly number[],
  T: number,
): ExplorerSelection {
  const block = blocks.includes(s.block) ? s.block : (blocks[Math.floor(blocks.length / 2)] ?? 1);
  return { ...s, block, t: Math.min(Math.max(0, s.t), Math.max(0, T - 1)) };
}
