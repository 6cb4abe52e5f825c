import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../experiment/index.ts';
import { applyActivation } from './activation.ts';
import { type ModelShape, vitGeometry } from '../experiment/modelShapes.ts';

/** PyTorch's LayerNorm epsilon. */
const LAYER_NORM_EPSILON = 1e-5;

/** The weights of one multi-head self-attention: fused q/k/v projection, then an output projection. */
export interface AttentionWeights {
  /** [d, 3d]: columns 0..d are queries, d..2d keys, 2d..3d values. */
  qkvKernel: tf.Tensor2D;
  qkvBias: tf.Tensor1D;
  /** [d, d] */
  outKernel: tf.Tensor2D;
  outBias: tf.Tensor1D;
}

/**
 * Multi-head self-attention over x: [batch, tokens, d], written with tfjs ops because tfjs
 * layers has no attention layer. Each head attends with softmax(q kᵀ / √(d/heads)) over its
 * d/heads slice of the projections; the heads are concatenated and projected back to d.
 */
export function multiHeadSelfAttention(
  x: tf.Tensor3D,
  weights: AttentionWeights,
  heads: number,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, tokens, d] = x.shape;
    const headDim = d / heads;
    const qkv = dense(x, weights.qkvKernel, weights.qkvBias);
    // [batch, tokens, 3, heads, headDim] → [3, batch, heads, tokens, headDim]
    const split = qkv.reshape([batch, tokens, 3, heads, headDim]).transpose([2, 0, 3, 1, 4]);
    const [q, k, v] = tf.unstack(split, 0) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const scores = tf.matMul(q, k, false, true).mul(1 / Math.sqrt(headDim));
    const mixed = tf.matMul(tf.softmax(scores), v); // [batch, heads, tokens, headDim]
    const joined = mixed.transpose([0, 2, 1, 3]).reshape([batch, tokens, d]) as tf.Tensor3D;
    return dense(joined, weights.outKernel, weights.outBias);
  });
}

/** x @ kernel + bias over the last axis of a [batch, tokens, in] tensor. */
function dense(x: tf.Tensor3D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor3D {
  const [batch, tokens, inputs] = x.shape;
  const outputs = kernel.shape[1];
  return tf
    .matMul(x.reshape([batch * tokens, inputs]), kernel)
    .add(bias)
    .reshape([batch, tokens, outputs]);
}

function layerNorm(x: tf.Tensor3D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor3D {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(LAYER_NORM_EPSILON).sqrt()).mul(gamma).add(beta);
}

const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });

/**
 * Cuts [batch, h, w, c] images into non-overlapping p×p patches, projects each linearly to
 * d numbers and adds a learned position embedding: [batch, tokens, d]. Written as reshape,
 * transpose and matmul (no convolution), so it trains on every backend, WASM included.
 */
class PatchEmbedding extends tf.layers.Layer {
  static className = 'EmcPatchEmbedding';
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;
  private positions!: tf.LayerVariable;

  constructor(
    private readonly patchSize: number,
    private readonly dim: number,
    private readonly seed: number,
    inputShape: number[],
  ) {
    super({ inputShape });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, height, width, channels] = inputShape as number[];
    const p = this.patchSize;
    const tokens = Math.floor((height as number) / p) * Math.floor((width as number) / p);
    this.kernel = this.addWeight(
      'kernel',
      [p * p * (channels as number), this.dim],
      'float32',
      glorot(this.seed),
    );
    this.bias = this.addWeight('bias', [this.dim], 'float32', tf.initializers.zeros());
    this.positions = this.addWeight(
      'positions',
      [tokens, this.dim],
      'float32',
      tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed + 1 }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width] = inputShape as number[];
    const p = this.patchSize;
    return [
      batch as number,
      Math.floor((height as number) / p) * Math.floor((width as number) / p),
      this.dim,
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const images = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [batch, height, width, channels] = images.shape;
      const p = this.patchSize;
      const rows = Math.floor(height / p);
      const cols = Math.floor(width / p);
      const patches = images
        .slice([0, 0, 0, 0], [batch, rows * p, cols * p, channels])
        .reshape([batch, rows, p, cols, p, channels])
        .transpose([0, 1, 3, 2, 4, 5])
        .reshape([batch, rows * cols, p * p * channels]) as tf.Tensor3D;
      return dense(patches, this.kernel.read() as tf.Tensor2D, this.bias.read() as tf.Tensor1D).add(
        this.positions.read(),
      );
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), patchSize: this.patchSize, dim: this.dim };
  }
}

