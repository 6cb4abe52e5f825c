import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planModel } from '../models/index.ts';
import { createRng, permutation } from '../random.ts';
import { gaussianNoise } from '../data/gaussian.ts';
import { normalTensor, specFixture } from '../testFixtures.ts';
import { fitProbe, type ProbeOutcome } from '../train/fitProbe.ts';
import { fitProbesStacked } from '../train/stackedProbes.ts';
import { tuneWasmKernels } from './wasmKernels.ts';

/** Products on the cpu backend are the independent reference. */
async function onBackend<T>(name: string, compute: () => T): Promise<T> {
  await tf.setBackend(name);
  return compute();
}

function product(
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): Float32Array {
  return tf.tidy(() =>
    tf.matMul(normalTensor(aShape, 1), normalTensor(bShape, 2), transposeA, transposeB).dataSync(),
  ) as Float32Array;
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i] as number));
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)) / scale);
  }
  expect(worst).toBeLessThan(1e-4);
}

describe('wasm matrix products routed to XNNPACK', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect(tuneWasmKernels()).toBe(true);
    // Installing twice keeps one routed kernel.
    expect(tuneWasmKernels()).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  // [a shape, b shape, transposeA, transposeB]: every transpose pairing, one and three batches.
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[3, 5, 7], [3, 7, 4], false, false],
    [[3, 7, 5], [3, 7, 4], true, false],
    [[3, 5, 7], [3, 4, 7], false, true],
    [[2, 3, 7, 5], [2, 3, 4, 7], true, true],
  ];
  it.each(cases)('%j × %j (transposeA %s, transposeB %s) equals the cpu product', async (...c) => {
    const expected = await onBackend('cpu', () => product(...c));
    const actual = await onBackend('wasm', () => product(...c));
    expectClose(actual, expected);
  });

  it('keeps the output shape of a batched product', async () => {
    await tf.setBackend('wasm');
    const shape = tf.tidy(
      () => tf.matMul(tf.ones([2, 3, 7, 5]), tf.ones([2, 3, 4, 7]), true, true).shape,
    );
    expect(shape).toEqual([2, 3, 5, 4]);
  });

  it('gives a dense layer the gradients of the cpu backend and leaks nothing', async () => {
    const gradients = () =>
      tf.tidy(() => {
        const x = normalTensor([6, 9], 3);
        const w = tf.variable(normalTensor([9, 4], 4));
        const { grads } = tf.variableGrads(() => tf.relu(tf.matMul(x, w)).square().sum(), [w]);
        const out = (grads[w.name] as tf.Tensor).dataSync() as Float32Array;
        w.dispose();
        return out;
      });
    const expected = await onBackend('cpu', gradients);
    await tf.setBackend('wasm');
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = tf.backend().numDataIds();
    const actual = gradients();
    expectClose(actual, expected);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
  });
});

describe('wasm row gathers and slices', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    expect(tuneWasmKernels()).toBe(true);
  });

  const gathers: [string, () => tf.Tensor][] = [
    ['float rows', () => tf.gather(normalTensor([5, 3], 8), [4, 0, 0, 2])],
    ['image rows', () => tf.gather(normalTensor([4, 2, 2, 1], 9), [3, 1])],
    [
      'int32 labels',
      () => tf.gather(tf.tensor1d([7, 8, 9], 'int32'), tf.tensor1d([2, 2, 0], 'int32')),
    ],
    [
      '2-D indices',
      () =>
        tf.gather(
          normalTensor([3, 2], 10),
          tf.tensor2d(
            [
              [0, 1],
              [2, 0],
            ],
            [2, 2],
            'int32',
          ),
        ),
    ],
    ['axis 1 (left to tfjs)', () => tf.gather(normalTensor([3, 4], 11), [3, 0], 1)],
    ['row slice', () => tf.slice(normalTensor([6, 4], 12), [2, 0], [3, 4])],
    ['row slice to the end', () => tf.slice(normalTensor([6, 2, 2], 13), 4)],
    ['int32 slice', () => tf.slice(tf.tensor1d([1, 2, 3, 4, 5], 'int32'), 1, 3)],
    ['column slice (left to tfjs)', () => tf.slice(normalTensor([3, 4], 14), [0, 1], [3, 2])],
  ];
  it.each(gathers)('%s: equal to the cpu result, shape and values', async (_, gather) => {
    const run = () =>
      tf.tidy(() => {
        const out = gather();
        return { shape: out.shape, dtype: out.dtype, values: Array.from(out.dataSync()) };
      });
    const expected = await onBackend('cpu', run);
    expect(await onBackend('wasm', run)).toEqual(expected);
  });

  it('refuses an index outside the rows', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.tidy(() => tf.gather(tf.ones([3, 2]), [3]))).toThrow(
      'GatherV2: the index value 3 is not in [0, 2]',
    );
  });
});

describe('probes on wasm with the routed products', () => {
  // Random labels on gaussian inputs: N = 24 fits a 1×16 MLP, N = 160 does not.
  const train = specFixture({ train: { learningRate: 0.01, batchSize: 16, maxSteps: 1500 } }).train;
  const plan = planModel({ family: 'mlp', depth: 1, activation: 'relu' }, 16, [8], 4);
  const order = permutation(160, createRng(5));
  const ns = [24, 160];

  async function outcomes(backend: string, stacked: boolean): Promise<ProbeOutcome[]> {
    await tf.setBackend(backend);
    const pool = {
      x: normalTensor([160, 8], 6),
      y: tf.tensor1d(
        Int32Array.from(gaussianNoise(160, 7), (v) => Math.floor(Math.abs(v) * 97) % 4),
        'int32',
      ),
    };
    const tensorsBefore = tf.memory().numTensors - 2;
    try {
      const common = { plan, pool, classes: 4, order, train, seed: 3 };
      return stacked
        ? await fitProbesStacked({ ...common, ns })
        : await Promise.all(ns.map((n) => fitProbe({ ...common, n })));
    } finally {
      tf.dispose([pool.x, pool.y]);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    }
  }

  const summary = (o: ProbeOutcome) => ({ n: o.n, fits: o.fits, stopReason: o.stopReason });

  it.each([false, true])('reach the outcomes of the cpu backend (stacked: %s)', async (stacked) => {
    const expected = await outcomes('cpu', stacked);
    const actual = await outcomes('wasm', stacked);
    expect(actual.map(summary)).toEqual(expected.map(summary));
    expect(actual.map(summary)).toEqual([
      { n: 24, fits: true, stopReason: 'fit' },
      { n: 160, fits: false, stopReason: expect.not.stringMatching(/^fit$/) },
    ]);
    actual.forEach((o, i) => {
      const reference = expected[i] as ProbeOutcome;
      // Float rounding may move the stop by a check or two, not the verdict.
      expect(Math.abs(o.epochs - reference.epochs)).toBeLessThanOrEqual(reference.epochs * 0.1 + 2);
      expect(o.finalLoss).toBeCloseTo(reference.finalLoss, 1);
    });
  });
});
