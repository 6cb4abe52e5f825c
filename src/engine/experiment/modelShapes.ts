import { featureCount } from '../data/types.ts';

/**
 * Architecture arithmetic without TensorFlow.js: exact parameter counts and activation sizes,
 * shared by the model builders (checked against tfjs' own counts in tests) and by the
 * spec's memory estimate, which must not load tfjs.
 */
export interface ModelShape {
  family: 'mlp' | 'cnn' | 'vit';
  inputShape: readonly number[];
  depth: number;
  width: number;
  classes: number;
  /** ViT only; missing ones take VIT_DEFAULTS. */
  patchSize?: number;
  heads?: number;
  mlpRatio?: number;
}

/** ViT defaults: 4×4 patches, 2 heads, an MLP twice the embedding wide. */
export const VIT_DEFAULTS = { patchSize: 4, heads: 2, mlpRatio: 2 } as const;

export interface VitGeometry {
  patchSize: number;
  heads: number;
  /** Hidden units of each block's MLP: mlpRatio · embedding width. */
  mlpWidth: number;
  /** Patches per image: the sequence length attention runs over. */
  tokens: number;
  /** Numbers in one flattened patch: patchSize² · channels. */
  patchFeatures: number;
}

export function vitGeometry(shape: ModelShape): VitGeometry {
  const patchSize = shape.patchSize ?? VIT_DEFAULTS.patchSize;
  const [height = 1, width = 1, channels = 1] = shape.inputShape;
  return {
    patchSize,
    heads: shape.heads ?? VIT_DEFAULTS.heads,
    mlpWidth: (shape.mlpRatio ?? VIT_DEFAULTS.mlpRatio) * shape.width,
    tokens: Math.floor(height / patchSize) * Math.floor(width / patchSize),
    patchFeatures: patchSize * patchSize * channels,
  };
}

/** Spatial size and channels after each CNN stage (3×3 same-padding conv, then 2×2 pooling while the image is at least 2×2). */
export function cnnStages(
  shape: ModelShape,
): Array<{ height: number; width: number; channels: number; pooled: boolean }> {
  let [height = 1, width = 1] = shape.inputShape;
  const stages = [];
  for (let stage = 0; stage < shape.depth; stage++) {
    const channels = shape.width * 2 ** stage;
    const pooled = height >= 2 && width >= 2;
    if (pooled) {
      height = Math.floor(height / 2);
      width = Math.floor(width / 2);
    }
    stages.push({ height, width, channels, pooled });
  }
  return stages;
}

/** Exact parameter count: weights and biases of every layer. Depth 0 is a linear classifier. */
export function parameterCount(shape: ModelShape): number {
  const inputs = featureCount(shape.inputShape);
  if (shape.depth === 0) return (inputs + 1) * shape.classes;
  if (shape.family === 'mlp') {
    const w = shape.width;
    return (inputs + 1) * w + (shape.depth - 1) * (w + 1) * w + (w + 1) * shape.classes;
  }
  if (shape.family === 'vit') {
    const d = shape.width;
    const { tokens, patchFeatures, mlpWidth: m } = vitGeometry(shape);
    const embedding = (patchFeatures + 1) * d + tokens * d;
    // Two layer norms, query/key/value and output projections, and the two-layer MLP.
    const block = 2 * 2 * d + (d + 1) * 3 * d + (d + 1) * d + (d + 1) * m + (m + 1) * d;
    return embedding + shape.depth * block + 2 * d + (d + 1) * shape.classes;
  }
  const stages = cnnStages(shape);
  let channelsIn = shape.inputShape[2] ?? 1;
  let count = 0;
  for (const stage of stages) {
    count += (3 * 3 * channelsIn + 1) * stage.channels;
    channelsIn = stage.channels;
  }
  const last = stages.at(-1);
  const flat = last ? last.height * last.width * last.channels : inputs;
  return count + (flat + 1) * shape.classes;
}

/** Numbers one sample produces on its way through the model (for the memory estimate). */
export function activationsPerSample(shape: ModelShape): number {
  const inputs = featureCount(shape.inputShape);
  if (shape.family === 'mlp' || shape.depth === 0)
    return inputs + shape.depth * shape.width + shape.classes;
  if (shape.family === 'vit') {
    const { tokens, heads, mlpWidth } = vitGeometry(shape);
    // Per block: normalized input, q/k/v, attention weights per head, mixed values,
    // projection, residual sums, and the MLP's hidden layer.
    const block = tokens * (8 * shape.width + mlpWidth) + 2 * heads * tokens * tokens;
    return inputs + tokens * shape.width + shape.depth * block + shape.classes;
  }
  // Each stage holds its full-resolution convolution output before pooling.
  let [height = 1, width = 1] = shape.inputShape;
  let total = inputs + shape.classes;
  for (const stage of cnnStages(shape)) {
    total += height * width * stage.channels;
    height = stage.height;
    width = stage.width;
  }
  return total;
}

/**
 * Numbers in one sample's im2col columns, summed over the CNN's stages: each 3×3
 * convolution multiplies a [pixels, 9 · channels in] matrix (models/cnn.ts), nine times its
 * input. At 128×128×3 that is 442,368 numbers a sample, many times the activations.
 */
export function im2colColumnsPerSample(shape: ModelShape): number {
  if (shape.family !== 'cnn' || shape.depth === 0) return 0;
  let [height = 1, width = 1, channelsIn = 1] = shape.inputShape;
  let total = 0;
  for (const stage of cnnStages(shape)) {
    total += height * width * 9 * channelsIn;
    height = stage.height;
    width = stage.width;
    channelsIn = stage.channels;
  }
  return total;
}

/**
 * Whether a spec's models can train k at a time (search.parallel > 1): MLPs and linear
 * classifiers, whose layers stack into batched matMuls (models/stackedMlp.ts).
 */
export function canStack(model: { family: ModelShape['family']; depth: number }): boolean {
  return model.family === 'mlp' || model.depth === 0;
}
