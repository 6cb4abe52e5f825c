import * as tf from '@tensorflow/tfjs';
import { FusedAdamOptimizer, fusedAdamAvailable, registerFusedAdam } from '../kernels/fusedAdam.ts';
import type { TrainSpec } from '../experiment/index.ts';
import { ShampooOptimizer } from './shampoo.ts';

registerFusedAdam();

/** Classical momentum coefficient for "momentum" (and PyTorch's RMSprop default of none). */
const MOMENTUM = 0.9;

/**
 * The optimizer a spec names. tfjs has no AdamW: "adamw" is Adam plus the decoupled weight
 * decay that trainStep applies after each update (Loshchilov & Hutter), as do the others
 * when weightDecay > 0. On the cpu and wasm backends Adam runs fused (one kernel per weight,
 * the same float32 arithmetic; see kernels/fusedAdam.ts). Shampoo is train/shampoo.ts.
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
      return fusedAdamAvailable() ? new FusedAdamOptimizer(lr) : tf.train.adam(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr);
    case 'shampoo':
      return new ShampooOptimizer({ learningRate: lr });
  }
}

/**
 * w ← w · (1 − lr · decay) for every trainable weight; call inside tf.tidy. `learningRate`
 * is the current one (after any reductions on plateaus); a tensor gives each stacked
 * member its own (shape [members, 1, ...]).
 */
export function applyDecoupledWeightDecay(
  weights: readonly tf.Variable[],
  train: TrainSpec,
  learningRate: number | tf.Tensor = train.learningRate,
): void {
  if (train.weightDecay === 0) return;
  const factor =
    typeof learningRate === 'number'
      ? 1 - learningRate * train.weightDecay
      : tf.sub(1, tf.mul(learningRate, train.weightDecay));
  for (const weight of weights) weight.assign(weight.mul(factor));
}

/**
 * Sets an optimizer's learning rate mid-run, keeping its state (moments, accumulations).
 * tfjs has a setter only for SGD and momentum; Adam and RMSprop read their public field
 * on every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  // Not `instanceof`: tfjs' Optimizer answers it for any object with the optimizer methods.
  const settable = optimizer as unknown as {
    learningRate: number;
    setLearningRate?: (rate: number) => void;
  };
  if (typeof settable.setLearningRate === 'function') settable.setLearningRate(learningRate);
  else settable.learningRate = learningRate;
}

/**
 * Training to convergence, as Keras' ReduceLROnPlateau does it: a plateau that does not end
 * the probe (the gradient is still large because a constant step keeps the weights bouncing
 * around a minimum, as SGD's noise and Adam's normalized steps do, or the minimum is yet to
 * be confirmed at a smaller step) multiplies the learning rate by train.lrDecay, down to
 * this fraction of the initial one.
 */
export const MIN_LEARNING_RATE_FRACTION = 1e-4;

/** The learning rate after one more reduction, or undefined at the floor. */
export function reducedLearningRate(current: number, train: TrainSpec): number | undefined {
  const floor = train.learningRate * MIN_LEARNING_RATE_FRACTION;
  if (train.lrDecay >= 1 || current <= floor * (1 + 1e-9)) return undefined;
  return Math.max(floor, current * train.lrDecay);
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
