import { decode as decodeJpeg } from 'jpeg-js';
import { MAX_POOL_SIZE } from '../experiment/index.ts';
import { sha256Hex } from './hash.ts';
import { type ImageHeader, isPng, readImageHeader } from './imageHeaders.ts';
import { type Bitmap, decodePng } from './png.ts';
import { type ImageEntry, isImagePath, type Read } from './zip.ts';
import { concatBytes } from './bytes.ts';

export { type ImageEntry, type Read, readZip } from './zip.ts';

/**
 * A labelled image folder, read from a directory (CLI), a chosen folder (lab) or a .zip of
 * one: its subfolders are the classes, its PNG/JPEG files the samples. Decoding and resizing
 * are ours, in plain JS, so the lab and the CLI get the same pixels from the same files.
 * Untrusted input: every problem is one message naming its file, never an exception.
 */

/** What a folder holds, before any decoding: enough to show it and to name it in a spec. */
export interface ImageFolderIndex {
  /** The class folders' names, sorted: class i is classNames[i]. */
  classNames: string[];
  images: { path: string; label: number; bytes: Uint8Array }[];
  /** SHA-256 over the image files (paths and bytes), so a folder and its zip hash alike. */
  sha256: string;
}

export interface DecodedImages {
  /** rows × height × width × channels bytes, row-major (HWC). */
  pixels: Uint8Array;
  labels: Int32Array;
  rows: number;
  inputShape: [number, number, number];
  classNames: string[];
}

export const IMAGE_LIMITS = {
  maxImages: MAX_POOL_SIZE,
  maxClasses: 100,
  /** The default size is the smallest common one, but at most this per side. */
  defaultMaxSide: 32,
  /** A chosen size may be up to this per side. */
  maxSide: 128,
  /** Decoded source images larger than this many pixels are refused (a 40-megapixel photo). */
  maxSourcePixels: 16_000_000,
} as const;

