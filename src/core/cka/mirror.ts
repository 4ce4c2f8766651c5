/**
 * The paper's X pattern in numbers: in a block × block CKA matrix of a U-Net, how much more an
 * encoder block resembles its mirrored decoder block (the skip connection's partner) than the
 * other decoder blocks.
 */
export interface MirrorRow {
  encoder: number;
  decoder: number;
  /** CKA(encoder block, its mirror). */
  mirror: number;
  /** Mean CKA(encoder block, every other decoder block). */
  othersMean: number;
  /** How many decoder blocks are more similar to this encoder block than its mirror. */
  rank: number;
}

export interface BlockInfo {
  index: number;
  stage: string;
  mirror?: number | null | undefined;
}

/**
 * One row per encoder block that has a mirror, from an m×m CKA matrix whose rows and columns
 * follow `blocks` in order.
 */
export function mirrorReport(M: Float64Array, blocks: readonly BlockInfo[]): MirrorRow[] {
  const m = blocks.length;
  if (M.length !== m * m) throw new RangeError(`expected a ${m}×${m} matrix`);
  const at = new Map(blocks.map((b, i) => [b.index, i]));
  const decoders = blocks.map((b, i) => [b, i] as const).filter(([b]) => b.stage === 'decoder');
  const out: MirrorRow[] = [];
  blocks.forEach((b, i) => {
    if (b.stage !== 'encoder' || b.mirror === null || b.mirror === undefined) return;
    const j = at.get(b.mirror);
    if (j === undefined) return;
    const mirror = M[i * m + j]!;
    const others = decoders.filter(([, k]) => k !== j).map(([, k]) => M[i * m + k]!);
    out.push({
      encoder: b.index,
      decoder: b.mirror,
      mirror,
      othersMean: others.reduce((s, v) => s + v, 0) / Math.max(1, others.length),
      rank: others.filter((v) => v > mirror).length,
    });
  });
  return out;
}
