import * as tf from '@tensorflow/tfjs';
import type { TrainSpec } from '../spec/index.ts';

/** Classical momentum coefficient for "momentum" (and PyTorch's RMSprop default of none). */
const MOMENTUM = 0.9;

/**
 * The optimizer a spec names. tfjs has no AdamW: "adamw" is Adam plus the decoupled weight
 * decay that trainStep applies after each update (Loshchilov & Hutter), as do the others
 * when weightDecay > 0.
 */
export function createOptimizer(train: TrainSpec): tf.Optimizer {
  const lr = train.learningRate;
  switch (train.optimizer) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, MOMENTUM);
    case 'adam':
    case 'adamw':
      return tf.train.adam(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr);
  }
}

/** w ← w · (1 − lr · decay) for every trainable weight; call inside tf.tidy. */
export function applyDecoupledWeightDecay(weights: readonly tf.Variable[], train: TrainSpec): void {
  if (train.weightDecay === 0) return;
  const factor = 1 - train.learningRate * train.weightDecay;
  for (const weight of weights) weight.assign(weight.mul(factor));
}

/** A layers model's trainable weights as the variables an optimizer updates. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

/**
 * Disposes an optimizer and everything it holds. tfjs 4.22's MomentumOptimizer.dispose()
 * does not call SGDOptimizer.dispose(), leaking the learning-rate scalar it inherits;
 * dispose that one here (a unit test catches the leak should tfjs change).
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  if (optimizer instanceof tf.MomentumOptimizer) {
    const inherited = (optimizer as unknown as { c?: tf.Tensor }).c;
    if (inherited && !inherited.isDisposed) inherited.dispose();
  }
}
