import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA_FOLDER, diskDatasetFiles } from '../../cli/datasetFiles.ts';
import { type DataSpec, parseSpec } from '../experiment/index.ts';
import { specFixture } from '../testFixtures.ts';
import { SHIPPED_TABLES, type ShippedTableId } from './catalog.ts';
import { loadDataset } from './index.ts';
import { gatherRows, splitRows, tableDraw } from './tables.ts';

const files = diskDatasetFiles();
const ids = Object.keys(SHIPPED_TABLES) as ShippedTableId[];

const tableSpec = (overrides: Partial<DataSpec> = {}): DataSpec =>
  specFixture({
    data: {
      source: 'wine',
      poolSize: 100,
      testSize: 50,
      inputShape: undefined,
      classes: undefined,
      ...overrides,
    },
  }).data;

describe('splitRows', () => {
  it('is a fixed shuffle: pool and test are disjoint, the same every time, and mix the classes', () => {
    const a = splitRows(178, 100, 50);
    const b = splitRows(178, 100, 50);
    expect(Array.from(a.pool)).toEqual(Array.from(b.pool));
    expect(new Set([...a.pool, ...a.test]).size).toBe(150);
    // A class-sorted file (rows 0–58 are class 0): the pool's first rows are not all from it.
    expect(Array.from(a.pool.slice(0, 20)).some((row) => row > 58)).toBe(true);
    // A larger pool extends the smaller one's order, as nested subsets should.
    expect(Array.from(splitRows(178, 120, 0).pool.slice(0, 100))).toEqual(Array.from(a.pool));
  });

  it('refuses a pool and test split larger than the data', () => {
    expect(() => splitRows(10, 8, 3)).toThrow(/11, but the data has 10 rows/);
  });

  it('gathers whole rows', () => {
    const values = Float32Array.from([0, 1, 10, 11, 20, 21]);
    expect(Array.from(gatherRows(values, 2, Int32Array.from([2, 0])))).toEqual([20, 21, 0, 1]);
  });
});

describe('tableDraw', () => {
  const table = {
    // Feature 0 is the row index; feature 1 is constant.
    x: Float32Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? i / 2 : 7)),
    y: Int32Array.from({ length: 20 }, (_, i) => i % 2),
    rows: 20,
    features: 2,
    classes: 2,
  };

  it('standardizes with the pool rows only, and keeps labels with their rows', () => {
    const spec = { ...tableSpec(), inputShape: [2], classes: 2, poolSize: 12, testSize: 8 };
    const data = tableDraw(spec, table, 'test').draw(1);
    const pool = data.pool.x as Float32Array;
    const column = (x: Float32Array, f: number) => Array.from(x).filter((_, i) => i % 2 === f);
    const mean = column(pool, 0).reduce((a, b) => a + b, 0) / 12;
    const variance = column(pool, 0).reduce((a, b) => a + (b - mean) ** 2, 0) / 12;
    expect(mean).toBeCloseTo(0, 5);
    expect(variance).toBeCloseTo(1, 4);
    // The test rows use the pool's statistics, so their mean is not forced to 0.
    const testMean = column(data.test.x as Float32Array, 0).reduce((a, b) => a + b, 0) / 8;
    expect(Math.abs(testMean)).toBeGreaterThan(1e-3);
    // A constant column is centred, not divided by zero.
    expect(column(pool, 1).every((v) => v === 0)).toBe(true);
    // Row r has feature r and label r % 2: the label still matches its (unscaled) row.
    const split = splitRows(20, 12, 8);
    expect(Array.from(data.pool.y)).toEqual(Array.from(split.pool, (row) => row % 2));
  });

  it('replaces the features by N(0, 1) noise for "noise" inputs, keeping the labels', () => {
    const spec = { ...tableSpec(), inputShape: [2], classes: 2, poolSize: 12, testSize: 0 };
    const real = tableDraw(spec, table, 'test').draw(1);
    const noise = tableDraw({ ...spec, inputs: 'noise' }, table, 'test').draw(1);
    expect(Array.from(noise.pool.y)).toEqual(Array.from(real.pool.y));
    expect(Array.from(noise.pool.x)).not.toEqual(Array.from(real.pool.x));
    expect(noise.description).toMatch(/Gaussian noise/);
  });
});

describe('shipped tables', () => {
  it.each(ids)('%s: the catalog the schema uses matches the shipped manifest', (id) => {
    const manifest = JSON.parse(readFileSync(new URL(`${id}/manifest.json`, DATA_FOLDER), 'utf8'));
    const shipped = SHIPPED_TABLES[id];
    expect(manifest.title).toBe(shipped.title);
    expect(manifest.rows).toBe(shipped.rows);
    expect(manifest.features).toBe(shipped.features);
    expect(manifest.classes).toBe(shipped.classes);
    expect(manifest.origin).toMatch(/Debian package python3-sklearn/);
    expect(manifest.licence).toMatch(/CC BY 4.0/);
  });

  it.each(ids)('%s: loads checksummed, with every class in the pool', async (id) => {
    const shipped = SHIPPED_TABLES[id];
    const poolSize = Math.floor(shipped.rows * 0.7);
    const spec = tableSpec({ source: id, poolSize, testSize: shipped.rows - poolSize });
    const data = await loadDataset(spec, 1, files);
    expect(data.inputShape).toEqual([shipped.features]);
    expect(data.classes).toBe(shipped.classes);
    expect(data.pool.x.length).toBe(poolSize * shipped.features);
    expect(new Set(data.pool.y).size).toBe(shipped.classes);
    expect(data.description).toMatch(/python3-sklearn/);
  });

  it('are refused when the pool and test split exceed their rows, naming the count', () => {
    expect(() =>
      parseSpec({ ...specFixture(), data: { source: 'wine', poolSize: 150, testSize: 50 } }),
    ).toThrow(/poolSize \+ testSize is 200, but wine has 178 rows/);
  });
});
