/** max |a − b| / max |b| (0 when both are all zeros); the parity measure used across diffprobe. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`length ${a.length} ≠ ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    diff = Math.max(diff, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(y));
  }
  if (Number.isNaN(diff)) return Number.NaN;
  return scale === 0 ? diff : diff / scale;
}
