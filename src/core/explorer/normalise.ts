/**
 * Statistics of a block's activation [C, H, W] and the colour range of each channel's heatmap:
 * normalised per channel, per block, or globally (a fixed range kept across blocks and t).
 */

export type NormMode = 'channel' | 'block' | 'global';

export interface ChannelStats {
  mean: number;
  variance: number;
  min: number;
  max: number;
}

export function channelStats(data: ArrayLike<number>, C: number, HW: number): ChannelStats[] {
  if (data.length !== C * HW)
    throw new RangeError(`expected ${C}×${HW} values, got ${data.length}`);
  const out: ChannelStats[] = [];
  for (let c = 0; c < C; c++) {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = c * HW; i < (c + 1) * HW; i++) {
      const v = data[i]!;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / HW;
    let sq = 0;
    for (let i = c * HW; i < (c + 1) * HW; i++) sq += (data[i]! - mean) ** 2;
    out.push({ mean, variance: sq / HW, min, max });
  }
  return out;
}

export interface Range {
  lo: number;
  hi: number;
}

/** The whole block's range. */
export function blockRange(stats: readonly ChannelStats[]): Range {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of stats) {
    lo = Math.min(lo, s.min);
    hi = Math.max(hi, s.max);
  }
  return Number.isFinite(lo) ? { lo, hi } : { lo: 0, hi: 0 };
}

/** Widens `global` (or starts it) so it covers `range`. */
export function widenRange(global: Range | null, range: Range): Range {
  if (!global) return { ...range };
  return { lo: Math.min(global.lo, range.lo), hi: Math.max(global.hi, range.hi) };
}

/** Centres a range on 0 (for the diverging map): [−m, m], m = max |end|. */
export function symmetric(range: Range): Range {
  const m = Math.max(Math.abs(range.lo), Math.abs(range.hi));
  return { lo: -m, hi: m };
}

/** The colour range for channel c under a normalisation mode. */
export function channelRange(
  mode: NormMode,
  stats: readonly ChannelStats[],
  c: number,
  global: Range | null,
): Range {
  if (mode === 'channel') return { lo: stats[c]!.min, hi: stats[c]!.max };
  if (mode === 'global' && global) return global;
  return blockRange(stats);
}

export type ChannelOrder = 'variance' | 'index';

/** Channel indices, by variance (largest first, ties by index) or by index. */
export function orderChannels(stats: readonly ChannelStats[], by: ChannelOrder): number[] {
  const idx = stats.map((_, i) => i);
  if (by === 'index') return idx;
  return idx.sort((a, b) => stats[b]!.variance - stats[a]!.variance || a - b);
}

/** The slice of `order` shown on page `page` (0-based) of `perPage`, and the page count. */
export function pageOf<T>(order: readonly T[], page: number, perPage: number) {
  const pages = Math.max(1, Math.ceil(order.length / perPage));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { items: order.slice(p * perPage, (p + 1) * perPage), page: p, pages };
}

/** The mean over channels: one H×W map. */
export function channelMean(data: ArrayLike<number>, C: number, HW: number): Float32Array {
  const out = new Float32Array(HW);
  for (let c = 0; c < C; c++) for (let i = 0; i < HW; i++) out[i]! += data[c * HW + i]!;
  for (let i = 0; i < HW; i++) out[i]! /= C;
  return out;
}
