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

/**
 * The tabular datasets EMC Lab ships (UCI sets as Debian's scikit-learn package carries
 * them), as CSV files under public/data/<id>/. One table each: a run's pool and test split
 * are drawn from its rows (see tables.ts). A test holds this table equal to the manifests.
 */
export interface ShippedTable {
  title: string;
  features: number;
  classes: number;
  rows: number;
}

export const SHIPPED_TABLES = {
  wine: { title: 'Wine recognition (UCI)', features: 13, classes: 3, rows: 178 },
  'breast-cancer': {
    title: 'Breast cancer Wisconsin, diagnostic (UCI)',
    features: 30,
    classes: 2,
    rows: 569,
  },
  iris: { title: 'Iris plants (UCI)', features: 4, classes: 3, rows: 150 },
} as const satisfies Record<string, ShippedTable>;

export type ShippedTableId = keyof typeof SHIPPED_TABLES;

export function isShippedTable(source: string): source is ShippedTableId {
  return Object.hasOwn(SHIPPED_TABLES, source);
}

/** Data the user brings: a CSV file or a folder (or zip) of class folders of images. */
export const USER_SOURCES = ['csv', 'images'] as const;
export type UserSource = (typeof USER_SOURCES)[number];

export function isUserSource(source: string): source is UserSource {
  return (USER_SOURCES as readonly string[]).includes(source);
}
