import type { DataSpec } from '../experiment/index.ts';
import { MAX_MEMORY_BYTES, formatBytes } from '../experiment/memory.ts';
import type { UserSource } from './catalog.ts';
import { describeDataMismatch, describeSummary, type UserDataSummary } from './userDataSummary.ts';
import { readCsv } from './csv.ts';
import { MAX_USER_FILE_BYTES } from './limits.ts';
import { sha256Hex } from './hash.ts';
import {
  type DecodedImages,
  decodeImageFolder,
  type ImageEntry,
  indexImageFolder,
  type Read,
} from './imageFolder.ts';
import { imageDraw, type ImageSplits, pixelStatistics } from './images.ts';
import { gatherRows, splitRows, type Table, tableDraw } from './tables.ts';

export { describeDataMismatch, describeSummary, type UserDataSummary } from './userDataSummary.ts';

/**
 * The user's own data as the platform hands it over: a CSV file's bytes, or the files of a
 * folder of class folders (a chosen folder, a directory, or a .zip already unzipped).
 * It stays on the machine: the lab keeps it in IndexedDB, a spec names it by file and hash.
 */
export type UserDataFile =
  | { kind: 'csv'; name: string; bytes: Uint8Array }
  | { kind: 'images'; name: string; entries: ImageEntry[] };

export interface UserDataOptions {
  labelColumn?: string;
  /** images: [height, width] to resize to; default the smallest common size, bounded. */
  size?: readonly [number, number];
  /** Told what is being done, now and then: "Reading rows… 40%". */
  onProgress?: (stage: string) => void;
}

export interface ReadUserData {
  summary: UserDataSummary;
  table?: Table;
  images?: DecodedImages;
}

export { MAX_USER_FILE_BYTES } from './limits.ts';
/** The decoded data may use this share of the memory budget; models need the rest. */
const DATA_SHARE = 4;

/** Reads and checks the user's data, or says exactly what is wrong with it. */
export async function readUserData(
  file: UserDataFile,
  options: UserDataOptions = {},
): Promise<Read<ReadUserData>> {
  const fail = (error: string) => ({ ok: false as const, error: `${file.name}: ${error}` });
  const size =
    file.kind === 'csv'
      ? file.bytes.length
      : file.entries.reduce((sum, entry) => sum + entry.bytes.length, 0);
  if (size === 0) return fail('The file is empty.');
  if (size > MAX_USER_FILE_BYTES) {
    return fail(
      `It is ${formatBytes(size)}; EMC Lab reads at most ${formatBytes(MAX_USER_FILE_BYTES)} of data (its memory budget is ${formatBytes(MAX_MEMORY_BYTES)}).`,
    );
  }
  const tooLarge = (bytes: number, what: string) =>
    bytes > MAX_MEMORY_BYTES / DATA_SHARE
      ? fail(
          `${what} would take ${formatBytes(bytes)} of memory; at most ${formatBytes(MAX_MEMORY_BYTES / DATA_SHARE)} are allowed. Use fewer rows or features.`,
        )
      : undefined;

  if (file.kind === 'csv') {
    if (file.bytes.includes(0)) return fail('It is not a text file (it holds zero bytes).');
    const read = readCsv(new TextDecoder().decode(file.bytes), {
      labelColumn: options.labelColumn,
      onProgress: (fraction) =>
        options.onProgress?.(`Reading rows… ${Math.round(fraction * 100)}%`),
    });
    if (!read.ok) return fail(read.error);
    const { table } = read;
    const refused = tooLarge(table.x.length * 4, `Its ${table.rows} rows`);
    if (refused) return refused;
    return {
      ok: true,
      value: {
        summary: {
          source: 'csv',
          file: file.name,
          sha256: await sha256Hex(file.bytes),
          rows: table.rows,
          classes: table.classLabels.length,
          classNames: table.classLabels,
          inputShape: [table.features.length],
          columns: table.columns,
          labelColumn: table.labelColumn,
        },
        table: {
          x: table.x,
          y: table.y,
          rows: table.rows,
          features: table.features.length,
          classes: table.classLabels.length,
        },
      },
    };
  }
  const index = await indexImageFolder(file.entries);
  if (!index.ok) return fail(index.error);
  const decoded = decodeImageFolder(index.value, options.size, (done, total) =>
    options.onProgress?.(`Decoding images… ${done} of ${total}`),
  );
  if (!decoded.ok) return fail(decoded.error);
  const images = decoded.value;
  const refused = tooLarge(images.pixels.length * 4, `Its ${images.rows} images`);
  if (refused) return refused;
  return {
    ok: true,
    value: {
      summary: {
        source: 'images',
        file: file.name,
        sha256: index.value.sha256,
        rows: images.rows,
        classes: images.classNames.length,
        classNames: images.classNames,
        inputShape: [...images.inputShape],
        columns: [],
      },
      images,
    },
  };
}

/** The user's data, decoded as the spec says and checked to be the data it names. */
export async function openUserData(spec: DataSpec, file: UserDataFile | undefined) {
  if (!file) {
    throw new Error(
      `This experiment trains on your own data, ${spec.file} (${describeSummary({ source: spec.source as UserSource, rows: spec.rows ?? 0, classes: spec.classes, inputShape: spec.inputShape })}); load that file to run it.`,
    );
  }
  const [height = 0, width = 0] = spec.inputShape;
  const read = await readUserData(file, {
    labelColumn: spec.labelColumn,
    size: spec.source === 'images' ? [height, width] : undefined,
  });
  if (!read.ok) throw new Error(read.error);
  const mismatch = describeDataMismatch(spec, read.value.summary);
  if (mismatch) throw new Error(`${mismatch}.`);
  const { summary, table, images } = read.value;
  const description = `${summary.file}, your own data (${describeSummary(summary)}; SHA-256 ${summary.sha256.slice(0, 12)}…)`;
  if (table) return tableDraw(spec, table, description);
  return imageRowsDraw(spec, images as DecodedImages, description);
}

/** A folder of images split like a table, then drawn like a shipped image set. */
function imageRowsDraw(spec: DataSpec, images: DecodedImages, description: string) {
  const split = splitRows(images.rows, spec.poolSize, spec.testSize);
  const width = images.pixels.length / images.rows;
  const train = {
    pixels: gatherRows(images.pixels, width, split.pool),
    labels: Uint8Array.from(gatherRows(images.labels, 1, split.pool)),
    count: spec.poolSize,
  };
  const test = {
    pixels: gatherRows(images.pixels, width, split.test),
    labels: Uint8Array.from(gatherRows(images.labels, 1, split.test)),
    count: spec.testSize,
  };
  const { mean, std } = pixelStatistics(train.pixels);
  const splits: ImageSplits = {
    inputShape: images.inputShape,
    classes: images.classNames.length,
    train,
    test,
    pixelMean: mean,
    pixelStd: std,
  };
  return { draw: (seed: number) => imageDraw(spec, splits, description, seed) };
}