/** A pre-norm transformer encoder block: x + attention(LN(x)), then x + MLP(LN(x)). */
class TransformerBlock extends tf.layers.Layer {
  static className = 'EmcTransformerBlock';
  private w: Record<string, tf.LayerVariable> = {};

  constructor(
    private readonly dim: number,
    private readonly heads: number,
    private readonly mlpWidth: number,
    private readonly activation: Activation,
    private readonly seed: number,
  ) {
    super({});
  }

  override build(): void {
    const d = this.dim;
    const m = this.mlpWidth;
    const ones = tf.initializers.ones();
    const zeros = tf.initializers.zeros();
    const add = (name: string, shape: number[], init: ReturnType<typeof glorot>) => {
      this.w[name] = this.addWeight(name, shape, 'float32', init);
    };
    add('norm1Gamma', [d], ones);
    add('norm1Beta', [d], zeros);
    add('qkvKernel', [d, 3 * d], glorot(this.seed));
    add('qkvBias', [3 * d], zeros);
    add('outKernel', [d, d], glorot(this.seed + 1));
    add('outBias', [d], zeros);
    add('norm2Gamma', [d], ones);
    add('norm2Beta', [d], zeros);
    add('mlpKernel1', [d, m], glorot(this.seed + 2));
    add('mlpBias1', [m], zeros);
    add('mlpKernel2', [m, d], glorot(this.seed + 3));
    add('mlpBias2', [d], zeros);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const r = (name: string) => (this.w[name] as tf.LayerVariable).read();
      const attended = multiHeadSelfAttention(
        layerNorm(x, r('norm1Gamma') as tf.Tensor1D, r('norm1Beta') as tf.Tensor1D),
        {
          qkvKernel: r('qkvKernel') as tf.Tensor2D,
          qkvBias: r('qkvBias') as tf.Tensor1D,
          outKernel: r('outKernel') as tf.Tensor2D,
          outBias: r('outBias') as tf.Tensor1D,
        },
        this.heads,
      );
      const h = x.add(attended) as tf.Tensor3D;
      const normed = layerNorm(h, r('norm2Gamma') as tf.Tensor1D, r('norm2Beta') as tf.Tensor1D);
      const hidden = applyActivation(
        dense(normed, r('mlpKernel1') as tf.Tensor2D, r('mlpBias1') as tf.Tensor1D),
        this.activation,
      ) as tf.Tensor3D;
      return h.add(dense(hidden, r('mlpKernel2') as tf.Tensor2D, r('mlpBias2') as tf.Tensor1D));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, heads: this.heads, mlpWidth: this.mlpWidth };
  }
}

/** The final layer norm and mean over tokens that feed the linear head. */
class TokenMeanNorm extends tf.layers.Layer {
  static className = 'EmcTokenMeanNorm';
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = (inputShape as number[])[2] as number;
    this.gamma = this.addWeight('gamma', [d], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [d], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, , d] = inputShape as number[];
    return [batch as number, d as number];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      return layerNorm(x, this.gamma.read() as tf.Tensor1D, this.beta.read() as tf.Tensor1D).mean(
        1,
      );
    });
  }
}

/**
 * A small Vision Transformer: patch embedding with learned positions, `depth` pre-norm
 * encoder blocks of width d = the sweep width, a final layer norm, the mean over tokens
 * (instead of a class token: one fewer special case, same capacity) and a linear head.
 */
export function buildVit(shape: ModelShape, activation: Activation, seed: number): tf.Sequential {
  const { patchSize, heads, mlpWidth } = vitGeometry(shape);
  const model = tf.sequential();
  model.add(new PatchEmbedding(patchSize, shape.width, seed, [...shape.inputShape]));
  for (let block = 0; block < shape.depth; block++) {
    model.add(
      new TransformerBlock(shape.width, heads, mlpWidth, activation, seed + 10 * (block + 1)),
    );
  }
  model.add(new TokenMeanNorm({}));
  model.add(
    tf.layers.dense({
      units: shape.classes,
      kernelInitializer: glorot(seed + 10 * (shape.depth + 1)),
      biasInitializer: 'zeros',
    }),
  );
  return model;
}
