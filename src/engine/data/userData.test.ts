import { encode as encodePng } from 'fast-png';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.ts';
import { specFixture } from '../testFixtures.ts';
import { sha256Hex } from './hash.ts';
import { loadDataset } from './index.ts';
import {
  describeDataMismatch,
  MAX_USER_FILE_BYTES,
  readUserData,
  type UserDataFile,
  type UserDataSummary,
} from './userData.ts';

/** Two blobs in 2-D, 30 rows each, sorted by class as files often are. */
function blobsCsv(): string {
  const rows = ['x,y,kind'];
  for (let i = 0; i < 30; i++) rows.push(`${(i % 5) * 0.1},${Math.floor(i / 5) * 0.1},near`);
  for (let i = 0; i < 30; i++) rows.push(`${5 + (i % 5) * 0.1},${5 + Math.floor(i / 5) * 0.1},far`);
  return `${rows.join('\n')}\n`;
}

const csvFile = (text: string, name = 'blobs.csv') => ({
  kind: 'csv' as const,
  name,
  bytes: new TextEncoder().encode(text),
});

async function summaryOf(file: UserDataFile): Promise<UserDataSummary> {
  const read = await readUserData(file);
  if (!read.ok) throw new Error(read.error);
  return read.value.summary;
}

async function csvSpec(file: UserDataFile, overrides: object = {}) {
  const summary = await summaryOf(file);
  return specFixture({
    data: {
      source: 'csv',
      file: summary.file,
      sha256: summary.sha256,
      rows: summary.rows,
      classes: summary.classes,
      inputShape: summary.inputShape,
      poolSize: 40,
      testSize: 20,
      ...overrides,
    },
  });
}

describe('readUserData', () => {
  it('summarizes a CSV: rows, features, classes in first-seen order, columns and hash', async () => {
    const file = csvFile(blobsCsv());
    const summary = await summaryOf(file);
    expect(summary).toMatchObject({
      source: 'csv',
      file: 'blobs.csv',
      rows: 60,
      classes: 2,
      classNames: ['near', 'far'],
      inputShape: [2],
      columns: ['x', 'y', 'kind'],
      labelColumn: 'kind',
    });
    expect(summary.sha256).toBe(await sha256Hex(file.bytes));
  });

  it('reads a summary of a folder of class images', async () => {
    const png = (v: number) =>
      encodePng({ width: 4, height: 4, channels: 1, depth: 8, data: new Uint8Array(16).fill(v) });
    const summary = await summaryOf({
      kind: 'images',
      name: 'pets',
      entries: [
        { path: 'pets/cat/1.png', bytes: png(1) },
        { path: 'pets/dog/1.png', bytes: png(2) },
      ],
    });
    expect(summary).toMatchObject({
      source: 'images',
      rows: 2,
      classNames: ['cat', 'dog'],
      inputShape: [4, 4, 1],
    });
  });

  it('prefixes every refusal with the file name', async () => {
    const refusal = async (file: UserDataFile) => {
      const read = await readUserData(file);
      if (read.ok) throw new Error('expected a refusal');
      return read.error;
    };
    expect(await refusal(csvFile(''))).toBe('blobs.csv: The file is empty.');
    expect(await refusal(csvFile('a,b\n1,x\n2,x\n'))).toMatch(/only one class/);
    expect(await refusal(csvFile('a,b\n1,x\nzz,y\n'))).toMatch(
      /^blobs\.csv: Row 3, column "a": "zz" is not a number/,
    );
    expect(
      await refusal({ kind: 'csv', name: 'photo.csv', bytes: Uint8Array.from([137, 80, 0, 1]) }),
    ).toMatch(/not a text file/);
  });

  it('refuses a file larger than the memory budget allows before reading it', async () => {
    const huge = {
      kind: 'images' as const,
      name: 'big.zip',
      entries: [{ path: 'a/1.png', bytes: new Uint8Array(MAX_USER_FILE_BYTES + 20 * 1024 ** 2) }],
    };
    const read = await readUserData(huge);
    expect(read.ok).toBe(false);
    if (!read.ok)
      expect(read.error).toMatch(/^big\.zip: It is 532 MB; EMC Lab reads at most 512 MB/);
  });
});

describe('describeDataMismatch', () => {
  it('names how another file differs from the one a spec names', async () => {
    const spec = await csvSpec(csvFile(blobsCsv()));
    const other = await summaryOf(csvFile('a,b,c,kind\n1,2,3,x\n4,5,6,y\n', 'other.csv'));
    expect(describeDataMismatch(spec.data, other)).toMatch(
      /^other\.csv is not the data this experiment was made with: it has 2 rows, not 60, 3 features, not 2 \(SHA-256 [0-9a-f]{12}…, expected blobs\.csv with [0-9a-f]{12}…\)$/,
    );
    expect(describeDataMismatch(spec.data, await summaryOf(csvFile(blobsCsv())))).toBeUndefined();
    const edited = await summaryOf(csvFile(blobsCsv().replace('0.1,0,near', '0.2,0,near')));
    expect(describeDataMismatch(spec.data, edited)).toMatch(/the same size but other values/);
  });
});

describe('user data in a run', () => {
  it('trains on a CSV and measures an EMC, leaving no tensors behind', async () => {
    const file = csvFile(blobsCsv());
    const spec = await csvSpec(file);
    const before = tf.memory().numTensors;
    const results = await runExperiment(spec, { userData: file });
    expect(tf.memory().numTensors).toBe(before);
    expect(results.points).toHaveLength(1);
    // Two far-apart blobs: a linear classifier fits the whole pool.
    expect(results.points[0]?.emcMean).toBe(40);
    expect(results.dataset).toMatch(/blobs\.csv, your own data \(60 rows, 2 features, 2 classes/);
  });

  it('refuses to run without the file, or on a different one, saying which file to load', async () => {
    const spec = await csvSpec(csvFile(blobsCsv()));
    await expect(runExperiment(spec)).rejects.toThrow(
      /trains on your own data, blobs\.csv \(60 rows, 2 features, 2 classes\); load that file to run it/,
    );
    await expect(
      runExperiment(spec, { userData: csvFile('a,kind\n1,x\n2,y\n', 'blobs.csv') }),
    ).rejects.toThrow(
      /blobs\.csv is not the data this experiment was made with: it has 2 rows, not 60, 1 features, not 2/,
    );
  });

  it('reads the label column the spec names', async () => {
    const file = csvFile('kind,x\nred,1\nblue,2\nred,3\nblue,4\n');
    const read = await readUserData(file, { labelColumn: 'kind' });
    if (!read.ok) throw new Error(read.error);
    const spec = specFixture({
      data: {
        source: 'csv',
        file: 'f.csv',
        sha256: read.value.summary.sha256,
        rows: 4,
        classes: 2,
        inputShape: [1],
        labelColumn: 'kind',
        poolSize: 4,
      },
    });
    const data = await loadDataset(spec.data, 1, undefined, file);
    expect(data.pool.count).toBe(4);
    await expect(loadDataset({ ...spec.data, labelColumn: undefined }, 1)).rejects.toThrow(
      /load that file/,
    );
  });
});
