import { Unzip, UnzipInflate, type UnzipFileInfo, unzipSync } from 'fflate';
import { formatBytes } from '../experiment/memory.ts';
import { MAX_USER_FILE_BYTES } from './limits.ts';
import { concatBytes } from './bytes.ts';

/** A file taken out of a zip (or read from a folder): its "/"-separated path and bytes. */
export interface ImageEntry {
  /** Path inside the folder or zip, "/"-separated, e.g. "pets/cat/001.png". */
  path: string;
  bytes: Uint8Array;
}

export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * What a zip may expand to. A zip is a promise about sizes that it need not keep: its
 * directory is checked first, then the bytes actually inflated are counted as they come,
 * and reading stops as soon as either bound is passed (a 6 MB zip of six 1 GB files).
 */
export interface ZipLimits {
  /** All the images together, inflated: the data the lab reads at most. */
  maxTotalBytes: number;
  /** One image file, inflated (a 16-megapixel 16-bit RGBA PNG stored raw is 128 MB). */
  maxEntryBytes: number;
  /** Entries in the directory: the images a pool may hold, twice over for what tools add. */
  maxEntries: number;
}

export const ZIP_LIMITS: ZipLimits = {
  maxTotalBytes: MAX_USER_FILE_BYTES,
  maxEntryBytes: 128 * 1024 ** 2,
  maxEntries: 250_000,
};

export const IMAGE_FILE = /\.(png|jpe?g)$/i;
// What operating systems and zip tools leave beside the images.
export const IGNORED = /(^|\/)(__MACOSX|\.[^/]*|Thumbs\.db|desktop\.ini)(\/|$)/i;

/** Whether an entry can be one of the images (only those are inflated). */
export function isImagePath(path: string): boolean {
  return !IGNORED.test(path) && IMAGE_FILE.test(path);
}

// Compressed bytes handed to the inflater at a time: deflate expands at most ~1032×, so
// one step inflates at most ~4 MB before the running count is checked again
// (fflate also inflates long runs faster in small steps than in large ones).
const PUSH_BYTES = 4 * 1024;

/** Unzips the images of a .zip, within `limits`, or says why it cannot. */
export function readZip(
  bytes: Uint8Array,
  name: string,
  limits: ZipLimits = ZIP_LIMITS,
): Read<ImageEntry[]> {
  const fail = (error: string) => ({ ok: false as const, error: `${name}: ${error}` });
  const unreadable = (error: unknown) => ({
    ok: false as const,
    error: `${name} is not a readable zip file (${error instanceof Error ? error.message : String(error)}).`,
  });
  let directory: UnzipFileInfo[];
  try {
    directory = readDirectory(bytes, limits.maxEntries);
  } catch (error) {
    return unreadable(error);
  }
  if (directory.length > limits.maxEntries) {
    return fail(`It holds more than ${limits.maxEntries} files; at most that many are read.`);
  }
  const wanted = new Map(
    directory.filter((info) => isImagePath(info.name)).map((info) => [info.name, info]),
  );
  let declared = 0;
  for (const info of wanted.values()) {
    if (info.compression !== 0 && info.compression !== 8) {
      return fail(
        `${info.name} is compressed with method ${info.compression}; only deflate and stored files can be read.`,
      );
    }
    if (info.originalSize > limits.maxEntryBytes) {
      return fail(entryTooLarge(info.name, info.originalSize, limits));
    }
    declared += info.originalSize;
    if (declared > limits.maxTotalBytes) {
      return fail(
        `Its images would expand to more than ${formatBytes(limits.maxTotalBytes)}, the most EMC Lab reads.`,
      );
    }
  }
  try {
    return inflateWanted(bytes, wanted, limits, fail);
  } catch (error) {
    return unreadable(error);
  }
}

/** The zip's central directory: names and declared sizes, nothing inflated. */
function readDirectory(bytes: Uint8Array, maxEntries: number): UnzipFileInfo[] {
  const directory: UnzipFileInfo[] = [];
  unzipSync(bytes, {
    filter(info) {
      // One past the bound is enough to refuse; fflate reads on, cheaply, without inflating.
      if (directory.length <= maxEntries) directory.push(info);
      return false;
    },
  });
  return directory.filter((info) => !info.name.endsWith('/'));
}

/** `size`: what the directory declares, or, once inflating passed the cap, "more than". */
function entryTooLarge(path: string, size: number | 'more than', limits: ZipLimits): string {
  const cap = formatBytes(limits.maxEntryBytes);
  const expands = size === 'more than' ? `more than ${cap}` : formatBytes(size);
  return `${path} expands to ${expands}; one image file may be at most ${cap}.`;
}

/**
 * Inflates the wanted entries through fflate's streaming Unzip, a few kilobytes of input at
 * a time, counting what comes out: a zip whose directory lies is stopped at the bound.
 */
function inflateWanted(
  bytes: Uint8Array,
  wanted: Map<string, UnzipFileInfo>,
  limits: ZipLimits,
  fail: (error: string) => { ok: false; error: string },
): Read<ImageEntry[]> {
  const entries: ImageEntry[] = [];
  let total = 0;
  let refused: string | undefined;
  const unzip = new Unzip((file) => {
    if (!wanted.has(file.name) || refused) return;
    wanted.delete(file.name);
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (error, chunk, final) => {
      if (refused) return;
      if (error) {
        refused = `${file.name} is damaged (${error.message}).`;
        return;
      }
      size += chunk.length;
      total += chunk.length;
      if (size > limits.maxEntryBytes) {
        refused = entryTooLarge(file.name, 'more than', limits);
      } else if (total > limits.maxTotalBytes) {
        refused = `Its images expand to more than ${formatBytes(limits.maxTotalBytes)}, the most EMC Lab reads.`;
      } else {
        chunks.push(chunk);
        if (final) entries.push({ path: file.name, bytes: concatBytes(chunks, size) });
        return;
      }
      chunks.length = 0;
      file.terminate();
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for (let at = 0; at < bytes.length && !refused; at += PUSH_BYTES) {
    const end = Math.min(bytes.length, at + PUSH_BYTES);
    unzip.push(bytes.subarray(at, end), end === bytes.length);
  }
  if (refused) return fail(refused);
  return { ok: true, value: entries };
}
