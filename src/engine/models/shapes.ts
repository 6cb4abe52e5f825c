import { featureCount } from '../data/types.ts';

/**
 * Architecture arithmetic without TensorFlow.js: exact parameter counts and activation sizes,
 * shared by the model builders (checked against tfjs' own counts in tests) and by the
 * spec's memory estimate, which must not load tfjs.
 */
export interface ModelShape {
  family: 'mlp' | 'cnn';
  inputShape: readonly number[];
  depth: number;
  width: number;
  classes: number;
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
