import * as tf from '@tensorflow/tfjs';

/**
 * Shampoo (Gupta, Koren & Singer 2018; as Anil et al. 2020 run it at scale), the optimizer the
 * paper's later version trains with besides SGD and Adam. Each weight is viewed as a matrix G
 * of [all but the last axis, the last axis] (a dense kernel is [inputs, outputs], a bias
 * [1, outputs], a convolution kernel [kh·kw·cin, cout]), and keeps
 *
 *   L ← L + G Gᵀ,  R ← R + Gᵀ G  (accumulated, as in the paper's Algorithm 1)
 *
 * and steps along L^(−1/p) G R^(−1/p), with p = 2 × the sides preconditioned (4 for a
 * matrix, 2 for a vector: full-matrix AdaGrad). The inverse roots are recomputed every
 * `updateEvery` steps by a coupled Newton iteration of matrix products (inverseRoot), so no
 * eigendecomposition and no read back: it runs on every backend. As is commonly done:
 * - a side of size 1, or longer than `maxPreconditionerDim`, is not preconditioned (its
 *   statistics would cost dim³ per refresh; the distributed implementation blocks it instead),
 * - each root is of L + ε‖L‖_F·I (a ridge relative to the statistics' scale),
 * - the step is grafted onto AdaGrad's: Shampoo's direction, rescaled per weight to the norm
 *   of the diagonal AdaGrad step g / (√Σg² + 1e-10), times the learning rate. Grafting makes the
 *   learning rate mean what it means for AdaGrad, whatever the preconditioners' scale.
 */
export interface ShampooOptions {
  learningRate: number;
  /** Steps between refreshes of the inverse roots (the first step computes them). */
  updateEvery: number;
  /** The ridge, relative to the Frobenius norm of the statistics. */
  epsilon: number;
  /** Sides longer than this are not preconditioned. */
  maxPreconditionerDim: number;
  /** Newton iterations per inverse root. */
  newtonIterations: number;
}

/** The defaults the lab trains with (train.optimizer "shampoo"). */
export const SHAMPOO_DEFAULTS: Omit<ShampooOptions, 'learningRate'> = {
  updateEvery: 10,
  epsilon: 1e-4,
  maxPreconditionerDim: 256,
  // The ridge bounds the condition number by about 1/epsilon: the smallest eigenvalue grows
  // about 2.4× an iteration (p = 4) until it nears 1, then the error squares; 25 leave
  // a margin (a unit test compares the roots with exact ones).
  newtonIterations: 25,
};

/** AdaGrad's epsilon in the grafted step. */
const GRAFT_EPSILON = 1e-10;
/** Keeps the ridge and the scaling finite when a weight's gradients have all been zero. */
const TINY = 1e-30;

/**
 * (A + ε‖A‖_F·I)^(−1/p) for a symmetric positive semi-definite A, by the coupled Newton
 * iteration of Guo & Higham (2006) as the Shampoo implementations write it: M₀ = zA,
 * H₀ = z^(1/p)·I with z = (1+p) / (2‖A‖_F), then Mᵢ = (1 + 1/p)I − M/p, M ← Mᵢᵖ M, H ← H Mᵢ;
 * M tends to I and H to A^(−1/p). Call inside tf.tidy.
 */
export function inverseRoot(
  matrix: tf.Tensor2D,
  p: number,
  epsilon: number,
  iterations: number,
): tf.Tensor2D {
  const size = matrix.shape[0];
  const identity = tf.eye(size);
  const ridge = tf.maximum(tf.mul(tf.norm(matrix), epsilon), TINY);
  const damped: tf.Tensor2D = tf.add(matrix, tf.mul(identity, ridge));
  const z = tf.div(tf.scalar((1 + p) / 2), tf.maximum(tf.norm(damped), TINY));
  let m = tf.mul(damped, z) as tf.Tensor2D;
  let h = tf.mul(identity, tf.pow(z, 1 / p)) as tf.Tensor2D;
  for (let i = 0; i < iterations; i++) {
    const mi = tf.sub(tf.mul(identity, 1 + 1 / p), tf.div(m, p)) as tf.Tensor2D;
    m = tf.matMul(matrixPower(mi, p), m);
    h = tf.matMul(h, mi);
  }
  return h;
}

/** A square matrix to a small positive integer power, by repeated squaring. */
function matrixPower(matrix: tf.Tensor2D, power: number): tf.Tensor2D {
  let result: tf.Tensor2D | undefined;
  let base = matrix;
  for (let e = power; e > 0; e >>= 1) {
    if (e & 1) result = result ? (tf.matMul(result, base) as tf.Tensor2D) : base;
    if (e > 1) base = tf.matMul(base, base);
  }
  return result ?? (tf.eye(matrix.shape[0]) as tf.Tensor2D);
}

