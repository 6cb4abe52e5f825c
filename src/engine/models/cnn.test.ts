import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.ts';
import { specFixture } from '../testFixtures.ts';
import { Conv3x3 } from './cnn.ts';
import { planModel } from './index.ts';
import { activationsPerSample, parameterCount } from '../experiment/modelShapes.ts';

describe('CNN', () => {
  it.each([
    // [input, depth, width, classes, count written out by hand]
    [[8, 8, 1], 1, 4, 2, (9 * 1 + 1) * 4 + (4 * 4 * 4 + 1) * 2],
    [[8, 8, 3], 2, 4, 10, (9 * 3 + 1) * 4 + (9 * 4 + 1) * 8 + (2 * 2 * 8 + 1) * 10],
    [[28, 28, 1], 3, 8, 10, (9 + 1) * 8 + (72 + 1) * 16 + (144 + 1) * 32 + (3 * 3 * 32 + 1) * 10],
    // Stages stop pooling once the image is 1×1.
    [[2, 2, 1], 3, 2, 2, (9 + 1) * 2 + (18 + 1) * 4 + (36 + 1) * 8 + (8 + 1) * 2],
    [[6, 6, 1], 0, 16, 3, (36 + 1) * 3],
  ])(
    'input %j, depth %i, width %i, %i classes has %i parameters',
    (input, depth, width, classes, expected) => {
      const shape = { family: 'cnn' as const, inputShape: input, depth, width, classes };
      expect(parameterCount(shape)).toBe(expected);
      const plan = planModel({ family: 'cnn', depth, activation: 'relu' }, width, input, classes);
      const model = plan.build(3);
      expect(plan.parameterCount).toBe(expected);
      expect(model.countParams()).toBe(expected);
      const logits = tf.tidy(() => model.predict(tf.zeros([2, ...input])) as tf.Tensor);
      expect(logits.shape).toEqual([2, classes]);
      logits.dispose();
      model.dispose();
    },
  );

  it('convolves exactly like tf.conv2d with same padding (im2col, channels innermost)', () => {
    const layer = new Conv3x3(5, 'linear', 11, [7, 6, 3]);
    const x = tf.randomNormal([2, 7, 6, 3], 0, 1, 'float32', 2);
    const ours = layer.apply(x) as tf.Tensor;
    const [kernel, bias] = layer.getWeights();
    const reference = tf
      .conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'same')
      .add(bias as tf.Tensor);
    expect(ours.shape).toEqual([2, 7, 6, 5]);
    expect(tf.max(tf.abs(ours.sub(reference))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, ours, reference]);
    layer.dispose();
  });

  it('holds more activations per sample than an MLP of the same width', () => {
    const cnn = { family: 'cnn' as const, inputShape: [8, 8, 1], depth: 1, width: 4, classes: 2 };
    expect(activationsPerSample(cnn)).toBe(64 + 2 + 8 * 8 * 4);
    expect(activationsPerSample({ ...cnn, family: 'mlp' })).toBeLessThan(activationsPerSample(cnn));
  });

  it('refuses vector inputs with a message naming the model family', () => {
    expect(() =>
      specFixture({
        data: { inputShape: [64], classes: 2, poolSize: 10 },
        model: { family: 'cnn', depth: 1 },
        sweep: { widths: [4] },
      }),
    ).toThrow(
      'model.family: a CNN needs image inputs shaped [height, width, channels], but data.inputShape is [64]',
    );
  });

  it('measures the EMC of a small CNN sweep on random-label noise images, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const results = await runExperiment({
      version: 3,
      name: 'cnn',
      seed: 4,
      data: {
        source: 'gaussian',
        inputShape: [6, 6, 1],
        classes: 2,
        labels: 'random',
        poolSize: 120,
      },
      model: { family: 'cnn', depth: 1, activation: 'relu' },
      sweep: { widths: [1, 4] },
      train: {
        optimizer: 'adam',
        learningRate: 0.05,
        batchSize: 'full',
        maxSteps: 150,
        patience: 30,
        minDelta: 0.001,
      },
      search: { precision: 0.1, seeds: 1 },
    });
    expect(results.points.map((p) => p.model)).toEqual(['CNN 1×1ch relu', 'CNN 1×4ch relu']);
    expect(results.points[0]?.emcMean).toBeGreaterThan(0);
    expect(results.points[1]?.emcMean).toBeGreaterThan(results.points[0]?.emcMean ?? 0);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
