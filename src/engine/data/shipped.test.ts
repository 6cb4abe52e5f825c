import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DATA_FOLDER, diskDatasetFiles } from '../../cli/datasetFiles.ts';
import type { DataSpec } from '../experiment/index.ts';
import { SHIPPED_DATASETS, type ShippedDatasetId } from './catalog.ts';
import type { DatasetFiles } from './files.ts';
import { loadImageDataset } from './images.ts';
import { loadDataset } from './index.ts';

const files = diskDatasetFiles();
const ids = Object.keys(SHIPPED_DATASETS) as ShippedDatasetId[];

const mnist = (overrides: Partial<DataSpec> = {}): DataSpec => ({
  source: 'mnist',
  inputs: 'real',
  inputShape: [28, 28, 1],
  classes: 10,
  labels: 'true',
  labelNoise: 0,
  poolSize: 300,
  testSize: 100,
  ...overrides,
});

describe('shipped datasets', () => {
  it.each(ids)('%s: the catalog the schema uses matches the shipped manifest', (id) => {
    const manifest = JSON.parse(readFileSync(new URL(`${id}/manifest.json`, DATA_FOLDER), 'utf8'));
    const shipped = SHIPPED_DATASETS[id];
    expect(manifest.inputShape).toEqual(shipped.inputShape);
    expect(manifest.classes).toBe(shipped.classes);
    expect(manifest.splits.train.count).toBe(shipped.trainCount);
    expect(manifest.splits.test.count).toBe(shipped.testCount);
    expect(manifest.title).toBe(shipped.title);
  });

  it.each(ids)(
    '%s: loads whole, checksummed, with every class and sane pixel statistics',
    async (id) => {
      const data = await loadImageDataset(id, files);
      const shipped = SHIPPED_DATASETS[id];
      expect(data.train.count).toBe(shipped.trainCount);
      expect(data.test.pixels.length).toBe(shipped.testCount * 28 * 28);
      const classCounts = new Array(10).fill(0);
      for (const label of data.train.labels) classCounts[label]++;
      for (const count of classCounts) expect(count).toBeGreaterThan(shipped.trainCount / 20);
      // MNIST's well-known statistics are 0.1307 and 0.3081.
      expect(data.pixelMean).toBeGreaterThan(0.1);
      expect(data.pixelMean).toBeLessThan(0.4);
      expect(data.pixelStd).toBeGreaterThan(0.25);
    },
  );

  it('loads a dataset once per reader', async () => {
    let reads = 0;
    const counting: DatasetFiles = { read: (path) => (reads++, files.read(path)) };
    await Promise.all([loadImageDataset('mnist', counting), loadImageDataset('mnist', counting)]);
    await loadImageDataset('mnist', counting);
    expect(reads).toBe(5); // the manifest and four files
  });

  it('names the damaged file instead of training on it', async () => {
    const damaged: DatasetFiles = {
      read: async (path) => {
        const bytes = await files.read(path);
        return path.endsWith('train-labels.u8.gz') ? bytes.subarray(0, bytes.length - 8) : bytes;
      },
    };
    await expect(loadImageDataset('fashion-mnist', damaged)).rejects.toThrow(
      /train-labels\.u8\.gz is damaged/,
    );
  });

  it('notices a file whose bytes are not the shipped ones', async () => {
    const swapped: DatasetFiles = {
      read: async (path) =>
        path.endsWith('test-labels.u8.gz') ? gzipSync(new Uint8Array(5000)) : files.read(path),
    };
    await expect(loadImageDataset('mnist', swapped)).rejects.toThrow(
      /test-labels\.u8\.gz is damaged \(5000 bytes with SHA-256 [0-9a-f]{12}…, expected 5000 bytes/,
    );
  });

  it('says which file is missing when the data was not built', async () => {
    const empty = diskDatasetFiles(new URL('./no-such-folder/', DATA_FOLDER));
    await expect(loadImageDataset('mnist', empty)).rejects.toThrow(
      /no-such-folder\/mnist\/manifest\.json: ENOENT; rebuild the data/,
    );
  });

  it('cuts pool and test split from the shipped splits, with uint8 pixels and their statistics', async () => {
    const data = await loadDataset(mnist(), 1, files);
    expect(data.pool.x).toBeInstanceOf(Uint8Array);
    expect(data.pool.x.length).toBe(300 * 784);
    expect(data.test.count).toBe(100);
    expect(data.pixels?.mean).toBeCloseTo(0.13, 1);
    expect(data.description).toMatch(/MNIST.*CC BY-SA 3\.0/);
  });

  it('randomizes only the pool labels', async () => {
    const truth = await loadDataset(mnist(), 1, files);
    const random = await loadDataset(mnist({ labels: 'random' }), 1, files);
    expect(random.pool.x).toEqual(truth.pool.x);
    expect(random.test.y).toEqual(truth.test.y);
    const agreement = truth.pool.y.filter((label, i) => label === random.pool.y[i]).length;
    expect(agreement / 300).toBeLessThan(0.2);
  });

  it('replaces the images by seeded N(0, 1) noise of the same shape, keeping the labels', async () => {
    const real = await loadDataset(mnist(), 1, files);
    const noise = await loadDataset(mnist({ inputs: 'noise' }), 1, files);
    const again = await loadDataset(mnist({ inputs: 'noise' }), 1, files);
    expect(noise.pool.x).toBeInstanceOf(Float32Array);
    expect(noise.pool.x.length).toBe(real.pool.x.length);
    expect(noise.pool.x).toEqual(again.pool.x);
    expect(noise.pixels).toBeUndefined();
    expect(noise.pool.y).toEqual(real.pool.y);
    const values = Array.from(noise.pool.x);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(noise.description).toMatch(/noise/);
  });

  it('refuses shipped data without a reader, saying why', async () => {
    await expect(loadDataset(mnist(), 1)).rejects.toThrow(/no reader was given/);
  });
});
