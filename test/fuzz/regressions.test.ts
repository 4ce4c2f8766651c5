/** The defects the fuzzing found or pointed at, one test each, so they stay fixed. */
import { zipSync } from 'fflate';
import { TEST_HANG_MS } from './harness';
import { describe, expect, it } from 'vitest';
import { parseBlocks } from '../../cli/commands/extractArgs';
import { CliError } from '../../cli/shared/errors';
import { bytesAccess, readZipDirectory, readZipEntry, ZipError } from '../../src/core/datasets/zip';
import { HeadFileError, parseHead } from '../../src/core/heads/format';
import { assemblePng, decodePng, ImageDecodeError } from '../../src/core/image/png';
import { NpyError, parseNpy } from '../../src/core/npy';
import { readField, WireError } from '../../src/core/onnx/wire';

function npy(header: string): Uint8Array {
  const body = new TextEncoder().encode(header);
  const out = new Uint8Array(12 + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
  new DataView(out.buffer).setUint32(8, body.length, true);
  out.set(body, 12);
  return out;
}

describe('fuzz regressions', () => {
  it('protobuf: 100,000 nested groups are a WireError, not a call-stack overflow', () => {
    const bytes = new Uint8Array(100_000).fill(0x0b); // start group, field 1
    expect(() => readField(bytes, 0, bytes.length)).toThrow(WireError);
  });
  it('npy: a deeply nested header is an NpyError, not a call-stack overflow', () => {
    expect(() => parseNpy(npy('('.repeat(100_000)))).toThrow(NpyError);
  });
  it('npy: a long header of many tokens does not hang (the quadratic reader took minutes)', () => {
    const t0 = performance.now();
    expect(() => parseNpy(npy(`{'shape': (${'1, '.repeat(200_000)})}`))).toThrow(NpyError);
    expect(performance.now() - t0).toBeLessThan(TEST_HANG_MS);
  });
  it('png: a size the image data cannot hold is refused before the buffer is allocated', () => {
    const png = assemblePng(
      { width: 16_384, height: 16_384, bitDepth: 8, colorType: 0 },
      new Uint8Array(10),
    );
    expect(() => decodePng(png)).toThrow(ImageDecodeError);
    expect(() => decodePng(png)).toThrow(/cannot hold/);
  });
  it('zip: an entry declaring more than deflate can expand to is refused before allocation', async () => {
    const bytes = zipSync({ 'a.png': new Uint8Array(100) });
    const src = bytesAccess(bytes);
    const [entry] = await readZipDirectory(src);
    await expect(readZipEntry(src, { ...entry!, size: 2 ** 40 })).rejects.toThrow(ZipError);
  });
  it('zip: a ZIP64 extra field claiming more than the entry holds is a ZipError', async () => {
    const bytes = zipSync({ 'a.png': new Uint8Array(4) }, { level: 0 });
    const v = new DataView(bytes.buffer);
    const cd = v.getUint32(bytes.length - 6, true);
    // Size 0xffffffff, and an extra field (id 1, claimed length 64) with 4 bytes really there.
    v.setUint32(cd + 24, 0xffffffff, true);
    const extraAt = cd + 46 + v.getUint16(cd + 28, true);
    const patched = new Uint8Array(bytes.length + 8);
    patched.set(bytes.subarray(0, extraAt));
    patched.set([1, 0, 64, 0, 0, 0, 0, 0], extraAt);
    patched.set(bytes.subarray(extraAt), extraAt + 8);
    const p = new DataView(patched.buffer);
    p.setUint16(cd + 30, 8, true); // the extra field's length in the central header
    p.setUint32(patched.length - 10, v.getUint32(bytes.length - 10, true) + 8, true); // cd size
    await expect(readZipDirectory(bytesAccess(patched))).resolves.toBeDefined();
  });
  it('head: weights that are not base64 are a HeadFileError, not a bare RangeError', () => {
    const raw = {
      format: 'diffprobe-head',
      version: 1,
      spec: { kind: 'linear', pool: 1 },
      pool: 1,
    };
    const file = {
      ...raw,
      classes: ['a', 'b'],
      model: {},
      channels: 1,
      params: [{ name: 'w', shape: [2, 1], data: '!!!' }],
    };
    expect(() => parseHead(JSON.stringify(file))).toThrow(HeadFileError);
  });
  it('cli: --blocks 1-1000000 is refused at once, with the range', () => {
    const t0 = performance.now();
    expect(() => parseBlocks('1-1000000')).toThrow(CliError);
    expect(() => parseBlocks('1-1000000')).toThrow(/outside 1 to 10000/);
    expect(parseBlocks('1-10000,1-10000')).toHaveLength(10_000);
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});
