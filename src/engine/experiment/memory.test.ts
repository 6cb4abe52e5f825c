import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { planModel } from '../models/index.ts';
import { type SpecOverrides, specFixture } from '../testFixtures.ts';
import { fitProbe } from '../train/fitProbe.ts';
import { fitProbesStacked } from '../train/stackedProbes.ts';
import { specMemory } from './schema.ts';
import { parseSpec } from './validate.ts';

/**
 * What the estimate is held to: the memory a probe at the spec's worst case really takes
 * (the widest model, N = the whole pool, so full batches are as large as they get), measured
 * on the cpu backend as the host copy of the pool plus tf.profile's peakBytes, the most
 * bytes of tensors alive at once during the probe: training steps, fit checks and the
 * convergence check. On cpu every tensor is a JS typed array, so this is the part of the
 * resident size that grows with the spec; process RSS would add the runtime and tfjs'
 * code, and it moves with the garbage collector, so it could not hold a 1.5× bound.
 */
async function measuredBytes(spec: ReturnType<typeof specFixture>): Promise<number> {
  const { inputShape, classes, poolSize } = spec.data;
  const features = inputShape.reduce((a, b) => a * b, 1);
  const host = Float32Array.from({ length: poolSize * features }, (_, i) => Math.sin(i));
  const pool = {
    x: tf.tensor(host, [poolSize, ...inputShape]),
    y: tf.tensor1d(
      Array.from({ length: poolSize }, (_, i) => i % classes),
      'int32',
    ),
  };
  const plan = planModel(spec.model, Math.max(...spec.sweep.widths), [...inputShape], classes);
  const order = Int32Array.from({ length: poolSize }, (_, i) => i);
  const members = spec.search.parallel ?? 1;
  // The tfjs step, the larger case: the fused step of small MLPs (train/fusedProbeStep.ts)
  // keeps weights and batches in plain arrays that tf.profile does not see, and needs less.
  const common = { plan, pool, classes, order, train: spec.train, seed: 1, fusedStep: false };
  const profile = await tf.profile(async () => {
    if (members > 1)
      await fitProbesStacked({ ...common, ns: Array<number>(members).fill(poolSize) });
    else await fitProbe({ ...common, n: poolSize });
  });
  tf.dispose([pool.x, pool.y]);
  return profile.peakBytes + host.byteLength;
}

function estimatedBytes(spec: ReturnType<typeof specFixture>): number {
  return specMemory(spec).total;
}

const fullBatch = { batchSize: 'full' as const, maxSteps: 2, optimizer: 'adam' as const };
const gaussian = (inputShape: number[], poolSize: number) => ({
  source: 'gaussian' as const,
  inputShape,
  classes: 4,
  poolSize,
});

describe('the memory estimate', () => {
  it.each<[string, SpecOverrides]>([
    [
      'a CNN (im2col columns)',
      {
        data: gaussian([16, 16, 3], 64),
        model: { family: 'cnn', depth: 2 },
        sweep: { widths: [8] },
      },
    ],
    [
      'a ViT (attention)',
      {
        data: gaussian([16, 16, 1], 64),
        model: { family: 'vit', depth: 2 },
        sweep: { widths: [16] },
      },
    ],
    [
      'a stacked MLP (4 members)',
      {
        data: gaussian([64], 512),
        model: { family: 'mlp', depth: 2 },
        sweep: { widths: [64] },
        search: { precision: 0.1, seeds: 1, parallel: 4 },
      },
    ],
    [
      'an MLP in a dense random subspace (P is D × d floats)',
      {
        data: gaussian([32], 128),
        model: { family: 'mlp', depth: 1, subspace: { dimension: 1500, projection: 'dense' } },
        sweep: { widths: [64] },
      },
    ],
    [
      'an MLP in a sparse random subspace',
      {
        data: gaussian([32], 128),
        model: { family: 'mlp', depth: 1, subspace: { dimension: 1500, projection: 'sparse' } },
        sweep: { widths: [64] },
      },
    ],
    [
      'an MLP with 4-bit weights (float shadows)',
      {
        data: gaussian([32], 128),
        model: { family: 'mlp', depth: 1, precision: { bits: 4 } },
        sweep: { widths: [64] },
      },
    ],
  ])('is at least, and within 1.5× of, what %s takes', async (_, overrides) => {
    const spec = specFixture({ ...overrides, train: fullBatch });
    const tensors = tf.memory().numTensors;
    const measured = await measuredBytes(spec);
    const estimated = estimatedBytes(spec);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(estimated / measured).toBeGreaterThanOrEqual(1);
    expect(estimated / measured).toBeLessThanOrEqual(1.5);
  });

  it('counts a dense projection and refuses one that would not fit, naming it', () => {
    const spec = (projection: 'dense' | 'sparse', dimension = 4000) => ({
      version: 3,
      seed: 1,
      data: { source: 'gaussian', inputShape: [784], classes: 10, poolSize: 1000 },
      model: { family: 'mlp', depth: 2, subspace: { dimension, projection } },
      sweep: { widths: [256] },
      train: { optimizer: 'adam', learningRate: 0.01, batchSize: 64 },
      search: { precision: 0.1, seeds: 1 },
    });
    // 784-256-256-10: 269,322 weights; P at d = 4000 is 4.3 GB dense, 2 MB sparse.
    expect(() => parseSpec(spec('dense'))).toThrow(
      /model\.subspace\.projection: .*dense random projection \(4\.0 GB\).*the sparse projection/,
    );
    const sparse = parseSpec(spec('sparse'));
    const dense = parseSpec(spec('dense', 100));
    expect(specMemory(dense).model - specMemory(sparse).model).toBeGreaterThan(269_322 * 4 * 90);
  });

  it('refuses a full-batch CNN on 128×128×3 images whose im2col columns take gigabytes', () => {
    // 1,000 samples × 442,368 column values × 4 bytes is 1.8 GB per copy of the columns.
    expect(() =>
      parseSpec({
        version: 3,
        seed: 1,
        data: { source: 'gaussian', inputShape: [128, 128, 3], classes: 2, poolSize: 1000 },
        model: { family: 'cnn', depth: 1 },
        sweep: { widths: [1] },
        train: { optimizer: 'adam', learningRate: 0.01, batchSize: 'full' },
        search: { precision: 0.1, seeds: 1 },
      }),
    ).toThrow(/would need about [\d.]+ GB of memory/);
  });
});
