/**
 * What an import accepts. Each limit protects the tab: a zip is never unpacked whole, a
 * declared size is checked before anything is inflated, and an image is downscaled while it is
 * decoded. The user is told which limit stopped what.
 */
export interface ImportLimits {
  /** A zip file larger than this is refused (browsers cannot hold more in one buffer). */
  maxZipBytes: number;
  /** Most files (zip entries, or files in a folder) in one dataset. */
  maxEntries: number;
  /** Most bytes all of a zip's entries may expand to (as the central directory declares). */
  maxExpandedBytes: number;
  /** Most bytes one image file may have (expanded). */
  maxFileBytes: number;
  /** An entry that expands more than this many times (and past 1 MiB) is a bomb. */
  maxRatio: number;
  /** Images with more pixels than this are not decoded at all. */
  maxPixels: number;
}

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

export const DEFAULT_LIMITS: ImportLimits = {
  maxZipBytes: 2 * GiB,
  maxEntries: 100_000,
  maxExpandedBytes: 2 * GiB,
  maxFileBytes: 256 * MiB,
  maxRatio: 1000,
  maxPixels: 250_000_000,
};

/** Bytes in the units people read: 1.5 GB, 320 MB, 12 kB. */
export function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(n >= 10 * GiB ? 0 : 1)} GB`;
  if (n >= MiB) return `${(n / MiB).toFixed(n >= 10 * MiB ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} kB`;
  return `${n} B`;
}
