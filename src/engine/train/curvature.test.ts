import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  fullBatchSurface,
  gradientNorm,
  hessianExtremes,
  tridiagonalEigenvalues,
} from './curvature.ts';

describe('tridiagonalEigenvalues', () => {
  it('finds the eigenvalues of a symmetric tridiagonal matrix', () => {
    // [[2, 1, 0], [1, 2, 1], [0, 1, 2]] has eigenvalues 2 - √2, 2, 2 + √2.
    const values = tridiagonalEigenvalues([2, 2, 2], [1, 1]).sort((a, b) => a - b);
    expect(values[0]).toBeCloseTo(2 - Math.SQRT2, 10);
    expect(values[1]).toBeCloseTo(2, 10);
    expect(values[2]).toBeCloseTo(2 + Math.SQRT2, 10);
  });
});

describe('hessianExtremes', () => {
  /**
   * The loss ½ Σ_i a_i (x_i w)² over samples x_i = e_i: a quadratic whose Hessian is
   * diag(a), so its extreme eigenvalues are known exactly.
   */
  function quadraticSurface(curvatures: number[]) {
    const w = tf.variable(tf.tensor1d(curvatures.map((_, i) => 0.3 * (i + 1))));
    const x = tf.eye(curvatures.length);
    const a = tf.tensor1d(curvatures);
    const labels = tf.tensor1d(
      curvatures.map((_, i) => i),
      'int32',
    );
    // Each chunk's mean loss; the surface weights chunks by their share of the samples.
    const lossOf = (xs: tf.Tensor, ys: tf.Tensor1D) =>
      tf.tidy(() => {
        const ai = tf.gather(a, ys);
        const projections = xs.matMul(w.reshape([-1, 1])).reshape([-1]);
        return ai
          .mul(projections.square())
          .mul(0.5 * curvatures.length)
          .mean() as tf.Scalar;
      });
    const surface = fullBatchSurface([w], lossOf, x, labels);
    return { surface, dispose: () => tf.dispose([w, x, a, labels]) };
  }

  it('matches the known extreme eigenvalues of a quadratic, including a negative one', async () => {
    const { surface, dispose } = quadraticSurface([3, 0.5, -0.25, 1.5, 2]);
    const before = tf.memory().numTensors;
    const extremes = await hessianExtremes(surface, { seed: 3 });
    expect(extremes.max).toBeCloseTo(3, 3);
    expect(extremes.min).toBeCloseTo(-0.25, 3);
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('leaves the weights exactly as it found them', async () => {
    const { surface, dispose } = quadraticSurface([1, 2, 3]);
    const [w] = surface.parameters();
    const before = Array.from(await (w as tf.Tensor).data());
    await hessianExtremes(surface);
    const [after] = surface.parameters();
    expect(Array.from(await (after as tf.Tensor).data())).toEqual(before);
    tf.dispose([w as tf.Tensor, after as tf.Tensor]);
    dispose();
  });

  it('measures the full-batch gradient norm', async () => {
    // Gradient of ½ Σ a_i w_i² is a_i w_i: here [1·0.3, 2·0.6] → norm √(0.09 + 1.44).
    const { surface, dispose } = quadraticSurface([1, 2]);
    expect(await gradientNorm(surface)).toBeCloseTo(Math.sqrt(0.09 + 1.44), 5);
    dispose();
  });
});
