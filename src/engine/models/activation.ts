import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../spec/index.ts';

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
