import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelPlan, planModel, type ReparameterizationPlan } from '../models/index.ts';
import { createRng, permutation } from '../random.ts';
import { normalTensor, specFixture } from '../testFixtures.ts';
import { type DeviceSamples, fitProbe, type ProbeOutcome } from './fitProbe.ts';
import { createProjection, type ProjectionKind, quantize } from './reparameterize.ts';

// 40 Gaussian samples in 6 dimensions, labels by a fixed rule plus a few flips: a 6-4-3 MLP
// (43 weights) fits the first few dozen, not all.
let pool: DeviceSamples;
beforeAll(() => {
  pool = tf.tidy(() => {
    const x = normalTensor([40, 6], 4);
    const rule = x.slice([0, 0], [-1, 1]).reshape([-1]).greater(0).toInt();
    const flips = tf.tensor1d(
      Int32Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? 1 : 0)),
      'int32',
    );
    return { x, y: tf.add(rule, flips).mod(3).toInt() as tf.Tensor1D };
  });
});
afterAll(() => tf.dispose([pool.x, pool.y]));

const plain = planModel({ family: 'mlp', depth: 1, activation: 'relu' }, 4, [6], 3);
const withPlan = (reparameterization: ReparameterizationPlan): ModelPlan => ({
  ...plain,
  reparameterization,
});
const order = permutation(40, createRng(5));

function probe(plan: ModelPlan, n: number, optimizer: 'adam' | 'sgd' = 'adam') {
  return fitProbe({
    plan,
    pool,
    classes: 3,
    n,
    order,
    train: specFixture({
      train: { optimizer, learningRate: 0.05, batchSize: 8, maxSteps: 3000 },
    }).train,
    seed: 3,
    fusedStep: false,
  });
}

/** The outcome without its wall time, the only field two equal trainings may differ in. */
const timeless = ({ wallMs: _, ...rest }: ProbeOutcome) => rest;

describe('random-subspace training', () => {
  it('with P the identity and d = D trains exactly as ordinary training', async () => {
    expect(plain.parameterCount).toBe(43);
    const identity = withPlan({ kind: 'subspace', dimension: 43, projection: 'identity' });
    for (const n of [12, 40]) {
      const ordinary = await probe(plain, n);
      const subspace = await probe(identity, n);
      // θ₀ + z and θ accumulate the same steps in a different order: equal up to float
      // rounding, which must not change any verdict or count.
      expect(subspace).toMatchObject({
        fits: ordinary.fits,
        stopReason: ordinary.stopReason,
        steps: ordinary.steps,
        finalAccuracy: ordinary.finalAccuracy,
      });
      expect(subspace.finalLoss).toBeCloseTo(ordinary.finalLoss, 4);
    }
  });

  it.each(['dense', 'sparse'] as const)(
    'has a %s projection of unit-norm columns whose contraction is its transpose',
    (kind: ProjectionKind) => {
      const before = tf.memory().numTensors;
      const projection = createProjection(kind, 50, 7, 11);
      tf.tidy(() => {
        // Column j is P e_j.
        for (let j = 0; j < 7; j++) {
          const column = projection.expand(tf.oneHot(j, 7).toFloat() as tf.Tensor1D);
          const norm = tf.norm(column).dataSync()[0] as number;
          // A sparse column no weight hashed to is zero; with 50 weights in 7 columns, none.
          expect(norm).toBeCloseTo(1, 5);
        }
        // ⟨P z, g⟩ = ⟨z, Pᵀ g⟩ for any z and g.
        const z = normalTensor([7], 1) as tf.Tensor1D;
        const g = normalTensor([50], 2) as tf.Tensor1D;
        const left = tf.sum(tf.mul(projection.expand(z), g)).dataSync()[0] as number;
        const right = tf.sum(tf.mul(z, projection.contract(g))).dataSync()[0] as number;
        expect(left).toBeCloseTo(right, 4);
      });
      projection.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('fits less in a small subspace than with every weight, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const full = await probe(plain, 24);
    expect(full.fits).toBe(true);
    for (const projection of ['dense', 'sparse'] as const) {
      const small = await probe(withPlan({ kind: 'subspace', dimension: 2, projection }), 24);
      expect(small.fits).toBe(false);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('low-precision weights', () => {
  it('at 32 bits (no rounding) trains exactly as ordinary training', async () => {
    const bits32 = withPlan({ kind: 'precision', bits: 32 });
    for (const n of [12, 40]) {
      expect(timeless(await probe(bits32, n))).toEqual(timeless(await probe(plain, n)));
    }
  });

  it('rounds each weight tensor to 2^(bits−1) − 1 levels either side of zero, keeping its largest magnitude', () => {
    tf.tidy(() => {
      const weight = normalTensor([200], 8);
      const largest = tf.max(tf.abs(weight)).dataSync()[0] as number;
      for (const bits of [2, 4, 8]) {
        const rounded = quantize(weight, bits).dataSync();
        const levels = new Set(Array.from(rounded, (v) => Math.round((v / largest) * 1e6)));
        expect(levels.size).toBeLessThanOrEqual(2 ** bits - 1);
        expect(Math.max(...Array.from(rounded, Math.abs))).toBeCloseTo(largest, 5);
      }
      expect(new Set(quantize(weight, 2).dataSync()).size).toBe(3);
    });
  });

  it('trains the rounded model with float shadow weights, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const outcome = await probe(withPlan({ kind: 'precision', bits: 8 }), 12);
    expect(outcome.fits).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
