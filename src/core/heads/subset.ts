/**
 * Indices of at most `perClass` items of each class, in their original order (a stratified
 * subset: datasets sorted by class would otherwise lose whole classes to a plain prefix).
 * `perClass` ≤ 0 keeps everything.
 */
export function stratifiedSubset(labels: ArrayLike<number>, perClass: number): number[] {
  const out: number[] = [];
  const seen = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    const n = seen.get(y) ?? 0;
    if (perClass <= 0 || n < perClass) {
      out.push(i);
      seen.set(y, n + 1);
    }
  }
  return out;
}
