import type { ShippedDatasetId } from './catalog.ts';
import { deriveSeed } from '../random.ts';
import type { DataSpec } from '../experiment/index.ts';
import { gaussianNoise } from './gaussian.ts';
import { applyLabelMode } from './labels.ts';
import { type Dataset, featureCount } from './types.ts';
import { type DatasetFiles, type FileEntry, readChecked } from './files.ts';

/** One split of a shipped image dataset: one byte per pixel, one byte per label. */
export interface ImageSplit {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** Images split for training and testing, as a run draws from them. */
export interface ImageSplits {
  inputShape: [number, number, number];
  classes: number;
  train: ImageSplit;
  test: ImageSplit;
  /** Mean and standard deviation of the train pixels scaled to [0, 1], for normalization. */
  pixelMean: number;
  pixelStd: number;
}

export interface ImageDataset extends ImageSplits {
  id: ShippedDatasetId;
  title: string;
  licence: string;
  origin: string;
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

export function pixelStatistics(pixels: Uint8Array): { mean: number; std: number } {
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

/**
 * One seed's draw of an image set: the first poolSize train images and testSize test
 * images, as uint8 pixels normalized on the backend, or Gaussian noise in their place.
 */
export function imageDraw(
  spec: DataSpec,
  images: ImageSplits,
  description: string,
  seed: number,
): Dataset {
  const features = featureCount(images.inputShape);
  const noise = spec.inputs === 'noise';
  // The paper's "random inputs": every pixel i.i.d. Gaussian with the real pixels' mean and
  // variance, i.e. N(0, 1) after normalization; labels keep their class balance.
  const pick = (pixels: Uint8Array, count: number, stream: string) =>
    noise
      ? gaussianNoise(count * features, deriveSeed(seed, 'noise-inputs', stream))
      : pixels.subarray(0, count * features);
  return {
    inputShape: [...images.inputShape],
    classes: images.classes,
    pool: {
      x: pick(images.train.pixels, spec.poolSize, 'pool'),
      y: applyLabelMode(
        Int32Array.from(images.train.labels.subarray(0, spec.poolSize)),
        spec,
        deriveSeed(seed, 'labels'),
      ),
      count: spec.poolSize,
    },
    test: {
      x: pick(images.test.pixels, spec.testSize, 'test'),
      y: Int32Array.from(images.test.labels.subarray(0, spec.testSize)),
      count: spec.testSize,
    },
    ...(noise ? {} : { pixels: { mean: images.pixelMean, std: images.pixelStd } }),
    description: noise
      ? `${description}, its images replaced by Gaussian noise of the same shape`
      : description,
  };
}
