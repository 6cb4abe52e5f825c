import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { planModel } from '../models/index.ts';
import { createRng, permutation } from '../random.ts';
import type { Activation, TrainSpec } from '../experiment/index.ts';
import {
  autodiffAgreement,
  normalTensor,
  probesBesideAutodiff,
  specFixture,
} from '../testFixtures.ts';
import type { ProbeOutcome } from '../train/fitProbe.ts';
import { fusedStepApplies } from '../train/fusedProbeStep.ts';
import {
  applyDecoupledWeightDecay,
  createOptimizer,
  disposeOptimizer,
  setLearningRate,
  trainableVariables,
} from '../train/optimizers.ts';
import { denseStep } from '../train/stepGradients.ts';
import { tuneWasmKernels } from './wasmKernels.ts';
import { FusedDenseStep, type FusedActivation, type FusedOptimizer } from './fusedDenseStep.ts';

/**
 * The tolerance both ways of training are held to: |fused − tfjs| ≤ 1e-5 + 1e-4 · |tfjs|.
 * The two sum each product's terms in a different order (tfjs' blocked matMul and XNNPACK,
 * the fused step row by row), so every gradient differs by float32 rounding (a few units of
 * 2^-24 times the number of terms); k steps of training carry those differences into the
 * weights, and Adam's and RMSprop's division by the gradient's running size turns a small
 * relative difference of a gradient into the same relative difference of its step. The
 * optimizers' own arithmetic is tfjs', rounded op for op.
 */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const reference = expected[i] as number;
    expect(Math.abs((actual[i] as number) - reference)).toBeLessThanOrEqual(
      1e-5 + 1e-4 * Math.abs(reference),
    );
  }
}

const STEPS = 12;
const SAMPLES = 24;
const BATCH = 8;
const CLASSES = 3;
const ADAM: Partial<TrainSpec> = { optimizer: 'adam', learningRate: 0.01 };

interface Trajectory {
  losses: number[];
  hits: number[];
  weights: Float32Array[];
}

/**
 * STEPS steps on shuffled batches of fixed data with a learning-rate cut halfway (as a
 * rejected plateau makes one), by the written-out tfjs step and tfjs' optimizers.
 */
function tfjsTrajectory(
  weights: tf.Variable[],
  activation: Activation,
  train: TrainSpec,
  x: tf.Tensor2D,
  labels: tf.Tensor1D,
  batches: Int32Array[],
): Trajectory {
  const optimizer = createOptimizer(train);
  const step = denseStep(weights, activation);
  const losses: number[] = [];
  const hits: number[] = [];
  batches.forEach((batch, i) => {
    const rate = i < STEPS / 2 ? train.learningRate : train.learningRate / 10;
    if (i === STEPS / 2) setLearningRate(optimizer, rate);
    const [loss, hit] = tf.tidy(() => {
      const idx = tf.tensor1d(batch, 'int32');
      const yb = tf.gather(labels, idx) as tf.Tensor1D;
      const result = step(tf.gather(x, idx), yb, tf.oneHot(yb, CLASSES));
      optimizer.applyGradients(result.grads);
      applyDecoupledWeightDecay(weights, train, rate);
      return [result.loss.dataSync()[0] as number, result.hits.dataSync()[0] as number];
    });
    losses.push(loss);
    hits.push(hit);
  });
  disposeOptimizer(optimizer);
  return { losses, hits, weights: weights.map((w) => w.dataSync() as Float32Array) };
}

function fusedTrajectory(
  initial: Float32Array[],
  sizes: number[],
  activation: FusedActivation,
  train: TrainSpec,
  x: Float32Array,
  labels: Int32Array,
  batches: Int32Array[],
): Trajectory {
  const step = new FusedDenseStep(
    {
      sizes,
      activation,
      optimizer: train.optimizer as FusedOptimizer,
      weightDecay: train.weightDecay,
      epsilon: tf.backend().epsilon(),
      batchSize: BATCH,
    },
    initial,
  );
  const losses: number[] = [];
  const hits: number[] = [];
  batches.forEach((batch, i) => {
    const rate = i < STEPS / 2 ? train.learningRate : train.learningRate / 10;
    const result = step.step(x, labels, batch, rate);
    losses.push(result.loss);
    hits.push(result.hits);
  });
  return { losses, hits, weights: step.params };
}

