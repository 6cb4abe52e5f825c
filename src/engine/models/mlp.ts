import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../spec/index.ts';

/** PyTorch's default slope, as the paper's models used. */
const LEAKY_RELU_ALPHA = 0.01;

export interface MlpShape {
  inputFeatures: number;
  depth: number;
  width: number;
  classes: number;
}

/**
 * An MLP that flattens its input, then `depth` dense layers of `width` units, then a
 * linear head producing logits (the loss applies the softmax). Initializers are seeded
 * per layer so the same seed gives the same weights on every run.
 */
export function buildMlp(
  inputShape: number[],
  shape: MlpShape,
  activation: Activation,
  seed: number,
): tf.Sequential {
  const model = tf.sequential();
  // Flatten needs rank >= 2 inputs per sample; vectors go straight into the first dense layer.
  let input: { inputShape?: number[] } = { inputShape };
  if (inputShape.length > 1) {
    model.add(tf.layers.flatten({ inputShape }));
    input = {};
  }
  for (let layer = 0; layer < shape.depth; layer++) {
    model.add(
      tf.layers.dense({
        ...(layer === 0 ? input : {}),
        units: shape.width,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + layer }),
        biasInitializer: 'zeros',
        activation: activation === 'leakyRelu' ? 'linear' : activation,
      }),
    );
    if (activation === 'leakyRelu') model.add(tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA }));
  }
  model.add(
    tf.layers.dense({
      ...(shape.depth === 0 ? input : {}),
      units: shape.classes,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + shape.depth }),
      biasInitializer: 'zeros',
    }),
  );
  return model;
}
