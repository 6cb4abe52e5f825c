import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { tuneWasmKernels } from '../kernels/wasmKernels.ts';
import { planModel } from '../models/index.ts';
import { ACTIVATIONS, type Activation } from '../experiment/index.ts';
import { autodiffAgreement, normalTensor, probesBesideAutodiff } from '../testFixtures.ts';
import { fullBatchSurface } from './curvature.ts';
import { trainableVariables } from './optimizers.ts';
import {
  autodiffStep,
  cnnStep,
  denseStep,
  stepGradientsFor,
  surfaceGradientsFor,
  type StepGradients,
  type StepGradientsFn,
} from './stepGradients.ts';

function flat(step: StepGradients, names: string[]) {
  return {
    loss: step.loss.dataSync()[0] as number,
    hits: step.hits.dataSync()[0] as number,
    grads: names.map((name) => Array.from((step.grads[name] as tf.Tensor).dataSync())),
  };
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => {
    const reference = expected[i] as number;
    expect(Math.abs(value - reference)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(reference));
  });
}

describe('the written-out dense step', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const cases: [string, Activation, number, number[]][] = [
    ...ACTIVATIONS.map((a): [string, Activation, number, number[]] => ['cpu', a, 2, [5]]),
    ['cpu', 'relu', 0, [5]],
    ['cpu', 'relu', 1, [2, 2, 1]],
    ['wasm', 'relu', 2, [5]],
    ['wasm', 'tanh', 1, [2, 2, 1]],
  ];
  it.each(cases)(
    'on %s, %s, depth %i, input %j: the loss, hits and gradients of tfjs autodiff',
    async (backend, activation, depth, inputShape) => {
      await tf.setBackend(backend);
      if (backend === 'wasm') tuneWasmKernels();
      const plan = planModel({ family: 'mlp', depth, activation }, 7, inputShape, 3);
      expect(plan.dense).toEqual({ activation });
      const model = plan.build(4);
      const weights = trainableVariables(model);
      const names = weights.map((w) => w.name);
      const before = tf.memory().numTensors;
      const [dense, reference] = tf.tidy(() => {
        const x = normalTensor([9, ...inputShape], 1);
        const labels = tf.tensor1d([0, 1, 2, 2, 1, 0, 0, 1, 2], 'int32');
        const targets = tf.oneHot(labels, 3).toFloat();
        return [
          flat(denseStep(weights, activation)(x, labels, targets), names),
          flat(autodiffStep(model, weights)(x, labels, targets), names),
        ];
      });
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
      expect(dense.hits).toBe(reference.hits);
      expectClose([dense.loss], [reference.loss]);
      dense.grads.forEach((g, i) => expectClose(g, reference.grads[i] as number[]));
    },
  );

  it('trains probes to the outcomes of the autodiff step', async () => {
    await tf.setBackend('cpu');
    // The written-out step, not the fused one that cpu probes take by default.
    const { candidate, autodiff } = await probesBesideAutodiff({ fusedStep: false });
    const agreement = autodiffAgreement(candidate, autodiff);
    expect(agreement.verdicts).toEqual(agreement.reference);
    expect(agreement.distinctVerdicts).toBe(2);
    expect(agreement.epochsClose).toBe(true);
  });
});

