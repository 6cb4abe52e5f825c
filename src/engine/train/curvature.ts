import * as tf from '@tensorflow/tfjs';
import { createRng } from '../random.ts';
import { EVAL_CHUNK } from '../experiment/index.ts';

/**
 * First- and second-order facts about the training loss at the current weights, for the
 * paper's convergence check (convergence.ts): full-batch gradients and their norm, and the
 * Hessian's extreme eigenvalues (a minimum, or a saddle).
 */

/** Mean training loss of one chunk of samples, differentiable in the model's variables. */
export type ChunkLoss = (x: tf.Tensor, labels: tf.Tensor1D) => tf.Scalar;

/** The gradient of ChunkLoss by name of variable, computed some other way than autodiff. */
export type ChunkGradients = (x: tf.Tensor, labels: tf.Tensor1D) => tf.NamedTensorMap;

/** The loss over all N samples as a function of the parameters that matter. */
export interface LossSurface {
  /** Shapes of the parameters (for a stacked member: its slices of the stacked weights). */
  shapes: number[][];
  /** The parameters' current values; the caller disposes. */
  parameters(): tf.Tensor[];
  /** Gradient of the full-batch mean loss, one tensor per parameter; the caller disposes. */
  gradient(): tf.Tensor[];
  /** The gradient with the parameters moved by `delta`, which are restored exactly after. */
  gradientAt(delta: readonly tf.Tensor[]): tf.Tensor[];
  /** Moves the parameters by `delta` for good (off a saddle). */
  moveBy(delta: readonly tf.Tensor[]): void;
  /** The full-batch mean loss at the current parameters, in inference mode. */
  loss(): Promise<number>;
}

/**
 * The full-batch loss surface of a model on N samples, evaluated in chunks so the memory
 * it needs does not grow with N (chunk gradients are weighted by their share of N). With
 * `member`, the variables are stacked (a leading axis of `of` members) and the surface is
 * that of member `index` alone: its slices, not its neighbours' zero-curvature weights.
 * `gradientsOf`, where given, computes the chunks' gradients instead of autodiff through
 * `lossOf` (a written-out step's, train/stepGradients.ts).
 */
export function fullBatchSurface(
  variables: readonly tf.Variable[],
  lossOf: ChunkLoss,
  x: tf.Tensor,
  labels: tf.Tensor1D,
  member?: { index: number; of: number },
  gradientsOf?: ChunkGradients,
): LossSurface {
  const rows = x.shape[0] as number;
  const own = (t: tf.Tensor) => (member ? t.slice(member.index, 1) : t);
  const gradient = () =>
    tf.tidy(() => {
      let total: tf.Tensor[] | undefined;
      for (let start = 0; start < rows; start += EVAL_CHUNK) {
        const size = Math.min(EVAL_CHUNK, rows - start);
        const xs = x.slice(start, size);
        const ls = labels.slice(start, size);
        // Each chunk's mean gradient, weighted by its share of N.
        let chunk: tf.Tensor[];
        if (gradientsOf) {
          const grads = gradientsOf(xs, ls);
          chunk = variables.map((v) => own(grads[v.name] as tf.Tensor).mul(size / rows));
        } else {
          const { grads } = tf.variableGrads(() => lossOf(xs, ls).mul(size / rows), [...variables]);
          chunk = variables.map((v) => own(grads[v.name] as tf.Tensor));
        }
        total = total ? total.map((t, i) => t.add(chunk[i] as tf.Tensor)) : chunk;
      }
      return total ?? variables.map((v) => tf.zerosLike(own(v)));
    });
  return {
    shapes: variables.map((v) => (member ? [1, ...v.shape.slice(1)] : [...v.shape])),
    parameters: () => tf.tidy(() => variables.map((v) => own(v).clone())),
    gradient,
    gradientAt: (delta) => {
      const saved = variables.map((v) => tf.clone(v));
      try {
        variables.forEach((v, i) =>
          tf.tidy(() => v.assign((saved[i] as tf.Tensor).add(padded(v, delta[i] as tf.Tensor)))),
        );
        return gradient();
      } finally {
        variables.forEach((v, i) => v.assign(saved[i] as tf.Tensor));
        tf.dispose(saved);
      }
    },
    moveBy: (delta) =>
      variables.forEach((v, i) => tf.tidy(() => v.assign(v.add(padded(v, delta[i] as tf.Tensor))))),
    loss: async () => {
      const total = tf.tidy(() => {
        let sum: tf.Scalar = tf.scalar(0);
        for (let start = 0; start < rows; start += EVAL_CHUNK) {
          const size = Math.min(EVAL_CHUNK, rows - start);
          sum = sum.add(lossOf(x.slice(start, size), labels.slice(start, size)).mul(size / rows));
        }
        return sum;
      });
      const value = (await total.data())[0] as number;
      total.dispose();
      return value;
    },
  };

  /** A member's step as a step of the stacked variable (zero for its neighbours). */
  function padded(v: tf.Variable, step: tf.Tensor): tf.Tensor {
    if (!member) return step;
    const after = member.of - member.index - 1;
    return step.pad([[member.index, after], ...v.shape.slice(1).map(() => [0, 0])] as [
      number,
      number,
    ][]);
  }
}

