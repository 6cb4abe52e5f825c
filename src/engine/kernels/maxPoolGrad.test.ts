import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { normalTensor } from '../testFixtures.ts';
import { maxPool2x2Grad } from './maxPoolGrad.ts';

describe('maxPool2x2Grad', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['cpu', [2, 4, 6, 3], false],
    ['cpu', [1, 5, 3, 2], false],
    ['cpu', [3, 4, 4, 2], true],
    ['wasm', [2, 4, 6, 3], false],
    ['wasm', [2, 7, 5, 4], false],
    ['wasm', [3, 4, 4, 2], true],
  ])('on %s, %j (ties: %s): tf.grad of tf.maxPool on cpu', async (backend, shape, ties) => {
    const gradient = (typed: boolean | 'tf.grad') =>
      tf.tidy(() => {
        const normal = normalTensor(shape as number[], 1);
        // Rounded to a few values, so that windows hold equal maxima (ReLU's zeros do).
        const x = (ties ? normal.round().relu() : normal) as tf.Tensor4D;
        const output = tf.maxPool(x, 2, 2, 'valid');
        const dy = normalTensor(output.shape, 2) as tf.Tensor4D;
        const dx =
          typed === 'tf.grad'
            ? tf.grad((input: tf.Tensor) => tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid'))(x, dy)
            : maxPool2x2Grad(dy, x, output, typed);
        return { shape: dx.shape, values: Array.from(dx.dataSync()) };
      });
    await tf.setBackend('cpu');
    const reference = gradient('tf.grad');
    await tf.setBackend(backend as string);
    const before = tf.memory().numTensors;
    const typed = gradient(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(typed.shape).toEqual(shape);
    expect(typed.values).toEqual(reference.values);
    if (backend === 'cpu') expect(gradient(false).values).toEqual(reference.values);
  });

  it('tfjs-wasm’s MaxPoolGrad (why wasm takes the typed kernel): a negative maximum gets nothing', async () => {
    // A known difference, held so that a fixed tfjs shows here: window 2's maximum is -24.
    const values = [0, 41, 75, 96, 99, 85, 57, 18, -24, -62, -89, -100, -93, -70, -35, 7];
    const dx = async (backend: string, typed: boolean) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor4d(values, [1, 4, 4, 1]);
        const dy = tf.tensor4d([7, 8, 9, 10], [1, 2, 2, 1]);
        return Array.from(maxPool2x2Grad(dy, x, tf.maxPool(x, 2, 2, 'valid'), typed).dataSync());
      });
    };
    const right = [0, 0, 0, 8, 7, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 10];
    expect(await dx('cpu', false)).toEqual(right);
    expect(await dx('wasm', true)).toEqual(right);
    expect(await dx('wasm', false)).toEqual(right.map((v) => (v === 9 ? 0 : v)));
  });

  it('sends each window’s gradient to its first maximum, nothing to uncovered pixels', async () => {
    await tf.setBackend('cpu');
    const dx = tf.tidy(() => {
      // 3×3: one 2×2 window, the last row and column uncovered; the maximum 5 appears twice.
      const x = tf.tensor4d([1, 5, 9, 5, 2, 9, 9, 9, 9], [1, 3, 3, 1]);
      return Array.from(maxPool2x2Grad(tf.tensor4d([7], [1, 1, 1, 1]), x, x, true).dataSync());
    });
    expect(dx).toEqual([0, 7, 0, 0, 0, 0, 0, 0, 0]);
  });
});
