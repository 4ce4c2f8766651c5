import { describe, expect, it } from 'vitest';
import { encodePng } from '../image/png';
import { imageSize } from './imageSize';

describe('imageSize', () => {
  it('reads PNG, GIF, BMP, JPEG and WebP headers', () => {
    expect(imageSize(encodePng(new Uint8Array(6), 3, 2))).toEqual({ width: 3, height: 2 });
    const gif = Uint8Array.from([...'GIF89a'].map((c) => c.charCodeAt(0)).concat([5, 1, 7, 0]));
    expect(imageSize(gif)).toEqual({ width: 261, height: 7 });
    const bmp = new Uint8Array(30);
    bmp.set([0x42, 0x4d]);
    new DataView(bmp.buffer).setInt32(18, 640, true);
    new DataView(bmp.buffer).setInt32(22, -480, true);
    expect(imageSize(bmp)).toEqual({ width: 640, height: 480 });
    // SOI, an APP0 segment of 4 bytes, then SOF0 with height 300 and width 7000.
    const jpeg = Uint8Array.from([
      0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 17, 8, 0x01, 0x2c, 0x1b, 0x58, 3, 0, 0,
    ]);
    expect(imageSize(jpeg)).toEqual({ width: 7000, height: 300 });
    const webp = new Uint8Array(30);
    webp.set([...'RIFF'].map((c) => c.charCodeAt(0)));
    webp.set(
      [...'WEBPVP8X'].map((c) => c.charCodeAt(0)),
      8,
    );
    webp.set([0xff, 0x1d, 0, 0x3f, 0x1f, 0], 24); // 7680 × 8000 (stored minus one)
    expect(imageSize(webp)).toEqual({ width: 7680, height: 8000 });
  });

  it('gives null for other bytes', () => {
    expect(imageSize(new TextEncoder().encode('not an image at all, just text'))).toBeNull();
    expect(imageSize(new Uint8Array(0))).toBeNull();
  });
});
