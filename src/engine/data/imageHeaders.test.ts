import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodeImageFolder } from './imageFolder.ts';
import { pngDataBytes, readImageHeader } from './imageHeaders.ts';
import { decodePng } from './png.ts';
import { pngWithData } from './pngFixtures.ts';

describe('PNG pixel data bounded by the header', () => {
  it('refuses a PNG that says 4×4 but whose pixel data inflates to 8 MB', () => {
    const hostile = pngWithData(4, 4, new Uint8Array(8 * 1024 ** 2));
    expect(hostile.length).toBeLessThan(100 * 1024);
    const decoded = decodeImage('a/bomb.png', hostile);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.error).toBe(
        'a/bomb.png holds more pixel data than its 4×4 header allows (over 20 bytes inflated): it is damaged or hostile.',
      );
    }
  });

  it('accepts pixel data of exactly the size its header implies', () => {
    const honest = pngWithData(4, 3, new Uint8Array(3 * 5).fill(0));
    const decoded = decodeImage('a/ok.png', honest);
    expect(decoded.ok && decoded.value.data.length).toBe(12);
  });

  it('knows the size of interlaced and sub-byte pixel data', () => {
    const info = { width: 5, height: 3, bitDepth: 8, samples: 1, interlaced: false };
    expect(pngDataBytes(info)).toBe(3 * 6);
    expect(pngDataBytes({ ...info, bitDepth: 1 })).toBe(3 * 2);
    expect(pngDataBytes({ ...info, samples: 4, bitDepth: 16 })).toBe(3 * 41);
    // An Adam7 1×1 image is one pass of one row: filter byte and pixel.
    expect(pngDataBytes({ ...info, width: 1, height: 1, interlaced: true })).toBe(2);
    const interlaced = encodePng(
      {
        width: 9,
        height: 7,
        channels: 1,
        depth: 8,
        data: new Uint8Array(63),
      },
      { interlace: 'Adam7' },
    );
    expect(decodePng(interlaced).ok).toBe(true);
  });
});

describe('image headers', () => {
  it('refuses absurd declared sizes before decoding', () => {
    expect(readImageHeader(pngWithData(100_000, 100_000, new Uint8Array(10)), 16e6)).toEqual({
      ok: false,
      why: 'is 100000×100000: too large to decode here (at most 16 megapixels).',
    });
    expect(readImageHeader(pngWithData(0, 7, new Uint8Array(10)), 16e6)).toEqual({
      ok: false,
      why: 'says it is 0×7: it holds no pixels.',
    });
  });

  it('reads a JPEG frame header without decoding it', () => {
    // SOI, then a baseline frame header: 8-bit, 300 high, 70000 wide is impossible in 16 bits,
    // so 60000 × 60000, three components.
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0xea, 0x60, 0xea, 0x60, 3]);
    expect(readImageHeader(jpeg, 16e6)).toEqual({
      ok: false,
      why: 'is 60000×60000: too large to decode here (at most 16 megapixels).',
    });
  });

  it('refuses a folder with one absurd image by name, decoding none', async () => {
    const good = pngWithData(2, 2, new Uint8Array(6));
    const absurd = pngWithData(50_000, 50_000, new Uint8Array(10));
    const read = decodeImageFolder({
      classNames: ['a', 'b'],
      images: [
        { path: 'a/1.png', label: 0, bytes: good },
        { path: 'b/1.png', label: 1, bytes: absurd },
      ],
      sha256: '',
    });
    expect(read).toEqual({
      ok: false,
      error: 'b/1.png is 50000×50000: too large to decode here (at most 16 megapixels).',
    });
  });
});
