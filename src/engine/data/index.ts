import { deriveSeed } from '../random.ts';
import type { DataSpec } from '../experiment/index.ts';
import { isShippedTable, isUserSource, SHIPPED_DATASETS } from './catalog.ts';
import type { DatasetFiles } from './files.ts';
import { gaussianSource } from './gaussian.ts';
import { imageDraw, loadImageDataset } from './images.ts';
import { applyLabelMode } from './labels.ts';
import { shippedTableSource } from './tables.ts';
import { openUserData, type UserDataFile } from './userData.ts';
import { type Dataset, featureCount } from './types.ts';

export type { Dataset, LabeledSamples } from './types.ts';
export { featureCount } from './types.ts';
export {
  isShippedDataset,
  isShippedTable,
  isUserSource,
  SHIPPED_DATASETS,
  SHIPPED_TABLES,
  type ShippedDatasetId,
  type UserSource,
} from './catalog.ts';
export { type ImageEntry, readZip } from './imageFolder.ts';
export {
  describeDataMismatch,
  describeSummary,
  MAX_USER_FILE_BYTES,
  readUserData,
  type UserDataFile,
  type UserDataSummary,
} from './userData.ts';
export { type DatasetFiles, fetchDatasetFiles } from './files.ts';

/**
 * Builds the run's dataset. The label mode is applied to the pool only: test labels stay
 * true, since they measure generalization. Shipped datasets are read through `files`.
 */
export async function loadDataset(
  spec: DataSpec,
  seed: number,
  files?: DatasetFiles,
  userData?: UserDataFile,
): Promise<Dataset> {
  return (await openDataset(spec, files, userData)).draw(seed);
}

/** A dataset's files read once, and its random parts (labels, noise) drawn per seed. */
export interface DataSource {
  draw(seed: number): Dataset;
}

export async function openDataset(
  spec: DataSpec,
  files?: DatasetFiles,
  userData?: UserDataFile,
): Promise<DataSource> {
  if (spec.source === 'gaussian') return { draw: (seed) => gaussianDataset(spec, seed) };
  if (isUserSource(spec.source)) return openUserData(spec, userData);
  if (!files) {
    throw new Error(`${spec.source} data is read from public/data/, but no reader was given`);
  }
  if (isShippedTable(spec.source)) {
    return shippedTableSource(spec as DataSpec & { source: typeof spec.source }, files);
  }
  const images = await loadImageDataset(spec.source, files);
  const description = `${SHIPPED_DATASETS[images.id].title}, ${spec.classes} classes (${images.origin}; ${images.licence})`;
  return { draw: (seed) => imageDraw(spec, images, description, seed) };
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
