import { deriveSeed } from '../random.ts';
import type { DataSpec } from '../experiment/index.ts';
import { SHIPPED_DATASETS } from './catalog.ts';
import type { DatasetFiles } from './files.ts';
import { gaussianNoise, gaussianSource } from './gaussian.ts';
import { type ImageDataset, loadImageDataset } from './images.ts';
import { applyLabelMode } from './labels.ts';
import { type Dataset, featureCount } from './types.ts';

export type { Dataset, LabeledSamples } from './types.ts';
export { featureCount } from './types.ts';
export { isShippedDataset, SHIPPED_DATASETS, type ShippedDatasetId } from './catalog.ts';
export { type DatasetFiles, fetchDatasetFiles } from './files.ts';

/**
 * Builds the run's dataset. The label mode is applied to the pool only: test labels stay
 * true, since they measure generalization. Shipped datasets are read through `files`.
 */
export async function loadDataset(
  spec: DataSpec,
  seed: number,
  files?: DatasetFiles,
): Promise<Dataset> {
  return (await openDataset(spec, files)).draw(seed);
}

/** A dataset's files read once, and its random parts (labels, noise) drawn per seed. */
export interface DataSource {
  draw(seed: number): Dataset;
}

export async function openDataset(spec: DataSpec, files?: DatasetFiles): Promise<DataSource> {
  if (spec.source === 'gaussian') return { draw: (seed) => gaussianDataset(spec, seed) };
  if (!files) {
    throw new Error(`${spec.source} data is read from public/data/, but no reader was given`);
  }
  const images = await loadImageDataset(spec.source, files);
  return { draw: (seed) => imageDraw(spec, images, seed) };
}

/**
 * Whether two seeds draw different data: random labels, label noise, noise inputs and
 * gaussian samples are random; real images with their true labels are not.
 */
export function drawDependsOnSeed(spec: DataSpec): boolean {
  return (
    spec.source === 'gaussian' ||
    spec.inputs === 'noise' ||
    spec.labels === 'random' ||
    spec.labelNoise > 0
  );
}

function imageDraw(spec: DataSpec, images: ImageDataset, seed: number): Dataset {
  const features = featureCount(images.inputShape);
  const noise = spec.inputs === 'noise';
  // The paper's "random inputs": every pixel i.i.d. Gaussian with the real pixels' mean and
  // variance, i.e. N(0, 1) after normalization; labels keep their class balance.
  const pick = (pixels: Uint8Array, count: number, stream: string) =>
    noise
      ? gaussianNoise(count * features, deriveSeed(seed, 'noise-inputs', stream))
      : pixels.subarray(0, count * features);
  const shipped = SHIPPED_DATASETS[images.id];
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
    description: `${shipped.title}${noise ? ' replaced by Gaussian noise images of the same shape' : ''}, ${spec.classes} classes (${images.origin}; ${images.licence})`,
  };
}

/**
 * Gaussian pool and test split are drawn together (so they never overlap and come from one
 * distribution), then split.
 */
function gaussianDataset(spec: DataSpec, seed: number): Dataset {
  const total = spec.poolSize + spec.testSize;
  const all = gaussianSource.sample(spec, total, deriveSeed(seed, 'data'));
  const split = spec.poolSize * featureCount(spec.inputShape);
  return {
    inputShape: [...spec.inputShape],
    classes: spec.classes,
    pool: {
      x: all.x.subarray(0, split),
      y: applyLabelMode(all.y.subarray(0, spec.poolSize), spec, deriveSeed(seed, 'labels')),
      count: spec.poolSize,
    },
    test: { x: all.x.subarray(split), y: all.y.subarray(spec.poolSize), count: spec.testSize },
    description: gaussianSource.describe(spec),
  };
}
