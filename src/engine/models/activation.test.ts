import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../experiment/index.ts';
import { addActivationLayer, applyActivation, layerActivation } from './activation.ts';

describe('applyActivation', () => {
  it.each(ACTIVATIONS)(
    'computes %s exactly as the dense layers of an MLP do, so every family means the same function',
    (activation) => {
      const x = tf.linspace(-4, 4, 33).reshape([33, 1]);
      const layers = tf.sequential();
      layers.add(
        tf.layers.dense({
          inputShape: [1],
          units: 1,
          kernelInitializer: 'ones',
          biasInitializer: 'zeros',
          activation: layerActivation(activation),
        }),
      );
      addActivationLayer(layers, activation);
      const expected = layers.predict(x) as tf.Tensor;
      const actual = applyActivation(x, activation);
      const gap = actual.sub(expected).abs().max().dataSync()[0] as number;
      expect(gap).toBeLessThan(1e-5);
      tf.dispose([x, expected, actual]);
      layers.dispose();
    },
  );
});