describe('the fused dense step', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const optimizers: [string, Partial<TrainSpec>][] = [
    ['sgd', { optimizer: 'sgd', learningRate: 0.1 }],
    ['momentum', { optimizer: 'momentum', learningRate: 0.05 }],
    ['adam', ADAM],
    ['adamw', { optimizer: 'adamw', learningRate: 0.01, weightDecay: 0.05 }],
    ['rmsprop', { optimizer: 'rmsprop', learningRate: 0.01 }],
    ['sgd with weight decay', { optimizer: 'sgd', learningRate: 0.1, weightDecay: 0.01 }],
  ];
  const models: [FusedActivation, number][] = [
    ['relu', 1],
    ['relu', 2],
    ['relu', 0],
    ['tanh', 1],
    ['sigmoid', 1],
    ['leakyRelu', 2],
    ['elu', 1],
    ['linear', 1],
  ];
  const cases = [
    ...optimizers.map(([name, train]) => ['cpu', name, 'relu', 1, train] as const),
    ...models.map(([activation, depth]) => ['cpu', 'adam', activation, depth, ADAM] as const),
    ...optimizers.map(([name, train]) => ['wasm', name, 'relu', 2, train] as const),
    ['wasm', 'adam', 'tanh', 1, ADAM] as const,
  ];

  it.each(cases)(
    'on %s, %s, %s depth %i: the losses, hits and weights after k steps of the tfjs step',
    async (backend, _name, activation, depth, trainFields) => {
      await tf.setBackend(backend);
      if (backend === 'wasm') tuneWasmKernels();
      const train = specFixture({ train: trainFields }).train;
      const plan = planModel({ family: 'mlp', depth, activation }, 6, [5], CLASSES);
      const model = plan.build(4);
      const weights = trainableVariables(model);
      const before = tf.memory().numTensors;
      const x = normalTensor([SAMPLES, 5], 1) as tf.Tensor2D;
      const labelValues = Int32Array.from({ length: SAMPLES }, (_, i) => (i * 7) % CLASSES);
      const labels = tf.tensor1d(labelValues, 'int32');
      const rng = createRng(9);
      const batches = Array.from({ length: STEPS }, () =>
        permutation(SAMPLES, rng).subarray(0, BATCH),
      );
      const initial = weights.map((w) => Float32Array.from(w.dataSync()));
      const sizes = [5, ...Array.from({ length: depth }, () => 6), CLASSES];
      const fused = fusedTrajectory(
        initial,
        sizes,
        activation,
        train,
        x.dataSync() as Float32Array,
        labelValues,
        batches,
      );
      const reference = tfjsTrajectory(weights, activation, train, x, labels, batches);
      tf.dispose([x, labels]);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before - weights.length);

      expect(fused.hits).toEqual(reference.hits);
      expectClose(fused.losses, reference.losses);
      fused.weights.forEach((w, i) => expectClose(w, reference.weights[i] as Float32Array));
      // The weights did move: k steps are not compared at their start.
      expect(fused.weights.some((w, i) => w.some((v, j) => v !== initial[i]?.[j]))).toBe(true);
    },
  );

  it('is used for dense probes where it is faster: always on cpu, small steps on wasm', () => {
    const small = planModel({ family: 'mlp', depth: 1, activation: 'relu' }, 32, [16], 4);
    const large = planModel({ family: 'mlp', depth: 1, activation: 'relu' }, 32, [784], 10);
    const gelu = planModel({ family: 'mlp', depth: 1, activation: 'gelu' }, 32, [16], 4);
    const cnn = planModel({ family: 'cnn', depth: 1, activation: 'relu' }, 4, [8, 8, 1], 4);
    expect(fusedStepApplies(small, { optimizer: 'adam' }, 400, 'wasm')).toBe(true);
    expect(fusedStepApplies(large, { optimizer: 'adam' }, 128, 'wasm')).toBe(false);
    expect(fusedStepApplies(large, { optimizer: 'adam' }, 128, 'cpu')).toBe(true);
    expect(fusedStepApplies(small, { optimizer: 'adam' }, 400, 'webgpu')).toBe(false);
    expect(fusedStepApplies(gelu, { optimizer: 'adam' }, 400, 'cpu')).toBe(false);
    expect(fusedStepApplies(cnn, { optimizer: 'adam' }, 400, 'cpu')).toBe(false);
  });

  it('leaves Shampoo to tfjs: its matrix roots are not written out', () => {
    const small = planModel({ family: 'mlp', depth: 1, activation: 'relu' }, 32, [16], 4);
    expect(fusedStepApplies(small, { optimizer: 'shampoo' }, 400, 'cpu')).toBe(false);
  });

  it.each(['cpu', 'wasm'])(
    'on %s trains probes to the outcomes of the autodiff step, without leaking tensors',
    async (backend) => {
      await tf.setBackend(backend);
      if (backend === 'wasm') tuneWasmKernels();
      const { plan, train, candidate, autodiff, leaked } = await probesBesideAutodiff({});
      expect(fusedStepApplies(plan, train, 8)).toBe(true);
      expect(leaked).toBe(0);
      const agreement = autodiffAgreement(candidate, autodiff);
      expect(agreement.verdicts).toEqual(agreement.reference);
      expect(agreement.distinctVerdicts).toBe(2);
      expect(agreement.epochsClose).toBe(true);
      candidate.forEach((o, i) => {
        const reference = autodiff[i] as ProbeOutcome;
        expect(o.initialGradNorm).toBeCloseTo(reference.initialGradNorm as number, 4);
      });
    },
    120_000,
  );
});
