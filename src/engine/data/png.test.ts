import { convertIndexedToRgb, decode as fastPngDecode, encode as encodePng } from 'fast-png';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeImage } from './imageFolder.ts';
import { pngDataBytes, readPngHeader } from './imageHeaders.ts';
import { decodePng } from './png.ts';
import { pngWithData, refilteredPng } from './pngFixtures.ts';

// Every byte an inflater of the readers (fflate's Unzlib, as src imports it) hands out, and
// every call of fast-png's decoder: the reader must inflate a PNG once, by itself.
const counted = vi.hoisted(() => ({ inflatedBytes: 0, fastPngDecodes: 0 }));
vi.mock('fflate', async (importOriginal) => {
  const fflate = await importOriginal<typeof import('fflate')>();
  class CountingUnzlib extends fflate.Unzlib {
    constructor(ondata?: import('fflate').FlateStreamHandler) {
      super((chunk, final) => {
        counted.inflatedBytes += chunk.length;
        ondata?.(chunk, final);
      });
    }
  }
  return { ...fflate, Unzlib: CountingUnzlib };
});
vi.mock('fast-png', async (importOriginal) => {
  const fastPng = await importOriginal<typeof import('fast-png')>();
  return {
    ...fastPng,
    decode: (...args: Parameters<typeof fastPng.decode>) => {
      counted.fastPngDecodes++;
      return fastPng.decode(...args);
    },
  };
});

beforeEach(() => {
  counted.inflatedBytes = 0;
  counted.fastPngDecodes = 0;
});

/** How the reader decoded a PNG before (fast-png, then palette, 16 → 8 bits, alpha dropped). */
function decodedBefore(bytes: Uint8Array) {
  const png = fastPngDecode(bytes);
  let data = png.data;
  let channels = png.channels;
  if (png.palette) {
    data = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
  }
  const eight =
    data instanceof Uint16Array ? Uint8Array.from(data, (v) => v >> 8) : Uint8Array.from(data);
  const keep = channels === 2 || channels === 1 ? 1 : 3;
  const out = new Uint8Array(png.width * png.height * keep);
  for (let p = 0; p < png.width * png.height; p++) {
    for (let c = 0; c < keep; c++) out[p * keep + c] = eight[p * channels + c] as number;
  }
  return { width: png.width, height: png.height, channels: keep, data: out };
}

/** Deterministic pixel values with structure (so filters predict) and noise. */
function samples(count: number, depth: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, (_, i) => {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    const smooth = (i * 7) % 256;
    return ((state >>> 16) % 3 === 0 ? state >>> 8 : smooth) % 2 ** depth;
  });
}

const WIDTH = 13;
const HEIGHT = 11;

function encoded(
  channels: number,
  depth: 8 | 16,
  interlace: 'null' | 'Adam7',
  seed: number,
): Uint8Array {
  const values = samples(WIDTH * HEIGHT * channels, depth, seed);
  const data = depth === 16 ? Uint16Array.from(values) : Uint8Array.from(values);
  return encodePng({ width: WIDTH, height: HEIGHT, channels, depth, data }, { interlace });
}

/** A palette PNG at `depth` bits an index (packed rows), with `components` per colour. */
function paletteEncoded(depth: 1 | 2 | 4 | 8, components: 3 | 4, seed: number): Uint8Array {
  const colours = 2 ** depth;
  const palette = Array.from({ length: colours }, (_, i) =>
    samples(components, 8, seed + i).map((v, c) => (c === 3 ? 128 : v)),
  ) as [number, number, number][];
  const indices = samples(WIDTH * HEIGHT, depth, seed);
  const rowBytes = Math.ceil((WIDTH * depth) / 8);
  const data = new Uint8Array(rowBytes * HEIGHT);
  indices.forEach((index, p) => {
    const [y, x] = [Math.floor(p / WIDTH), p % WIDTH];
    const bit = x * depth;
    const at = y * rowBytes + (bit >> 3);
    data[at] = (data[at] as number) | (index << (8 - depth - (bit & 7)));
  });
  return encodePng({ width: WIDTH, height: HEIGHT, channels: 1, depth, data, palette });
}