describe('the written-out CNN step', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  // [backend, activation, depth, width, one sample's shape, the stages that pool]
  const cases: [string, Activation, number, number, number[], boolean[]][] = [
    ...ACTIVATIONS.map((a): [string, Activation, number, number, number[], boolean[]] => [
      'cpu',
      a,
      2,
      2,
      [6, 6, 2],
      [true, true],
    ]),
    ['cpu', 'relu', 1, 3, [7, 7, 1], [true]],
    ['cpu', 'linear', 2, 2, [7, 7, 1], [true, true]],
    ['cpu', 'tanh', 1, 2, [4, 5, 3], [true]],
    // 28×28 MNIST-like digits, scaled down; 2 → 1 pools once, then not.
    ['cpu', 'relu', 2, 2, [14, 14, 1], [true, true]],
    ['cpu', 'relu', 2, 2, [2, 2, 3], [true, false]],
    ['cpu', 'tanh', 2, 2, [3, 1, 2], [false, false]],
    ['wasm', 'relu', 1, 3, [7, 7, 1], [true]],
    ['wasm', 'relu', 2, 2, [8, 8, 3], [true, true]],
    ['wasm', 'tanh', 2, 2, [6, 6, 1], [true, true]],
    ['wasm', 'linear', 2, 2, [5, 4, 3], [true, true]],
    ['wasm', 'relu', 2, 2, [2, 2, 3], [true, false]],
  ];
  it.each(cases)(
    'on %s, %s, depth %i, width %i, input %j: the loss, hits and gradients of tfjs autodiff on cpu',
    async (backend, activation, depth, width, inputShape, pooled) => {
      /** One step of the model built from seed 4 on the current backend. */
      const stepOf = (take: (model: tf.LayersModel, weights: tf.Variable[]) => StepGradientsFn) => {
        const plan = planModel({ family: 'cnn', depth, activation }, width, inputShape, 3);
        const model = plan.build(4);
        const weights = trainableVariables(model);
        const before = tf.memory().numTensors;
        const result = tf.tidy(() => {
          const x = normalTensor([9, ...inputShape], 1);
          const labels = tf.tensor1d([0, 1, 2, 2, 1, 0, 0, 1, 2], 'int32');
          const targets = tf.oneHot(labels, 3).toFloat();
          return flat(
            take(model, weights)(x, labels, targets),
            weights.map((w) => w.name),
          );
        });
        expect(tf.memory().numTensors).toBe(before);
        model.dispose();
        return { plan, ...result };
      };
      // The reference is autodiff on cpu: tfjs-wasm's own MaxPoolGrad is wrong where a
      // window's maximum is negative (kernels/maxPoolGrad.test.ts), so autodiff there is too.
      await tf.setBackend('cpu');
      const reference = stepOf(autodiffStep);
      await tf.setBackend(backend);
      if (backend === 'wasm') tuneWasmKernels();
      const written = stepOf((_, weights) => cnnStep(weights, { activation, inputShape, pooled }));
      const chosen = stepOf((model, weights) => stepGradientsFor(model, weights, written.plan));
      expect(written.plan.cnn).toEqual({ activation, inputShape, pooled });
      expect(written.plan.dense).toBeUndefined();
      expect(written.hits).toBe(reference.hits);
      expectClose([written.loss], [reference.loss]);
      expect(written.grads.length).toBe(2 * depth + 2);
      written.grads.forEach((g, i) => expectClose(g, reference.grads[i] as number[]));
      chosen.grads.forEach((g, i) => expectClose(g, reference.grads[i] as number[]));
    },
  );

  it.each(['cpu', 'wasm'])(
    'on %s, gives the full-batch loss surface the gradient of autodiff on cpu (a tanh CNN)',
    async (backend) => {
      const gradientOn = async (name: string, written: boolean) => {
        await tf.setBackend(name);
        if (name === 'wasm') tuneWasmKernels();
        const plan = planModel({ family: 'cnn', depth: 2, activation: 'tanh' }, 2, [6, 6, 1], 3);
        const model = plan.build(4);
        const weights = trainableVariables(model);
        const x = normalTensor([9, 6, 6, 1], 1);
        const labels = tf.tensor1d([0, 1, 2, 2, 1, 0, 0, 1, 2], 'int32');
        const gradientsOf = written ? surfaceGradientsFor(weights, plan, 3) : undefined;
        if (written) expect(gradientsOf).toBeDefined();
        const lossOf = (xb: tf.Tensor, lb: tf.Tensor1D) =>
          tf.losses.softmaxCrossEntropy(
            tf.oneHot(lb, 3),
            model.apply(xb) as tf.Tensor,
          ) as tf.Scalar;
        const surface = fullBatchSurface(weights, lossOf, x, labels, undefined, gradientsOf);
        const before = tf.memory().numTensors;
        const gradient = surface.gradient();
        const values = gradient.map((g) => Array.from(g.dataSync()));
        tf.dispose(gradient);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, labels]);
        model.dispose();
        return values;
      };
      const reference = await gradientOn('cpu', false);
      const written = await gradientOn(backend, true);
      expect(written.length).toBe(6);
      written.forEach((g, i) => expectClose(g, reference[i] as number[]));
    },
  );

  it('leaves the surface of other models to autodiff', () => {
    const plan = planModel({ family: 'mlp', depth: 1, activation: 'relu' }, 3, [6], 3);
    expect(surfaceGradientsFor([], plan, 3)).toBeUndefined();
  });

  it('is told apart from autodiff by the tolerance: a wrong gradient fails it', async () => {
    await tf.setBackend('cpu');
    const plan = planModel({ family: 'cnn', depth: 2, activation: 'relu' }, 2, [6, 6, 1], 3);
    const model = plan.build(4);
    const weights = trainableVariables(model);
    const names = weights.map((w) => w.name);
    // The layout off by one pooling stage: another architecture's gradients (or an error).
    const [written, reference] = tf.tidy(() => {
      const x = normalTensor([9, 6, 6, 1], 1);
      const labels = tf.tensor1d([0, 1, 2, 2, 1, 0, 0, 1, 2], 'int32');
      const targets = tf.oneHot(labels, 3).toFloat();
      const layout = { activation: 'tanh' as const, inputShape: [6, 6, 1], pooled: [true, true] };
      return [
        flat(cnnStep(weights, layout)(x, labels, targets), names),
        flat(autodiffStep(model, weights)(x, labels, targets), names),
      ];
    });
    model.dispose();
    expect(() =>
      written.grads.forEach((g, i) => expectClose(g, reference.grads[i] as number[])),
    ).toThrow();
  });

  it.each(['cpu', 'wasm'])(
    'on %s, trains probes to the outcomes of the autodiff step',
    async (backend) => {
      await tf.setBackend(backend);
      if (backend === 'wasm') tuneWasmKernels();
      const { candidate, autodiff, leaked } = await probesBesideAutodiff({}, 'cnn');
      const agreement = autodiffAgreement(candidate, autodiff);
      expect(agreement.verdicts).toEqual(agreement.reference);
      expect(agreement.distinctVerdicts).toBe(2);
      expect(agreement.epochsClose).toBe(true);
      expect(leaked).toBe(0);
    },
  );
});
