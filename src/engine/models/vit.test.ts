import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.ts';
import { readSpec } from '../experiment/index.ts';
import { planModel } from './index.ts';
import { parameterCount } from '../experiment/modelShapes.ts';
import { multiHeadSelfAttention } from './vit.ts';

type Matrix = number[][];
/** Element (i, j), with out-of-range reads as NaN so a shape mistake fails the comparison. */
const at = (m: Matrix, i: number, j: number): number => m[i]?.[j] ?? Number.NaN;
const matmul = (a: Matrix, b: Matrix): Matrix =>
  a.map((row, i) =>
    (b[0] ?? []).map((_, j) => row.reduce((sum, _v, k) => sum + at(a, i, k) * at(b, k, j), 0)),
  );
const columns = (m: Matrix, from: number, to: number): Matrix =>
  m.map((row) => row.slice(from, to));

/** Plain-JS attention for one sample, the textbook way: the reference the tfjs version must match. */
function referenceAttention(
  x: Matrix,
  w: { q: Matrix; k: Matrix; v: Matrix; o: Matrix },
  heads: number,
): Matrix {
  const [q, k, v] = [matmul(x, w.q), matmul(x, w.k), matmul(x, w.v)];
  const headDim = (w.q[0]?.length ?? 0) / heads;
  const perHead: Matrix[] = [];
  for (let h = 0; h < heads; h++) {
    const [qh, kh, vh] = [q, k, v].map((m) => columns(m, h * headDim, (h + 1) * headDim)) as [
      Matrix,
      Matrix,
      Matrix,
    ];
    const scores = matmul(
      qh,
      kh[0] ? kh[0].map((_, c) => kh.map((row) => row[c] ?? Number.NaN)) : [],
    );
    const weights = scores.map((row) => {
      const exp = row.map((s) => Math.exp(s / Math.sqrt(headDim)));
      const total = exp.reduce((a, b) => a + b, 0);
      return exp.map((e) => e / total);
    });
    perHead.push(matmul(weights, vh));
  }
  const concatenated = x.map((_, i) => perHead.flatMap((head) => head[i] ?? []));
  return matmul(concatenated, w.o);
}

const identity = [
  [1, 0],
  [0, 1],
];

describe('multi-head self-attention', () => {
  it('matches a single-head attention computed by hand', () => {
    // Two tokens e1, e2 with identity projections: scores are I/√2, so token 1 takes
    // a = e^(1/√2) / (e^(1/√2) + 1) of itself and 1 - a of token 2.
    const a = Math.exp(Math.SQRT1_2) / (Math.exp(Math.SQRT1_2) + 1);
    const out = tf.tidy(() =>
      multiHeadSelfAttention(
        tf.tensor3d([identity]),
        {
          qkvKernel: tf.concat(
            [tf.tensor2d(identity), tf.tensor2d(identity), tf.tensor2d(identity)],
            1,
          ),
          qkvBias: tf.zeros([6]),
          outKernel: tf.tensor2d(identity),
          outBias: tf.zeros([2]),
        },
        1,
      ).arraySync(),
    );
    expect(a).toBeCloseTo(0.6698, 4);
    const [e1, e2] = out[0] ?? [];
    expect(e1?.[0]).toBeCloseTo(a, 5);
    expect(e1?.[1]).toBeCloseTo(1 - a, 5);
    expect(e2?.[0]).toBeCloseTo(1 - a, 5);
    expect(e2?.[1]).toBeCloseTo(a, 5);
  });

  it('matches the textbook computation with several heads, tokens and a batch', () => {
    const rand = (rows: number, cols: number, seed: number) =>
      tf.randomUniform([rows, cols], -1, 1, 'float32', seed).arraySync() as number[][];
    const [d, tokens, heads] = [6, 4, 3];
    const [wq, wk, wv, wo] = [rand(d, d, 1), rand(d, d, 2), rand(d, d, 3), rand(d, d, 4)];
    const batch = [rand(tokens, d, 5), rand(tokens, d, 6)];
    const out = tf.tidy(() =>
      multiHeadSelfAttention(
        tf.tensor3d(batch),
        {
          qkvKernel: tf.concat([tf.tensor2d(wq), tf.tensor2d(wk), tf.tensor2d(wv)], 1),
          qkvBias: tf.zeros([3 * d]),
          outKernel: tf.tensor2d(wo),
          outBias: tf.zeros([d]),
        },
        heads,
      ).arraySync(),
    );
    batch.forEach((x, b) => {
      const expected = referenceAttention(x, { q: wq, k: wk, v: wv, o: wo }, heads);
      expect(expected.flat()).toHaveLength(tokens * d);
      const actual = out[b]?.flat() ?? [];
      expected.flat().forEach((value, i) => expect(actual[i]).toBeCloseTo(value, 4));
    });
  });
});

