import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed } from '../random.ts';
import type { LossSurface } from './curvature.ts';
import type { ReparameterizationPlan } from '../models/index.ts';

/**
 * Training a model through other parameters than its weights, as the paper's later version
 * does to show networks are parameter-wasteful:
 * - a random subspace (Li et al. 2018, "Measuring the intrinsic dimension of objective
 *   landscapes"): θ = θ₀ + P z with θ₀ the usual initialization and P a fixed seeded D × d
 *   projection; only z (d numbers) trains;
 * - low-precision weights: quantization-aware training with a straight-through estimator;
 *   the forward pass uses the weights rounded to b bits, the optimizer updates float shadow
 *   weights with the gradient taken at the rounded ones.
 *
 * Both are the chain rule around any step (stepGradients.ts, any family): the step computes
 * the gradients of the model's weights, `gradients` turns them into the gradients of the
 * trained variables, the optimizer updates those, and `sync` writes the model's weights from
 * them. The convergence check judges the loss as a function of the trained variables
 * (`surface`): in a subspace a minimum has Pᵀ∇θ = 0, not ∇θ = 0.
 */
export interface Reparameterization {
  /** The variables the optimizer updates (z, or the shadow weights). */
  trained: tf.Variable[];
  /** The gradients of the model's weights (by name) as the trained variables' (by name). */
  gradients(weightGrads: tf.NamedTensorMap): tf.NamedTensorMap;
  /** Writes the model's weights from the trained variables. */
  sync(): void;
  /** The loss surface of the model's weights as one of the trained variables. */
  surface(weights: LossSurface): LossSurface;
  dispose(): void;
}

export type ProjectionKind = 'dense' | 'sparse' | 'identity';

/**
 * A fixed D × d matrix P, applied without being built where it need not be:
 * - dense: Gaussian entries, each column scaled to unit norm (D·d floats);
 * - sparse: each weight gets one ±1 entry in a seeded column, each column scaled to unit
 *   norm (a hashing projection: 2·D numbers, whatever d is; a column no weight hashed to
 *   stays zero, and its z never moves);
 * - identity: P = I (d = D); ordinary training, which tests compare against.
 */
export interface Projection {
  dimension: number;
  /** P z, as one flat vector of D. */
  expand(z: tf.Tensor1D): tf.Tensor1D;
  /** Pᵀ g for a flat vector g of D. */
  contract(g: tf.Tensor1D): tf.Tensor1D;
  dispose(): void;
}

export function createProjection(
  kind: ProjectionKind,
  weights: number,
  dimension: number,
  seed: number,
): Projection {
  if (kind === 'identity') {
    if (dimension !== weights) throw new Error(`an identity projection needs d = D = ${weights}`);
    return {
      dimension,
      expand: (z) => z.clone(),
      contract: (g) => g.clone(),
      dispose: () => {},
    };
  }
  if (kind === 'dense') {
    // Drawn in JavaScript: the same P on every backend, and no second D × d copy on the
    // backend while the columns are scaled (the memory estimate counts one).
    const rng = createRng(seed);
    const values = new Float32Array(weights * dimension);
    const squares = new Float64Array(dimension);
    for (let i = 0; i < values.length; i++) {
      const value = rng.normal();
      values[i] = value;
      squares[i % dimension] = (squares[i % dimension] as number) + value * value;
    }
    const scales = squares.map((sum) => 1 / Math.sqrt(sum));
    for (let i = 0; i < values.length; i++) {
      values[i] = (values[i] as number) * (scales[i % dimension] as number);
    }
    const matrix = tf.tensor2d(values, [weights, dimension]);
    return {
      dimension,
      expand: (z) => tf.tidy(() => tf.matMul(matrix, z.reshape([dimension, 1])).reshape([-1])),
      contract: (g) =>
        tf.tidy(() => tf.matMul(matrix, g.reshape([weights, 1]), true, false).reshape([-1])),
      dispose: () => matrix.dispose(),
    };
  }
  const rng = createRng(seed);
  const column = new Int32Array(weights);
  const counts = new Int32Array(dimension);
  const sign = new Float32Array(weights);
  for (let i = 0; i < weights; i++) {
    const j = rng.int(dimension);
    column[i] = j;
    counts[j] = (counts[j] as number) + 1;
    sign[i] = rng.next() < 0.5 ? -1 : 1;
  }
  const values = sign.map((s, i) => s / Math.sqrt(counts[column[i] as number] as number));
  const columns = tf.tensor1d(column, 'int32');
  const scatterIndices = columns.reshape([weights, 1]);
  const entries = tf.tensor1d(values);
  return {
    dimension,
    expand: (z) => tf.tidy(() => tf.mul(tf.gather(z, columns), entries) as tf.Tensor1D),
    // Several weights share a column: scatterND sums their contributions (and runs on
    // every backend, where unsortedSegmentSum has no wasm kernel).
    contract: (g) =>
      tf.tidy(() => tf.scatterND(scatterIndices, tf.mul(g, entries), [dimension]) as tf.Tensor1D),
    dispose: () => tf.dispose([columns, scatterIndices, entries]),
  };
}

