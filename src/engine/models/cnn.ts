import * as tf from '@tensorflow/tfjs';
import { im2col3x3 } from '../kernels/im2col.ts';
import type { Activation } from '../experiment/index.ts';
import { applyActivation } from './activation.ts';
import { cnnStages, type ModelShape } from '../experiment/modelShapes.ts';

/**
 * A 3×3 same-padding convolution with bias and activation, written as im2col: the nine
 * shifted copies of the padded input are stacked along channels (kernels/im2col.ts) and
 * multiplied by the kernel. tfjs' conv2d cannot be trained on the WASM backend (tfjs#8474: no
 * Conv2DBackpropFilter) and is no faster on the others for these small images, while pad,
 * slice, concat and matMul have gradients everywhere. The kernel is [3, 3, in, out], like
 * conv2d's, so initialization and parameter count are the same.
 */
export class Conv3x3 extends tf.layers.Layer {
  static className = 'EmcConv3x3';
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;

  constructor(
    private readonly filters: number,
    private readonly activation: Activation,
    private readonly seed: number,
    inputShape?: number[],
  ) {
    super(inputShape ? { inputShape } : {});
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const channels = (inputShape as number[])[3] as number;
    this.kernel = this.addWeight(
      'kernel',
      [3, 3, channels, this.filters],
      'float32',
      tf.initializers.glorotUniform({ seed: this.seed }),
    );
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width] = inputShape as number[];
    return [batch as number, height as number, width as number, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [batch, height, width, channels] = x.shape;
      const columns = im2col3x3(x);
      const kernel = this.kernel.read().reshape([9 * channels, this.filters]);
      const out = tf.matMul(columns, kernel).add(this.bias.read());
      return applyActivation(out, this.activation).reshape([batch, height, width, this.filters]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, activation: this.activation };
  }
}

/** What the written-out CNN step (train/stepGradients.ts) needs of buildCnn's architecture. */
export interface CnnLayout {
  activation: Activation;
  /** One sample's [height, width, channels]. */
  inputShape: readonly number[];
  /** Per convolution stage: whether 2×2 max-pooling follows it. */
  pooled: readonly boolean[];
}

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
      new Conv3x3(
        stage.channels,
        activation,
        seed + index,
        index === 0 ? [...shape.inputShape] : undefined,
      ),
    );
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
