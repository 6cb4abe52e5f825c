import type * as tf from '@tensorflow/tfjs';
import { featureCount } from '../data/index.ts';
import type { ModelSpec } from '../spec/index.ts';
import { buildCnn } from './cnn.ts';
import { buildMlp } from './mlp.ts';
import { type ModelShape, parameterCount } from './shapes.ts';

/** What one sweep point trains: the architecture for one width, without weights yet. */
export interface ModelPlan {
  width: number;
  parameterCount: number;
  /** Builds a freshly initialized model; the caller owns it and must dispose it. */
  build(seed: number): tf.LayersModel;
  describe(): string;
}

export function planModel(
  spec: ModelSpec,
  width: number,
  inputShape: number[],
  classes: number,
): ModelPlan {
  const shape: ModelShape = { family: spec.family, inputShape, depth: spec.depth, width, classes };
  const inputs = featureCount(inputShape);
  const label =
    spec.depth === 0
      ? `linear classifier (${inputs} → ${classes})`
      : spec.family === 'cnn'
        ? `CNN ${spec.depth}×${width}ch ${spec.activation}`
        : `MLP ${spec.depth}×${width} ${spec.activation}`;
  return {
    width,
    parameterCount: parameterCount(shape),
    build: (seed) =>
      spec.family === 'cnn' && spec.depth > 0
        ? buildCnn(shape, spec.activation, seed)
        : buildMlp(
            inputShape,
            { inputFeatures: inputs, depth: spec.depth, width, classes },
            spec.activation,
            seed,
          ),
    describe: () => label,
  };
}
