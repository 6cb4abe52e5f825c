import { describe, expect, it } from 'vitest';
import type { DataSpec } from '../spec/index.ts';
import { loadDataset } from './index.ts';
import { applyLabelMode } from './labels.ts';

const gaussian = (overrides: Partial<DataSpec> = {}): DataSpec => ({
  source: 'gaussian',
  inputs: 'real',
  inputShape: [8],
  classes: 3,
  labels: 'true',
  labelNoise: 0,
  poolSize: 500,
  testSize: 100,
  ...overrides,
});

describe('gaussian data', () => {
  it('draws the same pool for the same seed and another for another seed', async () => {
    const a = await loadDataset(gaussian(), 1);
    const b = await loadDataset(gaussian(), 1);
    const c = await loadDataset(gaussian(), 2);
    expect(a.pool.x).toEqual(b.pool.x);
    expect(a.pool.y).toEqual(b.pool.y);
    expect(a.pool.x).not.toEqual(c.pool.x);
  });

  it('splits pool and test with the spec sizes', async () => {
    const data = await loadDataset(gaussian(), 1);
    expect(data.pool.count).toBe(500);
    expect(data.pool.x.length).toBe(500 * 8);
    expect(data.test.count).toBe(100);
    expect(data.test.y.length).toBe(100);
    expect(data.inputShape).toEqual([8]);
  });

  it('gives true labels that use every class', async () => {
    const { pool } = await loadDataset(gaussian(), 4);
    const counts = [0, 0, 0];
    for (const label of pool.y) counts[label] = (counts[label] ?? 0) + 1;
    for (const count of counts) expect(count).toBeGreaterThan(50);
  });

  it('randomizes pool labels only: inputs and test labels stay the same', async () => {
    const truth = await loadDataset(gaussian(), 9);
    const random = await loadDataset(gaussian({ labels: 'random' }), 9);
    expect(random.pool.x).toEqual(truth.pool.x);
    expect(random.test.y).toEqual(truth.test.y);
    const agreement = truth.pool.y.filter((label, i) => label === random.pool.y[i]).length;
    // Random labels agree with the truth about 1 time in 3 for three classes.
    expect(agreement / 500).toBeGreaterThan(0.25);
    expect(agreement / 500).toBeLessThan(0.42);
  });
});

describe('label noise', () => {
  it('replaces exactly the requested fraction of labels by uniform draws', () => {
    const labels = new Int32Array(10_000).fill(0);
    const spec = gaussian({ classes: 10, labelNoise: 0.3 });
    const noisy = applyLabelMode(labels, spec, 1);
    const changed = noisy.filter((label) => label !== 0).length;
    // 3000 replaced, of which about 1 in 10 redraws the original class.
    expect(changed).toBeGreaterThan(2550);
    expect(changed).toBeLessThanOrEqual(3000);
  });

  it('leaves labels alone without noise', () => {
    const labels = Int32Array.from([0, 1, 2, 1]);
    expect(applyLabelMode(labels, gaussian(), 1)).toEqual(labels);
  });
});
