import { Unzlib } from 'fflate';
import { ADAM7, type Checked, pngDataBytes, type PngInfo, readPngHeader } from './imageHeaders.ts';

/** A decoded image: 8 bits a sample, gray (1) or RGB (3) channels, alpha dropped. */
export interface Bitmap {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

// Compressed bytes inflated at a time: the bound is checked after each step, so a bomb
// is stopped within one step (deflate expands ≤ ~1032×: ~130 MB for a moment), while
// small steps made fflate's streaming inflate ~2.5 times slower on a 16-megapixel PNG.
const PUSH_BYTES = 128 * 1024;

const IDAT = 0x49444154;
const IEND = 0x49454e44;
const PLTE = 0x504c5445;
const DAMAGED = 'is a damaged PNG: its data could not be decoded.';

/**
 * Decodes a PNG to 8-bit gray or RGB, inflating its pixel data once, into a buffer of
 * exactly the size its header implies: a stream that inflates past it is refused within
 * one step (a 1 KB file that says 4×4 and inflates to 200 MB), one that falls short is
 * damaged. Palettes become RGB, 16-bit samples keep their high byte, gray below 8 bits is
 * scaled to 0–255, and alpha (a channel or tRNS) is dropped.
 */
export function decodePng(bytes: Uint8Array): Checked<Bitmap> {
  const header = readPngHeader(bytes);
  if (!header.ok) return header;
  const info = header.value;
  // Compression and filter method 0, interlace 0 or 1: the only ones PNG defines.
  if (bytes[26] !== 0 || bytes[27] !== 0 || (bytes[28] as number) > 1) {
    return {
      ok: false,
      why: 'uses a compression, filter or interlace method PNG does not define.',
    };
  }
  const bound = pngDataBytes(info);
  const pixels = new Uint8Array(bound);
  let filled = 0;
  let excess = false;
  const inflater = new Unzlib((chunk) => {
    if (excess || filled + chunk.length > bound) excess = true;
    else {
      pixels.set(chunk, filled);
      filled += chunk.length;
    }
  });
  let palette: Uint8Array | undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    for (let at = 8; at + 8 <= bytes.length && !excess;) {
      const length = view.getUint32(at);
      const type = view.getUint32(at + 4);
      const start = at + 8;
      const end = Math.min(bytes.length, start + length);
      if (type === IEND) break;
      if (type === PLTE) palette = bytes.subarray(start, end);
      if (type === IDAT) {
        for (let from = start; from < end && !excess; from += PUSH_BYTES) {
          inflater.push(bytes.subarray(from, Math.min(end, from + PUSH_BYTES)));
        }
      }
      at = start + length + 4; // past the CRC
    }
    if (!excess) inflater.push(new Uint8Array(0), true);
  } catch (cause) {
    if (!(cause instanceof Error)) throw cause;
    if (!excess) return { ok: false, why: DAMAGED };
  }
  if (excess) {
    return {
      ok: false,
      why: `holds more pixel data than its ${info.width}×${info.height} header allows (over ${bound} bytes inflated): it is damaged or hostile.`,
    };
  }
  if (filled < bound) return { ok: false, why: DAMAGED };
  if (info.colourType === 3 && (!palette || palette.length % 3 !== 0)) {
    return { ok: false, why: DAMAGED };
  }
  const bitmap = unfilterAndUnpack(pixels, info, palette);
  return bitmap ? { ok: true, value: bitmap } : { ok: false, why: DAMAGED };
}

/**
 * Undoes each row's filter in place (pass by pass when interlaced) and writes its pixels
 * to the bitmap; undefined when a filter type or a palette index is out of range.
 */
function unfilterAndUnpack(
  pixels: Uint8Array,
  info: PngInfo,
  palette: Uint8Array | undefined,
): Bitmap | undefined {
  const { width, height, bitDepth: depth, samples, colourType } = info;
  const channels = colourType === 0 || colourType === 4 ? 1 : 3;
  const data = new Uint8Array(width * height * channels);
  // Filters work on whole bytes: a pixel's worth, at least one.
  const pixelBytes = Math.max(1, (samples * depth) / 8);
  const passes = info.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const colours = palette ? palette.length / 3 : 0;
  const mask = (1 << Math.min(depth, 8)) - 1;
  let offset = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const passWidth = Math.ceil((width - x0) / dx);
    const passHeight = Math.ceil((height - y0) / dy);
    if (passWidth <= 0 || passHeight <= 0) continue;
    const rowBytes = Math.ceil((passWidth * samples * depth) / 8);
    let previous: Uint8Array | undefined;
    for (let y = 0; y < passHeight; y++) {
      const row = pixels.subarray(offset + 1, offset + 1 + rowBytes);
      if (!unfilter(pixels[offset] as number, row, previous, pixelBytes)) return undefined;
      previous = row;
      offset += 1 + rowBytes;
      const rowStart = (y0 + y * dy) * width + x0;
      // 8-bit gray or RGB, not interlaced: the row is the bitmap's row as it is.
      if (depth === 8 && dx === 1 && (colourType === 0 || colourType === 2)) {
        data.set(row, rowStart * channels);
        continue;
      }
      for (let x = 0; x < passWidth; x++) {
        const to = (rowStart + x * dx) * channels;
        if (depth === 8 || depth === 16) {
          // The high byte of a 16-bit sample comes first.
          const from = x * samples * (depth / 8);
          if (colourType === 3) {
            const colour = row[from] as number;
            if (colour >= colours) return undefined;
            data.set((palette as Uint8Array).subarray(colour * 3, colour * 3 + 3), to);
          } else {
            for (let c = 0; c < channels; c++) data[to + c] = row[from + c * (depth / 8)] as number;
          }
        } else {
          // One sample a pixel (gray or palette), packed from the high bits down.
          const bit = x * depth;
          const value = ((row[bit >> 3] as number) >> (8 - depth - (bit & 7))) & mask;
          if (colourType === 3) {
            if (value >= colours) return undefined;
            data.set((palette as Uint8Array).subarray(value * 3, value * 3 + 3), to);
          } else data[to] = (value * 255) / mask;
        }
      }
    }
  }
  return { width, height, channels, data };
}

/** Undoes one row's filter in place (`previous`: the row above, already undone). */
function unfilter(
  filter: number,
  row: Uint8Array,
  previous: Uint8Array | undefined,
  pixelBytes: number,
): boolean {
  const n = row.length;
  const left = (i: number) => (i >= pixelBytes ? (row[i - pixelBytes] as number) : 0);
  const up = (i: number) => (previous ? (previous[i] as number) : 0);
  const upLeft = (i: number) =>
    previous && i >= pixelBytes ? (previous[i - pixelBytes] as number) : 0;
  switch (filter) {
    case 0:
      return true;
    case 1:
      for (let i = pixelBytes; i < n; i++) row[i] = (row[i] as number) + left(i);
      return true;
    case 2:
      if (previous) for (let i = 0; i < n; i++) row[i] = (row[i] as number) + up(i);
      return true;
    case 3:
      for (let i = 0; i < n; i++) row[i] = (row[i] as number) + ((left(i) + up(i)) >> 1);
      return true;
    case 4:
      for (let i = 0; i < n; i++) row[i] = (row[i] as number) + paeth(left(i), up(i), upLeft(i));
      return true;
    default:
      return false;
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
