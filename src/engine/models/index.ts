import type * as tf from '@tensorflow/tfjs';
import { featureCount } from '../data/index.ts';
import type { Activation, ModelSpec } from '../experiment/index.ts';
import { buildCnn, type CnnLayout } from './cnn.ts';
import { buildMlp } from './mlp.ts';
import { type StackedModel, stackMlp } from './stackedMlp.ts';
import {
  canStack,
  cnnStages,
  type ModelShape,
  parameterCount,
  vitGeometry,
} from '../experiment/modelShapes.ts';

export { canStack };
import { buildVit } from './vit.ts';

/** What one sweep point trains: the architecture for one width, without weights yet. */
export interface ModelPlan {
  width: number;
  parameterCount: number;
  /** Builds a freshly initialized model; the caller owns it and must dispose it. */
  build(seed: number): tf.LayersModel;
  /**
   * k freshly initialized copies (each as `build(seed)` makes it) trained as one batched
   * computation; absent for architectures that cannot be stacked yet (CNN, ViT).
   */
  buildStacked?: (seed: number, members: number) => StackedModel;
  /**
   * Present when the model is dense layers only (an MLP or a linear classifier): its
   * trainable weights alternate kernel and bias, with `activation` between the layers, so a
   * probe may train it with the written-out step (train/stepGradients.ts).
   */
  dense?: { activation: Activation };
  /**
   * Present for models/cnn.ts' CNN: what its written-out step (train/stepGradients.ts)
   * needs; its trainable weights alternate kernel and bias, the head's last.
   */
  cnn?: CnnLayout;
  /**
   * Present when the model trains through other parameters than its weights (model.subspace
   * with this point's dimension, or model.precision); train/reparameterize.ts builds it.
   */
  reparameterization?: ReparameterizationPlan;
  /** The numbers that train: d in a random subspace, else every weight. */
  trainedParameters: number;
  describe(): string;
}

export type ReparameterizationPlan =
  | { kind: 'subspace'; dimension: number; projection: 'dense' | 'sparse' | 'identity' }
  | { kind: 'precision'; bits: number };

/** What a spec's model trains through at one sweep point, if not its weights. */
export function reparameterizationOf(
  spec: ModelSpec,
  dimension = spec.subspace?.dimension,
): ReparameterizationPlan | undefined {
  if (spec.subspace && dimension !== undefined) {
    return { kind: 'subspace', dimension, projection: spec.subspace.projection };
  }
  if (spec.precision) return { kind: 'precision', bits: spec.precision.bits };
  return undefined;
}

export function modelShape(
  spec: ModelSpec,
  width: number,
  inputShape: readonly number[],
  classes: number,
): ModelShape {
  return {
    family: spec.family,
    inputShape,
    depth: spec.depth,
    width,
    classes,
    ...(spec.family === 'vit'
      ? { patchSize: spec.patchSize, heads: spec.heads, mlpRatio: spec.mlpRatio }
      : {}),
  };
}

/** `dimension`: the random subspace's at this sweep point (sweep.dimensions). */
export function planModel(
  spec: ModelSpec,
  width: number,
  inputShape: number[],
  classes: number,
  dimension?: number,
): ModelPlan {
  const shape = modelShape(spec, width, inputShape, classes);
  const inputs = featureCount(inputShape);
  const build = (seed: number): tf.LayersModel => {
    if (spec.depth > 0 && spec.family === 'cnn') return buildCnn(shape, spec.activation, seed);
    if (spec.depth > 0 && spec.family === 'vit') return buildVit(shape, spec.activation, seed);
    return buildMlp(
      inputShape,
      { inputFeatures: inputs, depth: spec.depth, width, classes },
      spec.activation,
      seed,
    );
  };
  const reparameterization = reparameterizationOf(spec, dimension);
  const parameters = parameterCount(shape);
  return {
    width,
    parameterCount: parameters,
    trainedParameters:
      reparameterization?.kind === 'subspace' ? reparameterization.dimension : parameters,
    ...(reparameterization ? { reparameterization } : {}),
    build,
    ...(spec.depth === 0 || spec.family === 'mlp'
      ? { dense: { activation: spec.activation } }
      : {}),
    ...(spec.depth > 0 && spec.family === 'cnn'
      ? {
          cnn: {
            activation: spec.activation,
            inputShape,
            pooled: cnnStages(shape).map((stage) => stage.pooled),
          },
        }
      : {}),
    ...(canStack(spec)
      ? {
          buildStacked: (seed: number, members: number) => {
            const single = build(seed);
            try {
              return stackMlp(single, members, spec.activation);
            } finally {
              single.dispose();
            }
          },
        }
      : {}),
    describe: () =>
      describeModel(shape, spec.activation) + describeReparameterization(reparameterization),
  };
}

function describeReparameterization(plan: ReparameterizationPlan | undefined): string {
  if (plan?.kind === 'subspace') {
    return ` in a ${plan.projection} ${plan.dimension}-dimensional subspace`;
  }
  if (plan?.kind === 'precision' && plan.bits < 32) return ` with ${plan.bits}-bit weights`;
  return '';
}

function describeModel(shape: ModelShape, activation: string): string {
  if (shape.depth === 0) {
    return `linear classifier (${featureCount(shape.inputShape)} → ${shape.classes})`;
  }
  switch (shape.family) {
    case 'mlp':
      return `MLP ${shape.depth}×${shape.width} ${activation}`;
    case 'cnn':
      return `CNN ${shape.depth}×${shape.width}ch ${activation}`;
    case 'vit': {
      const { patchSize, heads, mlpWidth } = vitGeometry(shape);
      return `ViT ${shape.depth}×${shape.width}d ${heads}h p${patchSize} mlp${mlpWidth} ${activation}`;
    }
  }
}