const flatten = (tensors: readonly tf.Tensor[]): tf.Tensor1D =>
  tf.concat(tensors.map((t) => t.reshape([-1]))) as tf.Tensor1D;

/** A flat vector of D split into tensors of the weights' shapes. */
const unflatten = (flat: tf.Tensor1D, shapes: readonly number[][]): tf.Tensor[] => {
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  return tf.split(flat, sizes).map((part, i) => part.reshape(shapes[i] as number[]));
};

/** θ = θ₀ + P z, with z starting at zero (so the model starts at its usual initialization). */
export function randomSubspace(
  weights: readonly tf.Variable[],
  kind: ProjectionKind,
  dimension: number,
  seed: number,
): Reparameterization {
  const shapes = weights.map((w) => [...w.shape]);
  const total = weights.reduce((sum, w) => sum + w.size, 0);
  const projection = createProjection(
    kind,
    total,
    dimension,
    deriveSeed(seed, 'subspace', kind, dimension),
  );
  const origin = tf.tidy(() => flatten(weights));
  const z = tf.tidy(() => tf.variable(tf.zeros([dimension]), true));
  const contract = (grads: readonly tf.Tensor[]) =>
    tf.tidy(() => projection.contract(flatten(grads)));
  const expand = (dz: tf.Tensor) => unflatten(projection.expand(dz as tf.Tensor1D), shapes);
  const sync = () =>
    tf.tidy(() => {
      const values = unflatten(
        tf.add(origin, projection.expand(z as tf.Tensor1D)) as tf.Tensor1D,
        shapes,
      );
      weights.forEach((w, i) => w.assign(values[i] as tf.Tensor));
    });
  return {
    trained: [z],
    gradients: (grads) => ({ [z.name]: contract(weights.map((w) => grads[w.name] as tf.Tensor)) }),
    sync,
    surface: (full) => ({
      shapes: [[dimension]],
      parameters: () => [z.clone()],
      gradient: () => tf.tidy(() => [contract(full.gradient())]),
      gradientAt: (delta) =>
        tf.tidy(() => [contract(full.gradientAt(expand(delta[0] as tf.Tensor)))]),
      moveBy: (delta) => {
        tf.tidy(() => z.assign(tf.add(z, delta[0] as tf.Tensor)));
        sync();
      },
      loss: () => full.loss(),
    }),
    dispose: () => {
      projection.dispose();
      tf.dispose([origin, z]);
    },
  };
}

/**
 * Each weight tensor rounded to `bits` bits with its own max-abs scale: symmetric levels
 * k · s for integers |k| ≤ 2^(bits−1) − 1, s = max|w| / (2^(bits−1) − 1). 32 bits is float32
 * itself (no rounding). Call inside tf.tidy.
 */
export function quantize(weight: tf.Tensor, bits: number): tf.Tensor {
  if (bits >= 32) return weight.clone();
  const levels = 2 ** (bits - 1) - 1;
  const scale = tf.div(tf.maximum(tf.max(tf.abs(weight)), 1e-30), levels);
  return tf.mul(tf.round(tf.div(weight, scale)), scale);
}

/**
 * Low-precision weights: the model's variables hold the rounded weights the forward pass
 * uses, float shadow copies hold what the optimizer updates (the straight-through
 * estimator: rounding's gradient is taken as the identity).
 */
export function lowPrecision(weights: readonly tf.Variable[], bits: number): Reparameterization {
  const shadows = tf.tidy(() => weights.map((w) => tf.variable(w.clone(), true)));
  const sync = () =>
    weights.forEach((w, i) => tf.tidy(() => w.assign(quantize(shadows[i] as tf.Variable, bits))));
  sync();
  return {
    trained: shadows,
    gradients: (grads) =>
      Object.fromEntries(
        shadows.map((s, i) => [s.name, grads[(weights[i] as tf.Variable).name] as tf.Tensor]),
      ),
    sync,
    surface: (full) => ({
      ...full,
      parameters: () => shadows.map((s) => s.clone()),
      moveBy: (delta) => {
        shadows.forEach((s, i) => tf.tidy(() => s.assign(tf.add(s, delta[i] as tf.Tensor))));
        sync();
      },
    }),
    dispose: () => tf.dispose(shadows),
  };
}

/** A plan's reparameterization around a freshly built model's weights, if it has one. */
export function reparameterize(
  plan: ReparameterizationPlan | undefined,
  weights: readonly tf.Variable[],
  seed: number,
): Reparameterization | undefined {
  if (plan?.kind === 'subspace') {
    return randomSubspace(weights, plan.projection, plan.dimension, seed);
  }
  if (plan?.kind === 'precision') return lowPrecision(weights, plan.bits);
  return undefined;
}
