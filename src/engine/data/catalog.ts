/**
 * The real datasets EMC Lab ships under public/data/ (built by scripts/build-datasets.mjs).
 * Their facts are repeated here, without loading anything, because the spec schema checks
 * shapes and sizes synchronously; a test holds this table equal to the shipped manifests.
 */
export interface ShippedDataset {
  title: string;
  /** [height, width, channels] of one image. */
  inputShape: readonly [number, number, number];
  classes: number;
  /** Images in the shipped train split: the largest pool a spec may ask for. */
  trainCount: number;
  /** Images in the shipped test split. */
  testCount: number;
}

export const SHIPPED_DATASETS = {
  mnist: {
    title: 'MNIST handwritten digits',
    inputShape: [28, 28, 1],
    classes: 10,
    trainCount: 20_000,
    testCount: 5_000,
  },
  'fashion-mnist': {
    title: 'Fashion-MNIST clothing images',
    inputShape: [28, 28, 1],
    classes: 10,
    trainCount: 12_000,
    testCount: 2_000,
  },
} as const satisfies Record<string, ShippedDataset>;

export type ShippedDatasetId = keyof typeof SHIPPED_DATASETS;

export function isShippedDataset(source: string): source is ShippedDatasetId {
  return Object.hasOwn(SHIPPED_DATASETS, source);
}
