import type { ShippedDatasetId } from './catalog.ts';
import type { DatasetFiles } from './files.ts';

/** One split of a shipped image dataset: one byte per pixel, one byte per label. */
export interface ImageSplit {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface ImageDataset {
  id: ShippedDatasetId;
  title: string;
  licence: string;
  origin: string;
  inputShape: [number, number, number];
  classes: number;
  train: ImageSplit;
  test: ImageSplit;
  /** Mean and standard deviation of the train pixels scaled to [0, 1], for normalization. */
  pixelMean: number;
  pixelStd: number;
}

interface FileEntry {
  file: string;
  bytes: number;
  sha256: string;
}

interface Manifest {
  format: 'emc-lab-dataset';
  id: string;
  title: string;
  origin: string;
  licence: string;
  inputShape: [number, number, number];
  classes: number;
  splits: Record<'train' | 'test', { count: number; images: FileEntry; labels: FileEntry }>;
}

// One download per dataset and reader for the life of the process (a run's worker, the CLI).
const cache = new WeakMap<DatasetFiles, Map<string, Promise<ImageDataset>>>();

/** Loads a shipped dataset once; later calls with the same reader share the first load. */
export function loadImageDataset(id: ShippedDatasetId, files: DatasetFiles): Promise<ImageDataset> {
  let loads = cache.get(files);
  if (!loads) cache.set(files, (loads = new Map()));
  let load = loads.get(id);
  if (!load) {
    load = readImageDataset(id, files);
    // A failed load (offline, say) must not stay cached: the next run tries again.
    load.catch(() => loads.delete(id));
    loads.set(id, load);
  }
  return load;
}

async function readImageDataset(id: ShippedDatasetId, files: DatasetFiles): Promise<ImageDataset> {
  const manifest = JSON.parse(
    new TextDecoder().decode(await files.read(`${id}/manifest.json`)),
  ) as Manifest;
  if (manifest.format !== 'emc-lab-dataset' || manifest.id !== id) {
    throw new Error(`data/${id}/manifest.json is not the manifest of the ${id} dataset`);
  }
  const [height, width, channels] = manifest.inputShape;
  const split = async (name: 'train' | 'test'): Promise<ImageSplit> => {
    const entry = manifest.splits[name];
    const [pixels, labels] = await Promise.all([
      readChecked(id, entry.images, files),
      readChecked(id, entry.labels, files),
    ]);
    if (
      pixels.length !== entry.count * height * width * channels ||
      labels.length !== entry.count
    ) {
      throw new Error(`data/${id}: the ${name} split does not hold ${entry.count} images`);
    }
    return { pixels, labels, count: entry.count };
  };
  const [train, test] = await Promise.all([split('train'), split('test')]);
  const { mean, std } = pixelStatistics(train.pixels);
  return {
    id,
    title: manifest.title,
    licence: manifest.licence,
    origin: manifest.origin,
    inputShape: [height, width, channels],
    classes: manifest.classes,
    train,
    test,
    pixelMean: mean,
    pixelStd: std,
  };
}

/** Reads, un-gzips and checks one file against the manifest's size and SHA-256. */
async function readChecked(id: string, entry: FileEntry, files: DatasetFiles): Promise<Uint8Array> {
  const path = `${id}/${entry.file}`;
  const stored = await files.read(path);
  const damaged = (what: string) =>
    new Error(
      `data/${path} is damaged (${what}); reload the page, or rebuild the data with npm run build:datasets`,
    );
  let bytes: Uint8Array;
  try {
    bytes = isGzip(stored) ? await gunzip(stored) : stored;
  } catch (error) {
    throw damaged(`gzip: ${(error as Error).message}`);
  }
  const digest = await sha256Hex(bytes);
  if (bytes.length !== entry.bytes || digest !== entry.sha256) {
    throw damaged(
      `${bytes.length} bytes with SHA-256 ${digest.slice(0, 12)}…, expected ${entry.bytes} bytes with ${entry.sha256.slice(0, 12)}…`,
    );
  }
  return bytes;
}

// A server may already have undone the gzip (Content-Encoding), so look at the bytes.
function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function pixelStatistics(pixels: Uint8Array): { mean: number; std: number } {
  let sum = 0;
  let sumSquares = 0;
  for (const p of pixels) {
    sum += p;
    sumSquares += p * p;
  }
  const mean = sum / pixels.length / 255;
  const variance = sumSquares / pixels.length / 255 ** 2 - mean * mean;
  return { mean, std: Math.sqrt(Math.max(variance, 1e-12)) };
}