describe('PNG decoding in one bounded pass', () => {
  const layouts = [
    ['gray', 1],
    ['gray and alpha', 2],
    ['RGB', 3],
    ['RGBA', 4],
  ] as const;
  const cases = layouts.flatMap(([name, channels]) =>
    ([8, 16] as const).flatMap((depth) =>
      (['null', 'Adam7'] as const).map(
        (interlace) =>
          [`${name}, ${depth}-bit, interlace ${interlace}`, channels, depth, interlace] as const,
      ),
    ),
  );

  it.each(cases)(
    'decodes %s exactly as fast-png did, every filter type',
    (_, channels, depth, interlace) => {
      const png = refilteredPng(encoded(channels, depth, interlace, channels * depth));
      const decoded = decodePng(png);
      expect(decoded.ok ? decoded.value : decoded.why).toEqual(decodedBefore(png));
    },
  );

  it.each([
    [1, 3],
    [2, 3],
    [4, 4],
    [8, 3],
    [8, 4],
  ] as const)('decodes a %i-bit palette of %i components as fast-png did', (depth, components) => {
    const png = refilteredPng(paletteEncoded(depth, components, depth * 10 + components));
    const decoded = decodePng(png);
    expect(decoded.ok ? decoded.value : decoded.why).toEqual(decodedBefore(png));
    if (decoded.ok) expect(decoded.value.channels).toBe(3);
  });

  it('scales gray below 8 bits to 0–255 (fast-png left its bits packed)', () => {
    // A 3×1 2-bit gray row: 0, 1, 3 (packed 00 01 11 00).
    const png = encodePng({
      width: 3,
      height: 1,
      channels: 1,
      depth: 2,
      data: Uint8Array.from([0b00011100]),
    });
    const decoded = decodePng(refilteredPng(png));
    expect(decoded.ok && Array.from(decoded.value.data)).toEqual([0, 85, 255]);
    // A 3×2 1-bit gray image (rows 1 0 1 and 0 1 0), Adam7: its passes 1, 4 and 6 hold one
    // pixel of the first row each, pass 7 the second row (fast-png's encoder packs it wrong).
    const interlaced = pngWithData(
      3,
      2,
      Uint8Array.from([0, 0b10000000, 0, 0b10000000, 0, 0, 0, 0b01000000]),
      { bitDepth: 1, interlaced: true },
    );
    const both = decodePng(refilteredPng(interlaced));
    expect(both.ok && Array.from(both.value.data)).toEqual([255, 0, 255, 0, 255, 0]);
  });

  it('inflates a large PNG once, by itself, exactly the bytes its header implies', () => {
    const side = 1000;
    const png = encodePng({
      width: side,
      height: side,
      channels: 3,
      depth: 8,
      data: Uint8Array.from(samples(side * side * 3, 8, 7)),
    });
    const header = readPngHeader(png);
    if (!header.ok) throw new Error(header.why);
    counted.inflatedBytes = 0;
    const decoded = decodeImage('big/one.png', png);
    expect(decoded.ok && decoded.value.data.length).toBe(side * side * 3);
    expect(counted.fastPngDecodes).toBe(0);
    expect(counted.inflatedBytes).toBe(pngDataBytes(header.value));
  });

  it('still stops a PNG whose data inflates past its header, within one step', () => {
    const hostile = pngWithData(4, 4, new Uint8Array(64 * 1024 ** 2));
    const decoded = decodeImage('a/bomb.png', hostile);
    expect(decoded.ok ? 'decoded' : decoded.error).toBe(
      'a/bomb.png holds more pixel data than its 4×4 header allows (over 20 bytes inflated): it is damaged or hostile.',
    );
    // 64 MB of zeros deflate ~1030×: one 128 KB step of it is at most ~135 MB inflated.
    expect(counted.inflatedBytes).toBeLessThan(136 * 1024 ** 2);
    expect(counted.inflatedBytes).toBeLessThan(64 * 1024 ** 2 + 1);
  });

  it('refuses pixel data that falls short of its header, or an unknown filter type', () => {
    const short = pngWithData(4, 4, new Uint8Array(19));
    expect(decodePng(short)).toEqual({
      ok: false,
      why: 'is a damaged PNG: its data could not be decoded.',
    });
    const raw = new Uint8Array(20);
    raw[5] = 9; // the second row's filter type
    expect(decodePng(pngWithData(4, 4, raw))).toEqual({
      ok: false,
      why: 'is a damaged PNG: its data could not be decoded.',
    });
  });
});