describe('ViT', () => {
  it.each([
    // [input, depth, width, patch, heads, mlpRatio, classes]
    [[8, 8, 1], 1, 4, 4, 2, 2, 2],
    [[28, 28, 1], 2, 8, 7, 2, 2, 10],
    [[12, 12, 3], 3, 6, 3, 3, 1, 5],
    [[8, 8, 1], 0, 4, 4, 2, 2, 3],
  ])(
    'input %j, depth %i, width %i, patch %i, %i heads, MLP ratio %i: exact parameter count',
    (input, depth, width, patchSize, heads, mlpRatio, classes) => {
      const d = width;
      const m = mlpRatio * d;
      const [height = 0, side = 0, channels = 0] = input;
      const tokens = (height / patchSize) * (side / patchSize);
      const patch = patchSize * patchSize * channels;
      // Written out: patch projection + positions, per block 2 LNs, qkv, out, MLP; final LN, head.
      const expected =
        depth === 0
          ? (height * side * channels + 1) * classes
          : (patch + 1) * d +
            tokens * d +
            depth * (4 * d + (d + 1) * 3 * d + (d + 1) * d + (d + 1) * m + (m + 1) * d) +
            2 * d +
            (d + 1) * classes;
      const spec = {
        family: 'vit' as const,
        depth,
        activation: 'gelu' as const,
        patchSize,
        heads,
        mlpRatio,
      };
      const plan = planModel(spec, width, input, classes);
      expect(plan.parameterCount).toBe(expected);
      expect(
        parameterCount({
          family: 'vit',
          inputShape: input,
          depth,
          width,
          classes,
          patchSize,
          heads,
          mlpRatio,
        }),
      ).toBe(expected);
      const model = plan.build(7);
      expect(model.countParams()).toBe(expected);
      const logits = tf.tidy(() => model.predict(tf.randomNormal([3, ...input])) as tf.Tensor);
      expect(logits.shape).toEqual([3, classes]);
      expect(Number.isFinite(logits.sum().dataSync()[0])).toBe(true);
      logits.dispose();
      model.dispose();
    },
  );

  it('builds the same weights for the same seed', () => {
    const spec = { family: 'vit' as const, depth: 1, activation: 'relu' as const };
    const plan = planModel(spec, 4, [8, 8, 1], 2);
    const [a, b] = [plan.build(3), plan.build(3)];
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 1);
    const [ya, yb] = [a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor];
    expect(ya.arraySync()).toEqual(yb.arraySync());
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  const vitSpec = (model: Record<string, unknown>, widths = [4]) => ({
    version: 3,
    seed: 1,
    data: { source: 'gaussian', inputShape: [8, 8, 1], classes: 2, poolSize: 64 },
    model: { family: 'vit', depth: 1, ...model },
    sweep: { widths },
    train: {
      optimizer: 'adam',
      learningRate: 0.01,
      batchSize: 16,
      maxSteps: 240,
      patience: 20,
      minDelta: 0.001,
    },
    search: { precision: 0.25, seeds: 1, start: 8 },
  });

  it('refuses patches that do not tile the image, widths the heads do not divide, and ViT fields on other families', () => {
    const patch = readSpec(vitSpec({ patchSize: 3 }));
    expect(patch.ok ? [] : patch.errors).toEqual([
      'model.patchSize: 3 does not divide the 8×8 images into whole patches; pick a divisor of both sides',
    ]);
    const heads = readSpec(vitSpec({ heads: 4 }, [4, 6, 10]));
    expect(heads.ok ? [] : heads.errors).toEqual([
      'sweep.widths: ViT widths are embedding sizes split across 4 heads, so each must be a multiple of 4; 6, 10 are not',
    ]);
    const mlp = readSpec({ ...vitSpec({ family: 'mlp', heads: 2 }) });
    expect(mlp.ok ? [] : mlp.errors).toEqual([
      'model.heads: applies to ViT models only (model.family "vit"), not to MLPs',
    ]);
  });

  it('measures EMC end to end and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const results = await runExperiment(vitSpec({ patchSize: 4 }));
    expect(results.status).toBe('complete');
    expect(results.points[0]?.model).toBe('ViT 1×4d 2h p4 mlp8 relu');
    expect(results.points[0]?.emcMean).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
