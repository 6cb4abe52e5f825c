/**
 * What an image file says about itself before it is decoded: enough to choose the folder's
 * size and colour, and to refuse a file whose claims are absurd before any pixel is
 * allocated. Untrusted input: every answer is a value, never an exception.
 */
export interface ImageHeader {
  width: number;
  height: number;
  /** After decoding and dropping alpha: 1 (gray) or 3 (colour). */
  channels: 1 | 3;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; why: string };

/** The width and height of a PNG or JPEG from its header, or why it cannot be read. */
export function readImageHeader(bytes: Uint8Array, maxPixels: number): Checked<ImageHeader> {
  const header = isPng(bytes)
    ? readPngHeader(bytes)
    : isJpeg(bytes)
      ? readJpegHeader(bytes)
      : {
          ok: false as const,
          why: 'is neither a PNG nor a JPEG image (its first bytes say otherwise).',
        };
  if (!header.ok) return header;
  const { width, height } = header.value;
  if (width === 0 || height === 0)
    return { ok: false, why: `says it is ${width}×${height}: it holds no pixels.` };
  if (width * height > maxPixels) {
    return {
      ok: false,
      why: `is ${width}×${height}: too large to decode here (at most ${maxPixels / 1e6} megapixels).`,
    };
  }
  return header;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

export interface PngInfo extends ImageHeader {
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  colourType: number;
  bitDepth: number;
  /** Samples per pixel as stored (gray 1, gray+alpha 2, RGB 3, palette 1, RGBA 4). */
  samples: number;
  interlaced: boolean;
}

const PNG_SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const PNG_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

export function readPngHeader(bytes: Uint8Array): Checked<PngInfo> {
  // Signature (8), IHDR length and type (8), then width, height, depth, colour type, …
  if (bytes.length < 33) return { ok: false, why: 'is cut short (no PNG header).' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(12) !== 0x49484452)
    return { ok: false, why: 'has no PNG header (IHDR) where it belongs.' };
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = bytes[24] as number;
  const colourType = bytes[25] as number;
  const samples = PNG_SAMPLES[colourType];
  if (samples === undefined || !PNG_DEPTHS[colourType]?.includes(bitDepth)) {
    return { ok: false, why: `has an invalid PNG colour type ${colourType} at depth ${bitDepth}.` };
  }
  return {
    ok: true,
    value: {
      width,
      height,
      channels: colourType === 0 || colourType === 4 ? 1 : 3,
      colourType,
      bitDepth,
      samples,
      interlaced: bytes[28] === 1,
    },
  };
}

// The Adam7 passes: [x start, y start, x step, y step].
export const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** The bytes a PNG's pixel data inflates to, as its header implies: rows plus a filter byte each. */
export function pngDataBytes(
  info: Pick<PngInfo, 'width' | 'height' | 'bitDepth' | 'samples' | 'interlaced'>,
): number {
  const rowBytes = (width: number) => 1 + Math.ceil((width * info.samples * info.bitDepth) / 8);
  if (!info.interlaced) return info.height * rowBytes(info.width);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const width = Math.ceil((info.width - x0) / dx);
    const height = Math.ceil((info.height - y0) / dy);
    if (width > 0 && height > 0) total += height * rowBytes(width);
  }
  return total;
}

// Start-of-frame markers: C0–CF except DHT (C4), JPG (C8) and DAC (CC).
const isStartOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function readJpegHeader(bytes: Uint8Array): Checked<ImageHeader> {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return { ok: false, why: 'is a damaged JPEG (a marker is missing).' };
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break;
    const length = ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number);
    if (isStartOfFrame(marker)) {
      if (at + 10 > bytes.length) break;
      const height = ((bytes[at + 5] as number) << 8) | (bytes[at + 6] as number);
      const width = ((bytes[at + 7] as number) << 8) | (bytes[at + 8] as number);
      const components = bytes[at + 9] as number;
      return { ok: true, value: { width, height, channels: components === 1 ? 1 : 3 } };
    }
    if (length < 2) return { ok: false, why: 'is a damaged JPEG (a segment has no length).' };
    at += 2 + length;
  }
  return { ok: false, why: 'is a damaged JPEG (no frame header says its size).' };
}
