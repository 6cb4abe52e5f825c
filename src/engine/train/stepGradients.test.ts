import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { tuneWasmKernels } from '../kernels/wasmKernels.ts';
import { planModel } from '../models/index.ts';
import { ACTIVATIONS, type Activation } from '../experiment/index.ts';
import { autodiffAgreement, normalTensor, probesBesideAutodiff } from '../testFixtures.ts';
import { trainableVariables } from './optimizers.ts';
import { autodiffStep, denseStep, type StepGradients } from './stepGradients.ts';

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
