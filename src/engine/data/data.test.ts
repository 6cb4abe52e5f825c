import { describe, expect, it } from 'vitest';
import type { DataSpec } from '../experiment/index.ts';
import { drawDependsOnSeed, loadDataset } from './index.ts';
import { dataSeedFor } from './repeatData.ts';
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
  it('leaves labels alone without noise', () => {
    const labels = Int32Array.from([0, 1, 2, 1]);
    expect(applyLabelMode(labels, gaussian(), 1)).toEqual(labels);
  });
});

describe('data drawn per seed', () => {
  it('keeps real images with true labels the same for every seed', () => {
    expect(drawDependsOnSeed(gaussian({ source: 'mnist' }))).toBe(false);
  });

  it('redraws random labels, label noise, noise inputs and gaussian samples per seed', () => {
    expect(drawDependsOnSeed(gaussian({ source: 'mnist', labels: 'random' }))).toBe(true);
    expect(drawDependsOnSeed(gaussian({ source: 'mnist', labelNoise: 0.2 }))).toBe(true);
    expect(drawDependsOnSeed(gaussian({ source: 'mnist', inputs: 'noise' }))).toBe(true);
    expect(drawDependsOnSeed(gaussian())).toBe(true);
  });

  it('uses the experiment seed for the first repeat and fresh seeds after it', () => {
    expect(dataSeedFor(7, 0)).toBe(7);
    expect(new Set([7, dataSeedFor(7, 1), dataSeedFor(7, 2)]).size).toBe(3);
  });
});

describe('label noise', () => {
  it('moves exactly the noisy fraction of labels, each to a different class', () => {
    const truth = Int32Array.from({ length: 1000 }, (_, i) => i % 4);
    const noisy = applyLabelMode(truth, gaussian({ classes: 4, labelNoise: 0.3 }), 5);
    const changed = noisy.filter((label, i) => label !== truth[i]).length;
    expect(changed).toBe(300);
    for (const label of noisy) expect(label).toBeGreaterThanOrEqual(0);
    for (const label of noisy) expect(label).toBeLessThan(4);
  });

  it('spreads moved labels over all the other classes', () => {
    const truth = new Int32Array(3000); // every true label is class 0
    const noisy = applyLabelMode(truth, gaussian({ classes: 4, labelNoise: 1 }), 6);
    const counts = [0, 0, 0, 0];
    for (const label of noisy) counts[label] = (counts[label] ?? 0) + 1;
    expect(counts[0]).toBe(0);
    for (const count of counts.slice(1)) expect(count).toBeGreaterThan(900);
  });
});
