import { createRng, deriveSeed, permutation } from '../random.ts';
import type { DataSpec } from '../experiment/index.ts';
import { SHIPPED_TABLES, type ShippedTableId } from './catalog.ts';
import { type CsvTable, readCsv, standardize } from './csv.ts';
import { type DatasetFiles, type FileEntry, readChecked } from './files.ts';
import { gaussianNoise } from './gaussian.ts';
import { applyLabelMode } from './labels.ts';
import type { Dataset } from './types.ts';

/**
 * Data that comes as one collection of rows (a CSV table, a folder of images) rather than
 * as separate train and test splits: the rows are put in one fixed shuffled order (files
 * are often sorted by class), the pool is its first poolSize rows and the test split the
 * next testSize. The order depends on nothing but the row count, so every run and seed of a
 * spec trains on the same rows, as with MNIST.
 */
export function splitRows(
  rows: number,
  poolSize: number,
  testSize: number,
): { pool: Int32Array; test: Int32Array } {
  if (poolSize + testSize > rows) {
    throw new Error(`poolSize + testSize is ${poolSize + testSize}, but the data has ${rows} rows`);
  }
  const order = permutation(rows, createRng(deriveSeed(0, 'table-rows', rows)));
  return {
    pool: order.slice(0, poolSize),
    test: order.slice(poolSize, poolSize + testSize),
  };
}

/** Copies the rows `indices` (each `width` values wide) into one new array. */
export function gatherRows<T extends Float32Array | Uint8Array | Int32Array>(
  values: T,
  width: number,
  indices: Int32Array,
): T {
  const out = new (values.constructor as new (length: number) => T)(indices.length * width);
  indices.forEach((row, i) => out.set(values.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

export interface Table {
  /** rows × features values. */
  x: Float32Array;
  y: Int32Array;
  rows: number;
  features: number;
  classes: number;
}

/**
 * A table's draw: features standardized with the pool's statistics only (the test rows
 * must not leak into them), labels by the spec's label mode. "noise" inputs are i.i.d.
 * N(0, 1) features, the standardized data's own scale.
 */
export function tableDraw(spec: DataSpec, table: Table, description: string) {
  const split = splitRows(table.rows, spec.poolSize, spec.testSize);
  const rows = Int32Array.from([...split.pool, ...split.test]);
  const scaled = standardize(
    { x: gatherRows(table.x, table.features, rows), features: new Array<string>(table.features) },
    Array.from({ length: spec.poolSize }, (_, i) => i),
  ).x;
  const trueLabels = {
    pool: gatherRows(table.y, 1, split.pool),
    test: gatherRows(table.y, 1, split.test),
  };
  const poolValues = spec.poolSize * table.features;
  return {
    draw(seed: number): Dataset {
      const noise = spec.inputs === 'noise';
      const inputs = (values: Float32Array, stream: string) =>
        noise ? gaussianNoise(values.length, deriveSeed(seed, 'noise-inputs', stream)) : values;
      return {
        inputShape: [table.features],
        classes: table.classes,
        pool: {
          x: inputs(scaled.subarray(0, poolValues), 'pool'),
          y: applyLabelMode(trueLabels.pool, spec, deriveSeed(seed, 'labels')),
          count: spec.poolSize,
        },
        test: {
          x: inputs(scaled.subarray(poolValues), 'test'),
          y: trueLabels.test,
          count: spec.testSize,
        },
        description: `${description}${noise ? ', its features replaced by Gaussian noise' : ''}`,
      };
    },
  };
}

interface TableManifest {
  format: 'emc-lab-table';
  id: string;
  title: string;
  origin: string;
  licence: string;
  labelColumn: string;
  rows: number;
  features: number;
  classes: number;
  csv: FileEntry;
}

/** A shipped table, read and checked once per reader, then drawn like the user's CSV. */
export async function shippedTableSource(
  spec: DataSpec & { source: ShippedTableId },
  files: DatasetFiles,
) {
  const id = spec.source;
  const manifest = JSON.parse(
    new TextDecoder().decode(await files.read(`${id}/manifest.json`)),
  ) as TableManifest;
  if (manifest.format !== 'emc-lab-table' || manifest.id !== id) {
    throw new Error(`data/${id}/manifest.json is not the manifest of the ${id} table`);
  }
  const bytes = await readChecked(id, manifest.csv, files);
  const read = readCsv(new TextDecoder().decode(bytes), { labelColumn: manifest.labelColumn });
  const expected = SHIPPED_TABLES[id];
  if (
    !read.ok ||
    read.table.rows !== expected.rows ||
    read.table.features.length !== expected.features ||
    read.table.classLabels.length !== expected.classes
  ) {
    throw new Error(
      `data/${id}/${manifest.csv.file} does not hold the ${id} table; rebuild the data with npm run build:datasets`,
    );
  }
  const { table } = read;
  return tableDraw(
    spec,
    {
      x: table.x,
      y: table.y,
      rows: table.rows,
      features: expected.features,
      classes: expected.classes,
    },
    `${manifest.title}, ${describeTable(table)} (${manifest.origin}; ${manifest.licence})`,
  );
}

function describeTable(table: CsvTable): string {
  return `${table.rows} rows, ${table.features.length} features, ${table.classLabels.length} classes (${table.classLabels.join(', ')})`;
}
