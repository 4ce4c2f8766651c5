/**
 * A zip reader that never holds the archive: it reads the central directory from the end of
 * the file, checks every declared size against the limits before inflating anything, then
 * inflates one entry at a time from its byte range, streaming, and stops an entry that expands
 * past what it declared. Works on any random-access source (a File's slices, a Node file).
 */
import { Inflate } from 'fflate';
import { DEFAULT_LIMITS, formatBytes } from './limits';
import type { ImportLimits } from './limits';

/** Reads `length` bytes at `offset` of a source of `size` bytes. */
export interface RandomAccess {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface ZipEntry {
  /** The name as stored ('/'-separated; folders end with '/'). */
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export type ZipErrorCode =
  'not-zip' | 'corrupt' | 'too-large' | 'too-many-entries' | 'bomb' | 'unsupported';

export class ZipError extends Error {
  constructor(
    readonly code: ZipErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ZipError';
  }
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
/** Deflate's largest possible expansion (258 bytes from about 2 bits). */
const MAX_DEFLATE_RATIO = 1032;

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A zip's entries from its central directory (ZIP64 included), checked against `limits`. */
export async function readZipDirectory(
  src: RandomAccess,
  limits: ImportLimits = DEFAULT_LIMITS,
): Promise<ZipEntry[]> {
  if (src.size > limits.maxZipBytes) {
    throw new ZipError(
      'too-large',
      `the zip is ${formatBytes(src.size)}; at most ${formatBytes(limits.maxZipBytes)} can be read — unzip it and add the folder instead`,
    );
  }
  if (src.size < 22) throw new ZipError('not-zip', 'not a zip file (too short)');
  const tailLength = Math.min(src.size, 22 + 0xffff);
  const tail = await src.read(src.size - tailLength, tailLength);
  const tv = view(tail);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new ZipError('not-zip', 'not a zip file (no end-of-central-directory record)');
  }
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || tv.getUint32(loc, true) !== SIG_LOCATOR64) {
      throw new ZipError('corrupt', 'corrupt zip (ZIP64 locator missing)');
    }
    const at = Number(tv.getBigUint64(loc + 8, true));
    if (at + 56 > src.size) throw new ZipError('corrupt', 'corrupt zip (ZIP64 record truncated)');
    const rec = view(await src.read(at, 56));
    if (rec.getUint32(0, true) !== SIG_EOCD64) {
      throw new ZipError('corrupt', 'corrupt zip (bad ZIP64 end record)');
    }
    count = Number(rec.getBigUint64(32, true));
    cdSize = Number(rec.getBigUint64(40, true));
    cdOffset = Number(rec.getBigUint64(48, true));
  }
  if (count > limits.maxEntries) {
    throw new ZipError(
      'too-many-entries',
      `the zip lists ${count.toLocaleString('en')} files; at most ${limits.maxEntries.toLocaleString('en')} are read`,
    );
  }
  if (cdOffset + cdSize > src.size) {
    throw new ZipError('corrupt', 'corrupt zip (the file list lies past the end: truncated?)');
  }
  const cd = await src.read(cdOffset, cdSize);
  const v = view(cd);
  const entries: ZipEntry[] = [];
  let total = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== SIG_CENTRAL) {
      throw new ZipError('corrupt', `corrupt zip (file list broken at entry ${i + 1})`);
    }
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    const commentLength = v.getUint16(p + 32, true);
    let localOffset = v.getUint32(p + 42, true);
    const rawName = cd.subarray(p + 46, p + 46 + nameLength);
    // Bit 11: the name is UTF-8; otherwise try UTF-8 and fall back to Latin-1 (CP437-like).
    let name: string;
    try {
      name = new TextDecoder('utf-8', { fatal: true }).decode(rawName);
    } catch {
      name = flags & 0x800 ? utf8.decode(rawName) : latin1.decode(rawName);
    }
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    if (extraEnd + commentLength > cd.length) {
      throw new ZipError('corrupt', `corrupt zip (file list broken at entry ${i + 1})`);
    }
    while (e + 4 <= extraEnd) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        // The record's own length may claim more than the extra field holds: read neither past.
        const recordEnd = Math.min(e + 4 + len, extraEnd);
        const next = (): number => {
          const x = q + 8 <= recordEnd ? Number(v.getBigUint64(q, true)) : 0;
          q += 8;
          return x;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      e += 4 + len;
    }
    total += size;
    if (total > limits.maxExpandedBytes) {
      throw new ZipError(
        'bomb',
        `the zip's files would expand to more than ${formatBytes(limits.maxExpandedBytes)}; nothing was unpacked`,
      );
    }
    entries.push({ name, method, flags, compressedSize, size, localOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}

/** Why an entry is not read (encryption, method, size, ratio), or null when it can be. */
export function entryProblem(
  entry: ZipEntry,
  limits: ImportLimits = DEFAULT_LIMITS,
): string | null {
  if (entry.flags & 1) return 'encrypted zip entry';
  if (entry.method !== 0 && entry.method !== 8) {
    return `zip compression method ${entry.method} is not supported`;
  }
  if (entry.size > limits.maxFileBytes) {
    return `expands to ${formatBytes(entry.size)} (more than ${formatBytes(limits.maxFileBytes)})`;
  }
  if (entry.size > 1024 * 1024 && entry.size > entry.compressedSize * limits.maxRatio) {
    return `expands ${Math.round(entry.size / Math.max(1, entry.compressedSize))}× (a zip bomb?)`;
  }
  return null;
}

/** One entry's bytes, inflated in chunks; stops when the data exceeds the declared size. */
export async function readZipEntry(src: RandomAccess, entry: ZipEntry): Promise<Uint8Array> {
  if (entry.localOffset + 30 > src.size) throw new ZipError('corrupt', 'entry lies past the end');
  const local = view(await src.read(entry.localOffset, 30));
  if (local.getUint32(0, true) !== SIG_LOCAL) {
    throw new ZipError('corrupt', 'corrupt zip entry (bad local header)');
  }
  const start = entry.localOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
  if (start + entry.compressedSize > src.size) {
    throw new ZipError('corrupt', 'corrupt zip entry (truncated)');
  }
  if (
    !Number.isSafeInteger(entry.size) ||
    entry.size > MAX_DEFLATE_RATIO * entry.compressedSize + 1024
  ) {
    // Checked before the output buffer is allocated: deflate cannot expand more than this.
    throw new ZipError(
      'corrupt',
      `corrupt zip entry (declares ${formatBytes(entry.size)} from ${formatBytes(entry.compressedSize)} of data)`,
    );
  }
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) {
      throw new ZipError('corrupt', 'corrupt zip entry (stored size mismatch)');
    }
    return src.read(start, entry.size);
  }
  const out = new Uint8Array(entry.size);
  let filled = 0;
  let overflow = false;
  const inflate = new Inflate((chunk) => {
    if (filled + chunk.length > out.length) {
      overflow = true;
      return;
    }
    out.set(chunk, filled);
    filled += chunk.length;
  });
  const CHUNK = 1 << 20;
  try {
    for (let off = 0; off < entry.compressedSize && !overflow; off += CHUNK) {
      const len = Math.min(CHUNK, entry.compressedSize - off);
      const part = await src.read(start + off, len);
      inflate.push(part, off + len >= entry.compressedSize);
    }
  } catch (e) {
    throw new ZipError('corrupt', `corrupt zip entry (${(e as Error).message})`);
  }
  if (overflow) {
    throw new ZipError(
      'bomb',
      `expands past its declared ${formatBytes(entry.size)} (a zip bomb?)`,
    );
  }
  if (filled !== entry.size) throw new ZipError('corrupt', 'corrupt zip entry (wrong size)');
  return out;
}

/** A Blob (a File) as a random-access source: only the slices asked for are read. */
export function blobAccess(blob: Blob): RandomAccess {
  return {
    size: blob.size,
    read: async (offset, length) =>
      new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}

/** Bytes in memory as a random-access source (tests, small fetched zips). */
export function bytesAccess(bytes: Uint8Array): RandomAccess {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  };
}
