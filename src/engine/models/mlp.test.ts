import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../experiment/index.ts';
import { planModel } from './index.ts';
import { buildMlp, type MlpShape } from './mlp.ts';
import { parameterCount } from '../experiment/modelShapes.ts';

const mlpParameterCount = (s: MlpShape) =>
  parameterCount({
    family: 'mlp',
    inputShape: [s.inputFeatures],
    depth: s.depth,
    width: s.width,
    classes: s.classes,
  });

describe('MLP parameter count', () => {
  it.each([
    // [inputShape, depth, width, classes, closed form written out by hand]
    [[20], 0, 64, 2, 21 * 2],
    [[20], 1, 8, 2, 21 * 8 + 9 * 2],
    [[20], 2, 4, 2, 21 * 4 + 5 * 4 + 5 * 2],
    [[10], 3, 16, 10, 11 * 16 + 2 * 17 * 16 + 17 * 10],
    [[28, 28, 1], 2, 32, 10, 785 * 32 + 33 * 32 + 33 * 10],
  ])(
    'input %j, depth %i, width %i, %i classes has %i parameters',
    (shape, depth, width, classes, expected) => {
      const count = mlpParameterCount({
        inputFeatures: shape.reduce((a, b) => a * b, 1),
        depth,
        width,
        classes,
      });
      expect(count).toBe(expected);
      const plan = planModel({ family: 'mlp', depth, activation: 'relu' }, width, shape, classes);
      const model = plan.build(1);
      expect(plan.parameterCount).toBe(expected);
      expect(model.countParams()).toBe(expected);
      model.dispose();
    },
  );
});

describe('buildMlp', () => {
  it.each(ACTIVATIONS)('builds with %s and maps a batch to one logit per class', (activation) => {
    const shape = { inputFeatures: 6, depth: 2, width: 5, classes: 3 };
    const model = buildMlp([6], shape, activation, 4);
    const logits = tf.tidy(() => model.predict(tf.ones([7, 6])) as tf.Tensor);
    expect(logits.shape).toEqual([7, 3]);
    expect(model.countParams()).toBe(mlpParameterCount(shape));
    logits.dispose();
    model.dispose();
  });

  it('gives the same weights for the same seed and different ones for another seed', () => {
    const shape = { inputFeatures: 4, depth: 1, width: 3, classes: 2 };
    const weights = (seed: number) => {
      const model = buildMlp([4], shape, 'relu', seed);
      const values = Array.from(model.getWeights()[0]?.dataSync() ?? []);
      model.dispose();
      return values;
    };
    expect(weights(11)).toEqual(weights(11));
    expect(weights(11)).not.toEqual(weights(12));
  });

  it('leaves no tensors behind once disposed', () => {
    const before = tf.memory().numTensors;
    buildMlp([3, 3], { inputFeatures: 9, depth: 2, width: 4, classes: 2 }, 'gelu', 1).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
