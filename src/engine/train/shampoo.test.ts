import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random.ts';
import { inverseRoot, matrixShape, ShampooOptimizer, type ShampooOptions } from './shampoo.ts';

/** A dense float64 matrix, row-major. */
interface Matrix {
  rows: number;
  columns: number;
  data: Float64Array;
}

const matrix = (rows: number, columns: number, at: (i: number, j: number) => number): Matrix => {
  const data = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) data[i * columns + j] = at(i, j);
  return { rows, columns, data };
};
const get = (a: Matrix, i: number, j: number) => a.data[i * a.columns + j] as number;
const map = (a: Matrix, f: (x: number, i: number, j: number) => number) =>
  matrix(a.rows, a.columns, (i, j) => f(get(a, i, j), i, j));
const matMul = (a: Matrix, b: Matrix): Matrix =>
  matrix(a.rows, b.columns, (i, j) => {
    let sum = 0;
    for (let k = 0; k < a.columns; k++) sum += get(a, i, k) * get(b, k, j);
    return sum;
  });
const transpose = (a: Matrix): Matrix => matrix(a.columns, a.rows, (i, j) => get(a, j, i));
const add = (a: Matrix, b: Matrix) => map(a, (x, i, j) => x + get(b, i, j));
const frobenius = (a: Matrix) => Math.sqrt(a.data.reduce((s, x) => s + x * x, 0));

/** Eigenvalues and eigenvectors (columns) of a symmetric matrix, by cyclic Jacobi rotations. */
function symmetricEigen(input: Matrix): { values: number[]; vectors: Matrix } {
  const n = input.rows;
  const a = map(input, (x) => x);
  const v = matrix(n, n, (i, j) => (i === j ? 1 : 0));
  const set = (m: Matrix, i: number, j: number, x: number) => (m.data[i * n + j] = x);
  /** Rotates columns (or rows) p and q of m by (c, s). */
  const rotate = (m: Matrix, p: number, q: number, c: number, s: number, rows: boolean) => {
    for (let k = 0; k < n; k++) {
      const [ip, jp, iq, jq] = rows ? [p, k, q, k] : [k, p, k, q];
      const xp = get(m, ip, jp);
      const xq = get(m, iq, jq);
      set(m, ip, jp, c * xp - s * xq);
      set(m, iq, jq, s * xp + c * xq);
    }
  };
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += get(a, i, j) ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = get(a, p, q);
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (get(a, q, q) - get(a, p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotate(a, p, q, c, s, false);
        rotate(a, p, q, c, s, true);
        rotate(v, p, q, c, s, false);
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => get(a, i, i)), vectors: v };
}

/** (A + ε‖A‖_F·I)^(−1/p) from an exact eigendecomposition, in float64. */
function exactInverseRoot(a: Matrix, p: number, epsilon: number): Matrix {
  const ridge = Math.max(epsilon * frobenius(a), 1e-30);
  const { values, vectors } = symmetricEigen(map(a, (x, i, j) => x + (i === j ? ridge : 0)));
  return matrix(a.rows, a.rows, (i, j) =>
    values.reduce(
      (sum, value, k) => sum + get(vectors, i, k) * get(vectors, j, k) * value ** (-1 / p),
      0,
    ),
  );
}

interface ReferenceSide {
  stats: Matrix;
  root: Matrix;
}

/** Shampoo as shampoo.ts documents it, in float64 with exact inverse roots. */
class ReferenceShampoo {
  private readonly state: {
    left?: ReferenceSide;
    right?: ReferenceSide;
    p: number;
    graft: Matrix;
  }[];
  private steps = 0;

  constructor(
    private readonly options: ShampooOptions,
    shapes: [number, number][],
  ) {
    const side = (dim: number): ReferenceSide | undefined =>
      dim > 1 && dim <= options.maxPreconditionerDim
        ? { stats: matrix(dim, dim, () => 0), root: matrix(dim, dim, () => 0) }
        : undefined;
    this.state = shapes.map(([rows, columns]) => {
      const left = side(rows);
      const right = side(columns);
      return {
        left,
        right,
        p: 2 * ((left ? 1 : 0) + (right ? 1 : 0)) || 1,
        graft: matrix(rows, columns, () => 0),
      };
    });
  }

  step(weights: Matrix[], grads: Matrix[]): Matrix[] {
    const refresh = this.steps % this.options.updateEvery === 0;
    this.steps++;
    return weights.map((w, i) => {
      const g = grads[i] as Matrix;
      const s = this.state[i] as (typeof this.state)[number];
      if (s.left) s.left.stats = add(s.left.stats, matMul(g, transpose(g)));
      if (s.right) s.right.stats = add(s.right.stats, matMul(transpose(g), g));
      for (const side of [s.left, s.right]) {
        if (side && refresh) side.root = exactInverseRoot(side.stats, s.p, this.options.epsilon);
      }
      let direction = g;
      if (s.left) direction = matMul(s.left.root, direction);
      if (s.right) direction = matMul(direction, s.right.root);
      s.graft = add(
        s.graft,
        map(g, (x) => x * x),
      );
      const graft = s.graft;
      const grafted = map(g, (x, r, c) => x / (Math.sqrt(get(graft, r, c)) + 1e-10));
      const scale = frobenius(grafted) / Math.max(frobenius(direction), 1e-30);
      const rate = this.options.learningRate * scale;
      return map(w, (x, r, c) => x - rate * get(direction, r, c));
    });
  }
}

