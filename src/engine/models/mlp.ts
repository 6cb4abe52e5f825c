import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../experiment/index.ts';
import { addActivationLayer, layerActivation } from './activation.ts';

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
        activation: layerActivation(activation),
      }),
    );
    addActivationLayer(model, activation);
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
