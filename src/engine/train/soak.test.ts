import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { planModel } from '../models/index.ts';
import { createRng, permutation } from '../random.ts';
import { specFixture } from '../testFixtures.ts';
import { fitProbe } from './fitProbe.ts';

describe('soak', () => {
  it('runs 50 consecutive probes with flat tensor count and backend memory', async () => {
    const spec = specFixture({
      data: { inputShape: [6], classes: 3, poolSize: 200 },
      model: { family: 'mlp', depth: 2, activation: 'gelu' },
      sweep: { widths: [8] },
      train: {
        optimizer: 'adamw',
        learningRate: 0.05,
        batchSize: 16,
        maxSteps: 20,
        patience: 50,
        minDelta: 0,
      },
    });
    const plan = planModel(spec.model, 8, [6], 3);
    const rng = createRng(3);
    const pool = {
      x: tf.randomNormal([200, 6], 0, 1, 'float32', 1),
      y: tf.tensor1d(
        Array.from({ length: 200 }, () => rng.int(3)),
        'int32',
      ),
    };
    const order = permutation(200, rng);
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    for (let probe = 0; probe < 50; probe++) {
      // Varying N: every probe allocates differently shaped subsets, as a search does.
      await fitProbe({
        plan,
        pool,
        classes: 3,
        n: 20 + 3 * probe,
        order,
        train: spec.train,
        seed: probe,
      });
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.memory().numBytes).toBe(bytes);
    }
    tf.dispose([pool.x, pool.y]);
  }, 120_000);
});
