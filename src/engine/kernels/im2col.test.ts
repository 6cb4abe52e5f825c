import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { normalTensor } from '../testFixtures.ts';
import { im2col3x3 } from './im2col.ts';

/** The columns and the gradient of a weighted sum of them, by one of the two forms. */
function columnsAndGradient(shape: number[], composed: boolean) {
  return tf.tidy(() => {
    const x = normalTensor(shape, 1) as tf.Tensor4D;
    const columns = im2col3x3(x, composed);
    const weights = normalTensor(columns.shape, 2);
    const gradient = tf.grad((input: tf.Tensor) =>
      im2col3x3(input as tf.Tensor4D, composed)
        .mul(weights)
        .sum(),
    )(x);
    return {
      shape: columns.shape,
      columns: Array.from(columns.dataSync()),
      gradient: Array.from(gradient.dataSync()),
    };
  });
}

describe('im2col3x3', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['cpu', [2, 4, 3, 1]],
    ['cpu', [1, 3, 5, 4]],
    ['wasm', [2, 4, 3, 1]],
    ['wasm', [3, 5, 5, 6]],
  ])(
    'on %s, %j: the typed kernels give the composed columns and gradient',
    async (backend, shape) => {
      await tf.setBackend(backend as string);
      const before = tf.memory().numTensors;
      const typed = columnsAndGradient(shape as number[], false);
      const composed = columnsAndGradient(shape as number[], true);
      expect(typed.shape).toEqual(composed.shape);
      expect(typed.columns).toEqual(composed.columns);
      typed.gradient.forEach((g, i) => expect(g).toBeCloseTo(composed.gradient[i] as number, 5));
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('puts the 3×3 neighbourhood of each pixel in a row, zeros outside the image', async () => {
    await tf.setBackend('cpu');
    const rows = tf.tidy(() => im2col3x3(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])).arraySync());
    expect(rows).toEqual([
      [0, 0, 0, 0, 1, 2, 0, 3, 4],
      [0, 0, 0, 1, 2, 0, 3, 4, 0],
      [0, 1, 2, 0, 3, 4, 0, 0, 0],
      [1, 2, 0, 3, 4, 0, 0, 0, 0],
    ]);
  });
});
