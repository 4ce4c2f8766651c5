/**
 * Generated datasets for the browser tests and the bench: PNGs from encodePng, zips from
 * fflate, folders written to a temporary directory (for <input webkitdirectory>), and the bad
 * inputs the datasets issue names (corrupt files, a 50-megapixel image, zip bombs, odd names).
 */
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { encodePng } from '../../src/core/image/png';

/** A small grey PNG whose pixels depend on `seed` (so files differ unless asked not to). */
export function greyPng(seed: number, size = 28): Uint8Array {
  const px = new Uint8Array(size * size);
  for (let i = 0; i < px.length; i++) px[i] = (seed * 31 + i * 7 + ((seed * i) % 13)) & 255;
  // The seed's bytes in the first pixels: every seed gives a different file.
  for (let k = 0; k < 4; k++) px[k] = (seed >>> (8 * k)) & 255;
  return encodePng(px, size, size, 1);
}

/**
 * A PNG of seeded noise: its pixels do not compress (IndexedDB compresses what it stores, so a
 * test that must fill the storage quota uses these).
 */
export function noisyPng(seed: number, size = 28): Uint8Array {
  const px = new Uint8Array(size * size);
  let x = (seed * 2654435761 + 1) >>> 0 || 1;
  for (let i = 0; i < px.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    px[i] = x & 255;
  }
  return encodePng(px, size, size, 1);
}

/** A flat-colour PNG of width × height: a 50-megapixel one compresses to a few dozen kB. */
export function flatPng(width: number, height: number, value = 128): Uint8Array {
  return encodePng(new Uint8Array(width * height).fill(value), width, height, 1);
}

/** Bytes that claim to be a PNG but are cut short after the header. */
export function corruptPng(): Uint8Array {
  const good = greyPng(999);
  const bad = good.slice(0, 60);
  bad[50] = bad[50]! ^ 0xff;
  return bad;
}

export type Files = Record<string, Uint8Array>;

/** `classes` folders of `perClass` images each (distinct pixels). */
export function classFolders(classes: string[], perClass: number, offset = 0): Files {
  const out: Files = {};
  classes.forEach((c, k) => {
    for (let i = 0; i < perClass; i++) out[`${c}/${i + 1}.png`] = greyPng(offset + k * 10_000 + i);
  });
  return out;
}

export function zip(files: Files, level: 0 | 1 | 6 = 6): Uint8Array {
  const z: Zippable = {};
  for (const [path, bytes] of Object.entries(files)) z[path] = [bytes, { level }];
  return zipSync(z);
}

/** Writes files under a fresh temporary folder `<tmp>/<name>/…`; returns that folder. */
export function writeFolder(name: string, files: Files, emptyDirs: string[] = []): string {
  const root = join(mkdtempSync(join(tmpdir(), 'diffprobe-ds-')), name);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  for (const d of emptyDirs) mkdirSync(join(root, d), { recursive: true });
  mkdirSync(root, { recursive: true });
  return root;
}

function centralRecords(zipBytes: Uint8Array): number[] {
  const at: number[] = [];
  for (let i = 0; i + 4 <= zipBytes.length; i++) {
    if (
      zipBytes[i] === 0x50 &&
      zipBytes[i + 1] === 0x4b &&
      zipBytes[i + 2] === 1 &&
      zipBytes[i + 3] === 2
    ) {
      at.push(i);
    }
  }
  return at;
}

/**
 * A zip of a few hundred bytes whose central directory declares `declared` bytes per entry
 * (e.g. 1.5 GB each: a set that would expand past 2 GB) — the guard must refuse it from the
 * directory alone, without a real multi-gigabyte file.
 */
export function zipDeclaring(files: Files, declared: number): Uint8Array {
  const out = zip(files, 0).slice();
  const v = new DataView(out.buffer);
  for (const at of centralRecords(out)) v.setUint32(at + 24, declared, true);
  return out;
}

/** A zip with a real bomb entry: `mib` MiB of zeros deflated to a few kB, next to good images. */
export function zipWithBombEntry(mib: number): Uint8Array {
  return zipSync({
    ...Object.fromEntries(Object.entries(classFolders(['a', 'b'], 3)).map(([p, b]) => [p, b])),
    'a/bomb.png': [new Uint8Array(mib * 1024 * 1024), { level: 9 }],
  });
}

/** `n` distinct images in `classes` classes, zipped without compression (PNG is compressed). */
export function bigZip(n: number, classes = 10, png = greyPng): Uint8Array {
  const files: Files = {};
  for (let i = 0; i < n; i++) files[`class-${i % classes}/${i}.png`] = png(i);
  return zip(files, 0);
}

/**
 * A file of `bytes` bytes that takes no disk space (sparse: zeros the filesystem does not
 * store), in a fresh temporary folder: a "zip" larger than 2 GB for the size guard.
 */
export function sparseFile(name: string, bytes: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'diffprobe-ds-')), name);
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
  return path;
}

/**
 * A real zip (a few hundred bytes: `files`, stored) rewritten as ZIP64 so that its end records
 * declare `declared` entries: the classic end record says 0xffff / 0xffffffff ("see ZIP64"),
 * the ZIP64 end record (found through its locator) gives the count. The 16-bit count of the
 * classic record cannot say more than 65,535, so a count past the app's 100,000 needs ZIP64.
 * The central directory itself is intact (it lists `files` only): a reader that did not check
 * the declared count first would fail later, on the missing entries, with another message.
 */
export function zipDeclaringEntries(files: Files, declared: number): Uint8Array {
  const plain = zip(files, 0);
  const eocd = plain.length - 22; // fflate writes no comment
  const pv = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  if (pv.getUint32(eocd, true) !== 0x06054b50) throw new Error('no end record where expected');
  const cdSize = pv.getUint32(eocd + 12, true);
  const cdOffset = pv.getUint32(eocd + 16, true);
  const out = new Uint8Array(eocd + 56 + 20 + 22);
  out.set(plain.subarray(0, eocd));
  const v = new DataView(out.buffer);
  const rec = eocd;
  v.setUint32(rec, 0x06064b50, true); // ZIP64 end of central directory record
  v.setBigUint64(rec + 4, 44n, true); // size of the rest of the record
  v.setUint16(rec + 12, 45, true); // version made by
  v.setUint16(rec + 14, 45, true); // version needed
  v.setUint32(rec + 16, 0, true); // this disk
  v.setUint32(rec + 20, 0, true); // disk of the central directory
  v.setBigUint64(rec + 24, BigInt(declared), true); // entries on this disk
  v.setBigUint64(rec + 32, BigInt(declared), true); // entries in all
  v.setBigUint64(rec + 40, BigInt(cdSize), true);
  v.setBigUint64(rec + 48, BigInt(cdOffset), true);
  const loc = rec + 56;
  v.setUint32(loc, 0x07064b50, true); // ZIP64 end of central directory locator
  v.setUint32(loc + 4, 0, true);
  v.setBigUint64(loc + 8, BigInt(rec), true);
  v.setUint32(loc + 16, 1, true); // disks in all
  const end = loc + 20;
  v.setUint32(end, 0x06054b50, true); // classic end record: every field "in the ZIP64 record"
  v.setUint16(end + 4, 0xffff, true);
  v.setUint16(end + 6, 0xffff, true);
  v.setUint16(end + 8, 0xffff, true);
  v.setUint16(end + 10, 0xffff, true);
  v.setUint32(end + 12, 0xffffffff, true);
  v.setUint32(end + 16, 0xffffffff, true);
  v.setUint16(end + 20, 0, true);
  return out;
}
