import type * as tf from '@tensorflow/tfjs';
import { featureCount } from '../data/index.ts';
import type { ModelSpec } from '../spec/index.ts';
import { buildMlp, mlpParameterCount } from './mlp.ts';

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
  const shape = { inputFeatures: featureCount(inputShape), depth: spec.depth, width, classes };
  const label =
    spec.depth === 0
      ? `linear classifier (${shape.inputFeatures} → ${classes})`
      : `MLP ${spec.depth}×${width} ${spec.activation}`;
  return {
    width,
    parameterCount: mlpParameterCount(shape),
    build: (seed) => buildMlp(inputShape, shape, spec.activation, seed),
    describe: () => label,
  };
}
