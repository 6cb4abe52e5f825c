import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { normalTensor } from '../testFixtures.ts';
import { col2im3x3, im2col3x3 } from './im2col.ts';

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

  it.each([
    ['cpu', [2, 4, 3, 1]],
    ['cpu', [1, 3, 5, 4]],
    ['cpu', [1, 1, 1, 2]],
    ['wasm', [2, 4, 3, 1]],
    ['wasm', [3, 5, 5, 6]],
  ])('on %s, %j: col2im3x3 by either form is tf.grad of im2col3x3', async (backend, shape) => {
    await tf.setBackend(backend as string);
    const before = tf.memory().numTensors;
    const [typed, composed, referenceTyped, referenceComposed] = tf.tidy(() => {
      const x = normalTensor(shape as number[], 1) as tf.Tensor4D;
      const dColumns = normalTensor(im2col3x3(x).shape, 2) as tf.Tensor2D;
      const size = shape as [number, number, number, number];
      const viaGrad = (composedForm: boolean) =>
        tf.grad((input: tf.Tensor) => im2col3x3(input as tf.Tensor4D, composedForm))(x, dColumns);
      return [
        col2im3x3(dColumns, size, false),
        col2im3x3(dColumns, size, true),
        viaGrad(false),
        viaGrad(true),
      ].map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
    });
    expect(tf.memory().numTensors).toBe(before);
    for (const result of [typed, composed]) {
      for (const reference of [referenceTyped, referenceComposed]) {
        expect(result?.shape).toEqual(shape);
        result?.values.forEach((v, i) => expect(v).toBeCloseTo(reference?.values[i] as number, 5));
      }
    }
  });

  it('col2im3x3 of all-ones columns counts the 3×3 windows that hold each pixel', async () => {
    await tf.setBackend('cpu');
    for (const composed of [false, true]) {
      const counts = tf.tidy(() =>
        Array.from(col2im3x3(tf.ones([12, 9]), [1, 3, 4, 1], composed).dataSync()),
      );
      expect(counts).toEqual([4, 6, 6, 4, 6, 9, 9, 6, 4, 6, 6, 4]);
    }
  });
});
