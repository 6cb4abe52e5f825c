import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../spec/index.ts';
import { addActivationLayer, layerActivation } from './activation.ts';
import { cnnStages, type ModelShape } from './shapes.ts';

/**
 * A plain CNN: per stage a 3×3 same-padding convolution (channels = width · 2^stage) and
 * 2×2 max-pooling while the image is at least 2×2, then a linear head on the flattened
 * features. Seeded per layer, like the MLP.
 */
export function buildCnn(shape: ModelShape, activation: Activation, seed: number): tf.Sequential {
  const model = tf.sequential();
  const stages = cnnStages(shape);
  stages.forEach((stage, index) => {
    model.add(
      tf.layers.conv2d({
        ...(index === 0 ? { inputShape: [...shape.inputShape] } : {}),
        filters: stage.channels,
        kernelSize: 3,
        padding: 'same',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + index }),
        biasInitializer: 'zeros',
        activation: layerActivation(activation),
      }),
    );
    addActivationLayer(model, activation);
    if (stage.pooled) model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  });
  model.add(tf.layers.flatten(stages.length === 0 ? { inputShape: [...shape.inputShape] } : {}));
  model.add(
    tf.layers.dense({
      units: shape.classes,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + stages.length }),
      biasInitializer: 'zeros',
    }),
  );
  return model;
}