/** Finds the class folders and their images; no image is decoded yet. */
export async function indexImageFolder(entries: ImageEntry[]): Promise<Read<ImageFolderIndex>> {
  const fail = (error: string) => ({ ok: false as const, error });
  const images = entries
    .filter((entry) => isImagePath(entry.path))
    .map((entry) => ({ ...entry, parts: entry.path.split('/').filter((part) => part !== '') }));
  if (images.length === 0) {
    return fail('There are no PNG or JPEG images in it: put each class in its own folder.');
  }
  // A zip of "pets/" holds "pets/cat/1.png": drop the folders every image shares.
  let common = 0;
  const first = (images[0] as (typeof images)[number]).parts;
  while (
    common < first.length - 1 &&
    images.every(
      (image) => image.parts.length > common + 2 && image.parts[common] === first[common],
    )
  ) {
    common++;
  }
  const loose = images.find((image) => image.parts.length - common < 2);
  if (loose) {
    return fail(
      `${loose.path} is not inside a class folder: each class needs its own folder of images.`,
    );
  }
  const named = images
    .map((image) => ({
      path: image.parts.slice(common).join('/'),
      className: image.parts[common] as string,
      bytes: image.bytes,
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const classNames = [...new Set(named.map((image) => image.className))].sort();
  if (classNames.length < 2) {
    return fail(
      `There is one class folder only (${classNames[0]}): at least two classes are needed.`,
    );
  }
  if (classNames.length > IMAGE_LIMITS.maxClasses) {
    return fail(
      `There are ${classNames.length} class folders; at most ${IMAGE_LIMITS.maxClasses} are allowed.`,
    );
  }
  if (named.length > IMAGE_LIMITS.maxImages) {
    return fail(`There are ${named.length} images; at most ${IMAGE_LIMITS.maxImages} are allowed.`);
  }
  return {
    ok: true,
    value: {
      classNames,
      images: named.map((image) => ({
        path: image.path,
        label: classNames.indexOf(image.className),
        bytes: image.bytes,
      })),
      sha256: await sha256Hex(canonicalBytes(named)),
    },
  };
}

/** path, newline, byte count, newline, bytes, for every image in path order. */
function canonicalBytes(images: { path: string; bytes: Uint8Array }[]): Uint8Array {
  const encoder = new TextEncoder();
  const parts = images.flatMap((image) => [
    encoder.encode(`${image.path}\n${image.bytes.length}\n`),
    image.bytes,
  ]);
  return concatBytes(parts);
}

/** Decodes one PNG or JPEG to 8-bit gray or RGB (alpha is dropped), or names the problem. */
export function decodeImage(path: string, bytes: Uint8Array): Read<Bitmap> {
  const fail = (why: string) => ({ ok: false as const, error: `${path} ${why}` });
  // The header's size is checked before the decoder allocates for it.
  const header = readImageHeader(bytes, IMAGE_LIMITS.maxSourcePixels);
  if (!header.ok) return fail(header.why);
  try {
    if (isPng(bytes)) {
      // Its pixel data inflated once, bounded by its header, straight into rows.
      const png = decodePng(bytes);
      return png.ok ? png : fail(png.why);
    }
    const jpeg = decodeJpeg(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: IMAGE_LIMITS.maxSourcePixels / 1e6,
      maxMemoryUsageInMB: 512,
    });
    const channels = jpeg.data.length / (jpeg.width * jpeg.height);
    if (channels !== 1 && channels !== 3) return fail('has an unsupported JPEG colour layout.');
    return { ok: true, value: { ...jpeg, channels, data: jpeg.data } };
  } catch (error) {
    // A decoder's own messages name the fault; a TypeError or RangeError is it tripping
    // over damaged data, which is all a person can be told.
    const message = error instanceof Error ? error.message.replace(/[\s:.]+$/, '') : String(error);
    const internal =
      error instanceof TypeError || error instanceof RangeError || /undefined|NaN/.test(message);
    const kind = isPng(bytes) ? 'PNG' : 'JPEG';
    return fail(
      internal
        ? `is a damaged ${kind}: its data could not be decoded.`
        : `could not be decoded: ${message}.`,
    );
  }
}

const PROGRESS_EVERY_IMAGES = 50;

/**
 * Decodes every image at `size` ([height, width]; default the smallest common size, at
 * most IMAGE_LIMITS.defaultMaxSide per side). Gray stays one channel unless some image is
 * in colour, in which case gray images are repeated into three.
 */
export function decodeImageFolder(
  index: ImageFolderIndex,
  size?: readonly [number, number],
  onDecoded?: (done: number, total: number) => void,
): Read<DecodedImages> {
  // Sizes and colour from the headers first: absurd claims are refused before decoding.
  const headers: ImageHeader[] = [];
  for (const image of index.images) {
    const header = readImageHeader(image.bytes, IMAGE_LIMITS.maxSourcePixels);
    if (!header.ok) return { ok: false, error: `${image.path} ${header.why}` };
    headers.push(header.value);
  }
  const [height, width] = size ?? [
    Math.min(IMAGE_LIMITS.defaultMaxSide, ...headers.map((h) => h.height)),
    Math.min(IMAGE_LIMITS.defaultMaxSide, ...headers.map((h) => h.width)),
  ];
  const channels = headers.some((h) => h.channels === 3) ? 3 : 1;
  const per = height * width * channels;
  const pixels = new Uint8Array(index.images.length * per);
  // One image at a time, decoded then resized: memory follows the output, not the sources.
  for (const [i, image] of index.images.entries()) {
    const decoded = decodeImage(image.path, image.bytes);
    if (!decoded.ok) return decoded;
    const resized = resizeArea(decoded.value, height, width);
    const target = pixels.subarray(i * per, (i + 1) * per);
    if (channels === resized.channels) target.set(resized.data);
    else if (channels === 3)
      for (let p = 0; p < height * width; p++)
        target.fill(resized.data[p] as number, p * 3, p * 3 + 3);
    else return { ok: false, error: `${image.path} decodes in colour where its header says gray.` };
    if ((i + 1) % PROGRESS_EVERY_IMAGES === 0) onDecoded?.(i + 1, index.images.length);
  }
  return {
    ok: true,
    value: {
      pixels,
      labels: Int32Array.from(index.images, (image) => image.label),
      rows: index.images.length,
      inputShape: [height, width, channels],
      classNames: index.classNames,
    },
  };
}

/**
 * Area-average resampling: each output pixel is the mean of the source area it covers
 * (fractional overlaps weighted), which neither aliases when shrinking nor blurs more than
 * needed when growing. Separable: rows first, then columns.
 */
export function resizeArea(bitmap: Bitmap, height: number, width: number): Bitmap {
  const { channels } = bitmap;
  if (bitmap.height === height && bitmap.width === width) return bitmap;
  const xWeights = areaWeights(bitmap.width, width);
  const yWeights = areaWeights(bitmap.height, height);
  const rows = new Float64Array(bitmap.height * width * channels);
  for (let y = 0; y < bitmap.height; y++) {
    for (let x = 0; x < width; x++) {
      for (const [source, weight] of xWeights[x] as [number, number][]) {
        const from = (y * bitmap.width + source) * channels;
        const to = (y * width + x) * channels;
        for (let c = 0; c < channels; c++)
          rows[to + c] = (rows[to + c] as number) + weight * (bitmap.data[from + c] as number);
      }
    }
  }
  const data = new Uint8Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (const [source, weight] of yWeights[y] as [number, number][])
          sum += weight * (rows[(source * width + x) * channels + c] as number);
        data[(y * width + x) * channels + c] = Math.min(255, Math.max(0, Math.round(sum)));
      }
    }
  }
  return { width, height, channels, data };
}

/** For each output cell, the source cells it overlaps and their share of it. */
function areaWeights(from: number, to: number): [number, number][][] {
  const scale = from / to;
  return Array.from({ length: to }, (_, i) => {
    const start = i * scale;
    const end = (i + 1) * scale;
    const weights: [number, number][] = [];
    for (let s = Math.floor(start); s < Math.min(from, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      if (overlap > 0) weights.push([s, overlap / scale]);
    }
    return weights;
  });
}