/** Euclidean norm of the full-batch gradient. */
export function gradientNorm(surface: LossSurface): Promise<number> {
  return normOf(() => surface.gradient());
}

/**
 * Euclidean norm of tensors taken as one vector, read back as a number; `tensors` runs
 * inside a tidy, so what it creates is freed.
 */
export async function normOf(tensors: () => readonly tf.Tensor[]): Promise<number> {
  const squared = tf.tidy(() => tf.addN(tensors().map((t) => t.square().sum())));
  const value = (await squared.data())[0] as number;
  squared.dispose();
  return Math.sqrt(value);
}

export interface HessianExtremes {
  /** Smallest eigenvalue of the loss Hessian (negative at a saddle). */
  min: number;
  /** Largest eigenvalue (the sharpness). */
  max: number;
  /** Unit vector (all parameters, flattened) of the smallest eigenvalue's Ritz pair. */
  minDirection: Float64Array;
}

/** Lanczos iterations: enough for the extreme eigenvalues of the lab's models to settle. */
export const LANCZOS_STEPS = 16;

/**
 * The extreme eigenvalues of the loss Hessian by the Lanczos method, each product H·v
 * taken as a central difference of full-batch gradients at w ± εv. (tfjs' softmax
 * cross-entropy has a custom gradient that cannot be differentiated twice, and a
 * difference of gradients works for every model and backend.) The weights are restored
 * exactly afterwards.
 */
export async function hessianExtremes(
  surface: LossSurface,
  options: { steps?: number; seed?: number } = {},
): Promise<HessianExtremes> {
  const sizes = surface.shapes.map((shape) => shape.reduce((a, b) => a * b, 1));
  const size = sizes.reduce((a, b) => a + b, 0);
  const steps = Math.max(1, Math.min(options.steps ?? LANCZOS_STEPS, size));
  const weightNorm = await normOf(() => surface.parameters());
  // Relative step: large enough that float32 gradients differ by more than rounding, small
  // enough that the loss is quadratic at that scale.
  const epsilon = 1e-3 * Math.max(1, weightNorm);
  const hessianTimes = async (direction: Float64Array): Promise<Float64Array> => {
    const gradientAt = (sign: number) => {
      let offset = 0;
      const delta = surface.shapes.map((shape, i) => {
        const part = direction.subarray(offset, offset + (sizes[i] as number));
        offset += sizes[i] as number;
        return tf.tensor(
          Float32Array.from(part, (x) => x * sign * epsilon),
          shape,
        );
      });
      try {
        return readFlat(surface.gradientAt(delta));
      } finally {
        tf.dispose(delta);
      }
    };
    const plus = await gradientAt(1);
    const minus = await gradientAt(-1);
    return plus.map((p, i) => (p - (minus[i] as number)) / (2 * epsilon));
  };
  const { alphas, betas, basis } = await lanczos(hessianTimes, size, steps, options.seed ?? 1);
  const { values, vectors } = tridiagonalEigen(alphas, betas);
  const lowest = values.indexOf(Math.min(...values));
  // The Ritz vector: the Lanczos basis combined by T's eigenvector of the lowest value.
  const minDirection = new Float64Array(size);
  basis.forEach((q, j) => axpy(minDirection, q, (vectors[j] as number[])[lowest] as number));
  return {
    min: values[lowest] as number,
    max: Math.max(...values),
    minDirection: normalize(minDirection),
  };
}

