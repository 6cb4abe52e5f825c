import { describe, expect, it } from 'vitest';
import type { UserDataFile, UserDataSummary } from '../engine/index.ts';
import type { DataRead } from './dataReader.ts';
import { createDataLoadStore, type DataLoadDeps } from './userDataLoad.ts';

const summary = {
  source: 'csv',
  file: 'wine.csv',
  sha256: 'a'.repeat(64),
  rows: 178,
  classes: 3,
  inputShape: [13],
  classNames: ['1', '2', '3'],
  columns: ['alcohol', 'class'],
  labelColumn: 'class',
} as unknown as UserDataSummary;
const file = { name: 'wine.csv', sha256: summary.sha256 } as unknown as UserDataFile;

function harness(read: DataRead, options: { keepFails?: boolean; stored?: UserDataFile } = {}) {
  const calls = { requests: [] as unknown[], kept: 0, applied: [] as UserDataSummary[] };
  const busyLines: string[] = [];
  const deps: DataLoadDeps = {
    read: async (request, onStage) => {
      calls.requests.push(request);
      onStage('parsing');
      return read;
    },
    stored: async () => options.stored,
    keep: async () => {
      if (options.keepFails) throw new Error('QuotaExceededError');
      calls.kept += 1;
    },
    apply: (loaded) => calls.applied.push(loaded),
  };
  const store = createDataLoadStore(deps);
  store.subscribe((state) => state.busy && busyLines.push(state.busy));
  return { store, calls, busyLines };
}

const chosen = [new File(['alcohol,class\n1,1\n'], 'wine.csv')];

describe('loading the user’s data', () => {
  it('reads, keeps and applies a file, saying what it does meanwhile', async () => {
    const { store, calls, busyLines } = harness({ ok: true, file, summary });
    await store.getState().choose(chosen, { source: 'csv' });
    expect(calls.kept).toBe(1);
    expect(calls.applied).toEqual([summary]);
    expect(busyLines).toEqual([
      'Reading wine.csv…',
      'wine.csv: parsing',
      'Storing wine.csv in this browser…',
    ]);
    expect(store.getState()).toMatchObject({ busy: undefined, error: undefined });
  });

  it('changes nothing but the error when the file cannot be read', async () => {
    const { store, calls } = harness({ ok: false, error: 'Row 3, column 2: not a number' });
    await store.getState().choose(chosen, { source: 'csv' });
    expect(store.getState().error).toBe('Row 3, column 2: not a number');
    expect(calls).toMatchObject({ kept: 0, applied: [] });
  });

  it('refuses data other than the data an opened experiment names, naming the difference', async () => {
    const { store, calls } = harness({ ok: true, file, summary });
    await store.getState().choose(chosen, {
      source: 'csv',
      required: {
        file: 'wine.csv',
        sha256: 'b'.repeat(64),
        rows: 150,
        classes: 3,
        inputShape: [13],
      },
    });
    expect(store.getState().error).toMatch(
      /178 rows, not 150.*Load wine\.csv, or use other data instead\./,
    );
    expect(calls).toMatchObject({ kept: 0, applied: [] });
  });

  it('reads named images at the experiment’s input size', async () => {
    const { store, calls } = harness({ ok: true, file, summary });
    await store.getState().choose(chosen, {
      source: 'images',
      required: {
        file: 'pets.zip',
        sha256: summary.sha256,
        rows: 10,
        classes: 3,
        inputShape: [8, 6, 1],
      },
    });
    expect(calls.requests[0]).toMatchObject({ source: 'images', options: { size: [8, 6] } });
  });

  it('says so when the browser cannot keep the data, and leaves the form alone', async () => {
    const { store, calls } = harness({ ok: true, file, summary }, { keepFails: true });
    await store.getState().choose(chosen, { source: 'csv' });
    expect(store.getState().error).toBe('The data could not be kept: QuotaExceededError');
    expect(calls.applied).toEqual([]);
    expect(store.getState().busy).toBeUndefined();
  });

  it('reads stored data again with another label column, or asks for it when it is gone', async () => {
    const kept = harness({ ok: true, file, summary }, { stored: file });
    await kept.store.getState().relabel(summary.sha256, 'alcohol', { source: 'csv' });
    expect(kept.calls.requests[0]).toMatchObject({
      stored: file,
      options: { labelColumn: 'alcohol' },
    });
    expect(kept.calls.applied).toHaveLength(1);

    const gone = harness({ ok: true, file, summary });
    await gone.store.getState().relabel(summary.sha256, 'alcohol', { source: 'csv' });
    expect(gone.store.getState().error).toBe(
      'The data is no longer stored in this browser; choose it again.',
    );
    expect(gone.calls.requests).toEqual([]);
  });
});