type Random = () => number;
const randomFrom =
  (rng: Rng): Random =>
  () =>
    rng.next();

const randomMatrix = (rng: Random, rows: number, columns: number, scale = 1): Matrix =>
  matrix(rows, columns, () => (rng() * 2 - 1) * scale);

/** The largest deviation from `expected`, relative to its Frobenius norm. */
const maxRelativeError = (actual: ArrayLike<number>, expected: Matrix) => {
  let worst = 0;
  expected.data.forEach((x, i) => (worst = Math.max(worst, Math.abs((actual[i] as number) - x))));
  return worst / frobenius(expected);
};

describe('Shampoo', () => {
  it('computes inverse fourth and square roots by Newton iteration as an exact eigendecomposition does', () => {
    const rng = randomFrom(createRng(7));
    const before = tf.memory().numTensors;
    for (const [size, p] of [
      [6, 4],
      [9, 2],
      [12, 4],
    ] as const) {
      // An ill-conditioned statistics matrix: a sum of a few outer products (rank-deficient).
      const g = randomMatrix(rng, size, 3, 2);
      const a = matMul(g, transpose(g));
      const expected = exactInverseRoot(a, p, 1e-4);
      const actual = tf.tidy(() =>
        inverseRoot(tf.tensor2d(Float32Array.from(a.data), [size, size]), p, 1e-4, 25).dataSync(),
      );
      expect(maxRelativeError(actual, expected)).toBeLessThan(2e-3);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes the steps of a float64 reference with exact inverse roots, every weight shape included', () => {
    const options: ShampooOptions = {
      learningRate: 0.1,
      updateEvery: 3,
      epsilon: 1e-4,
      // The [20, 3] kernel's 20 rows are not preconditioned: only its right side is (p = 2).
      maxPreconditionerDim: 16,
      newtonIterations: 25,
    };
    const shapes = [[5, 4], [4], [2, 2, 3, 5], [20, 3], [1]];
    const matrices = shapes.map(matrixShape);
    const rng = randomFrom(createRng(11));
    let reference = matrices.map(([r, c]) => randomMatrix(rng, r, c));
    const before = tf.memory().numTensors;
    const variables = tf.tidy(() =>
      shapes.map((shape, i) =>
        tf.variable(tf.tensor(Float32Array.from((reference[i] as Matrix).data), shape)),
      ),
    );
    const optimizer = new ShampooOptimizer(options);
    const referenceOptimizer = new ReferenceShampoo(options, matrices);
    for (let step = 0; step < 8; step++) {
      const grads = matrices.map(([r, c]) => randomMatrix(rng, r, c, 1 + step));
      tf.tidy(() =>
        optimizer.applyGradients(
          Object.fromEntries(
            variables.map((v, i) => [
              v.name,
              tf.tensor(Float32Array.from((grads[i] as Matrix).data), v.shape),
            ]),
          ),
        ),
      );
      reference = referenceOptimizer.step(reference, grads);
    }
    variables.forEach((v, i) => {
      expect(maxRelativeError(v.dataSync(), reference[i] as Matrix)).toBeLessThan(1e-3);
    });
    optimizer.dispose();
    tf.dispose(variables);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('converges on an ill-conditioned quadratic', () => {
    const rng = randomFrom(createRng(3));
    const before = tf.memory().numTensors;
    // loss(W) = ½ ⟨(W − W*), A (W − W*) B⟩ with A and B of condition number 100.
    const spd = (n: number) => {
      const q = symmetricEigen(
        matMul(randomMatrix(rng, n, n), transpose(randomMatrix(rng, n, n))),
      ).vectors;
      const spectrum = matrix(n, n, (i, j) => (i === j ? 10 ** ((2 * i) / (n - 1)) : 0));
      return matMul(matMul(q, spectrum), transpose(q));
    };
    const tensor = (m: Matrix) => tf.tensor2d(Float32Array.from(m.data), [m.rows, m.columns]);
    const a = tensor(spd(6));
    const b = tensor(spd(4));
    const target = tensor(randomMatrix(rng, 6, 4));
    const w = tf.tidy(() => tf.variable(tf.zeros([6, 4])));
    const loss = () =>
      tf.tidy(() => {
        const d = tf.sub(w, target);
        return tf.mul(0.5, tf.sum(tf.mul(d, tf.matMul(tf.matMul(a, d), b)))) as tf.Scalar;
      });
    const initial = tf.tidy(() => loss().dataSync()[0] as number);
    const optimizer = new ShampooOptimizer({ learningRate: 0.5 });
    for (let step = 0; step < 300; step++) tf.tidy(() => void optimizer.minimize(loss));
    const final = tf.tidy(() => loss().dataSync()[0] as number);
    expect(final).toBeLessThan(initial * 1e-4);
    optimizer.dispose();
    tf.dispose([a, b, target, w]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