/**
 * Moves the surface's parameters off a saddle: a step of `length` along `direction`,
 * pointed downhill (against the gradient's component along it; either way at an exact
 * saddle, where that component is zero and both sides descend).
 */
export async function stepAlong(
  surface: LossSurface,
  direction: Float64Array,
  length: number,
): Promise<void> {
  const gradient = await readFlat(surface.gradient());
  const sign = dot(gradient, direction) > 0 ? -1 : 1;
  const delta = unflatten(direction, surface.shapes, sign * length);
  try {
    surface.moveBy(delta);
  } finally {
    tf.dispose(delta);
  }
}

/** The parameters' norm: the scale a step off a saddle is measured in. */
export function parameterNorm(surface: LossSurface): Promise<number> {
  return normOf(() => surface.parameters());
}

function unflatten(flat: Float64Array, shapes: number[][], scale: number): tf.Tensor[] {
  let offset = 0;
  return shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const part = flat.subarray(offset, offset + size);
    offset += size;
    return tf.tensor(
      Float32Array.from(part, (x) => x * scale),
      shape,
    );
  });
}

/**
 * Lanczos tridiagonalization with full reorthogonalization (the steps are few, the
 * vectors small): the extreme eigenvalues of T approach those of the operator fast.
 */
async function lanczos(
  times: (v: Float64Array) => Promise<Float64Array>,
  size: number,
  steps: number,
  seed: number,
): Promise<{ alphas: number[]; betas: number[]; basis: Float64Array[] }> {
  const rng = createRng(seed);
  const basis: Float64Array[] = [];
  let v = normalize(Float64Array.from({ length: size }, () => rng.normal()));
  const alphas: number[] = [];
  const betas: number[] = [];
  for (let j = 0; j < steps; j++) {
    basis.push(v);
    const w = await times(v);
    const alpha = dot(w, v);
    alphas.push(alpha);
    for (const q of basis) axpy(w, q, -dot(w, q));
    const beta = Math.sqrt(dot(w, w));
    if (j === steps - 1 || beta < 1e-10) break;
    betas.push(beta);
    v = w.map((x) => x / beta);
  }
  return { alphas, betas, basis };
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal `alphas` and off-diagonal
 * `betas`, by cyclic Jacobi rotations on its dense form (at most a few dozen rows).
 */
export function tridiagonalEigenvalues(alphas: readonly number[], betas: readonly number[]) {
  return tridiagonalEigen(alphas, betas).values;
}

/** tridiagonalEigenvalues with the eigenvectors: column i of `vectors` belongs to value i. */
export function tridiagonalEigen(
  alphas: readonly number[],
  betas: readonly number[],
): { values: number[]; vectors: number[][] } {
  const n = alphas.length;
  const vectors: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
  const a = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) =>
      i === j ? (alphas[i] as number) : Math.abs(i - j) === 1 ? (betas[Math.min(i, j)] ?? 0) : 0,
    ),
  );
  const at = (i: number, j: number) => (a[i] as number[])[j] as number;
  const set = (i: number, j: number, value: number) => ((a[i] as number[])[j] = value);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += at(p, q) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(at(p, q)) < 1e-300) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * at(p, q));
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [at(k, p), at(k, q)];
          set(k, p, c * akp - s * akq);
          set(k, q, s * akp + c * akq);
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [at(p, k), at(q, k)];
          set(p, k, c * apk - s * aqk);
          set(q, k, s * apk + c * aqk);
        }
        for (const row of vectors) {
          const [vkp, vkq] = [row[p] as number, row[q] as number];
          row[p] = c * vkp - s * vkq;
          row[q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => at(i, i)), vectors };
}

async function readFlat(tensors: tf.Tensor[]): Promise<Float64Array> {
  const flat = tf.tidy(() => tf.concat(tensors.map((t) => t.flatten())));
  tf.dispose(tensors);
  const values = Float64Array.from(await flat.data());
  flat.dispose();
  return values;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function axpy(y: Float64Array, x: Float64Array, scale: number): void {
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + scale * (x[i] as number);
}

function normalize(v: Float64Array): Float64Array {
  const norm = Math.sqrt(dot(v, v));
  return v.map((x) => x / norm);
}