/** A weight's shape as Shampoo's matrix: [all but the last axis, the last axis]. */
export function matrixShape(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  const last = shape[shape.length - 1] as number;
  return [shape.slice(0, -1).reduce((a, b) => a * b, 1), last];
}

interface Side {
  statistics: tf.Variable;
  root: tf.Variable;
}

interface WeightState {
  rows: number;
  columns: number;
  left?: Side;
  right?: Side;
  /** The exponent's denominator p: 2 per preconditioned side. */
  p: number;
  /** AdaGrad's Σg², for the grafted step's norm. */
  graft: tf.Variable;
}

export class ShampooOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'EmcShampoo';
  }

  /** Read on every step (setLearningRate relies on it). */
  learningRate: number;
  readonly options: ShampooOptions;
  private readonly states = new Map<string, WeightState>();
  private steps = 0;

  constructor(options: Partial<ShampooOptions> & { learningRate: number }) {
    super();
    this.options = { ...SHAMPOO_DEFAULTS, ...options };
    this.learningRate = options.learningRate;
  }

  applyGradients(gradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const named = Array.isArray(gradients)
      ? gradients.map(({ name, tensor }) => [name, tensor] as const)
      : Object.entries(gradients);
    const refresh = this.steps % this.options.updateEvery === 0;
    for (const [name, gradient] of named) {
      if (gradient == null) continue;
      const value = tf.engine().registeredVariables[name] as tf.Variable;
      const state = this.stateFor(name, value.shape);
      tf.tidy(() => this.update(value, gradient, state, refresh));
    }
    this.steps++;
    this.incrementIterations();
  }

  private update(value: tf.Variable, gradient: tf.Tensor, state: WeightState, refresh: boolean) {
    const { epsilon, newtonIterations } = this.options;
    const g = gradient.reshape([state.rows, state.columns]) as tf.Tensor2D;
    const { left, right, p } = state;
    if (left) left.statistics.assign(tf.add(left.statistics, tf.matMul(g, g, false, true)));
    if (right) right.statistics.assign(tf.add(right.statistics, tf.matMul(g, g, true, false)));
    if (refresh) {
      for (const side of [left, right]) {
        if (side) {
          side.root.assign(
            inverseRoot(side.statistics as tf.Tensor2D, p, epsilon, newtonIterations),
          );
        }
      }
    }
    let direction: tf.Tensor2D = g;
    if (left) direction = tf.matMul(left.root as tf.Tensor2D, direction);
    if (right) direction = tf.matMul(direction, right.root as tf.Tensor2D);
    state.graft.assign(tf.add(state.graft, tf.square(g)));
    const grafted = tf.div(g, tf.add(tf.sqrt(state.graft), GRAFT_EPSILON));
    const scale = tf.div(tf.norm(grafted), tf.maximum(tf.norm(direction), TINY));
    const step = tf.mul(direction, tf.mul(scale, this.learningRate));
    value.assign(tf.sub(value, step.reshape(value.shape)));
  }

  private stateFor(name: string, shape: readonly number[]): WeightState {
    const known = this.states.get(name);
    if (known) return known;
    const [rows, columns] = matrixShape(shape);
    const side = (dim: number): Side | undefined =>
      dim > 1 && dim <= this.options.maxPreconditionerDim
        ? tf.tidy(() => ({
            statistics: tf.variable(tf.zeros([dim, dim]), false),
            root: tf.variable(tf.eye(dim), false),
          }))
        : undefined;
    const left = side(rows);
    const right = side(columns);
    const state: WeightState = {
      rows,
      columns,
      left,
      right,
      p: 2 * ((left ? 1 : 0) + (right ? 1 : 0)) || 1,
      graft: tf.tidy(() => tf.variable(tf.zeros([rows, columns]), false)),
    };
    this.states.set(name, state);
    return state;
  }

  override dispose(): void {
    for (const state of this.states.values()) {
      for (const side of [state.left, state.right]) {
        if (side) tf.dispose([side.statistics, side.root]);
      }
      state.graft.dispose();
    }
    this.states.clear();
  }

  override async getWeights(): Promise<{ name: string; tensor: tf.Tensor }[]> {
    throw new Error('the Shampoo optimizer is not saved with a model');
  }

  override async setWeights(): Promise<void> {
    throw new Error('the Shampoo optimizer is not restored with a model');
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...this.options, learningRate: this.learningRate };
  }
}
