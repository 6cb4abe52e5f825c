import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../experiment/index.ts';

/** PyTorch's default slope, as the paper's models used. */
const LEAKY_RELU_ALPHA = 0.01;

/**
 * tfjs layers take every activation of the spec by name except leaky ReLU, which is a layer
 * of its own: a layer gets `layerActivation(a)` and is followed by `addActivationLayer`.
 */
export function layerActivation(activation: Activation): Exclude<Activation, 'leakyRelu'> {
  return activation === 'leakyRelu' ? 'linear' : activation;
}

export function addActivationLayer(model: tf.Sequential, activation: Activation): void {
  if (activation === 'leakyRelu') model.add(tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA }));
}

/** The spec's activation as tfjs ops, for layers of our own (convolutions, transformer MLPs). */
export function applyActivation(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, LEAKY_RELU_ALPHA);
    case 'gelu':
      // The exact form, x·Φ(x), as tfjs' dense layers and PyTorch's nn.GELU compute it.
      return x.mul(tf.erf(x.div(Math.SQRT2)).add(1)).mul(0.5);
    case 'elu':
      return tf.elu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'linear':
      return x;
  }
}
