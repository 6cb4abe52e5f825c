import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { createOptimizer, setLearningRate } from '../train/optimizers.ts';
import { normalTensor, specFixture } from '../testFixtures.ts';
import { FusedAdamOptimizer } from './fusedAdam.ts';

/**
 * k Adam steps on a two-layer model from fixed weights and data, with a learning-rate cut
 * halfway (as a rejected plateau makes one); the weights after each step, flattened.
 */
function train(optimizer: tf.Optimizer, steps: number): Float32Array[] {
  const [w1, b1, w2, x, y] = tf.tidy(() => [
    // 120 × 80 weights are above the fused size: that one takes the composed path.
    tf.variable(normalTensor([120, 80], 1)),
    tf.variable(tf.zeros([80])),
    tf.variable(normalTensor([80, 3], 2)),
    normalTensor([8, 120], 3),
    tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3).toFloat(),
  ]) as [tf.Variable, tf.Variable, tf.Variable, tf.Tensor, tf.Tensor];
  const trajectory: Float32Array[] = [];
  for (let step = 0; step < steps; step++) {
    if (step === steps / 2) setLearningRate(optimizer, 0.001);
    tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () =>
          tf.losses.softmaxCrossEntropy(y, tf.relu(x.matMul(w1).add(b1)).matMul(w2)) as tf.Scalar,
        [w1, b1, w2],
      );
      optimizer.applyGradients(grads);
    });
    trajectory.push(
      Float32Array.from([...w1.dataSync(), ...b1.dataSync(), ...w2.dataSync()] as number[]),
    );
  }
  tf.dispose([w1, b1, w2, x, y]);
  optimizer.dispose();
  return trajectory;
}

describe('fused Adam', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(['cpu', 'wasm'])(
    'gives bit for bit the weights of tf.train.adam after every step on %s, and leaks nothing',
    async (backend) => {
      await tf.setBackend(backend);
      await tf.ready();
      const before = tf.memory().numTensors;
      const reference = train(tf.train.adam(0.05), 20);
      const fused = train(new FusedAdamOptimizer(0.05), 20);
      expect(fused).toEqual(reference);
      // The weights really moved, on both halves of the learning-rate schedule.
      expect(fused[19]).not.toEqual(fused[9]);
      expect(fused[9]).not.toEqual(fused[0]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('is what the engine trains with on cpu and wasm, and not on other backends', async () => {
    const train = specFixture().train;
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const optimizer = createOptimizer(train);
      expect(optimizer).toBeInstanceOf(FusedAdamOptimizer);
      optimizer.dispose();
    }
    const adamw = createOptimizer({ ...train, optimizer: 'adamw' });
    expect(adamw).toBeInstanceOf(FusedAdamOptimizer);
    adamw.dispose();
  });
});
