import { featureCount } from '../data/types.ts';
import { activationsPerSample, im2colColumnsPerSample, parameterCount } from './modelShapes.ts';

/**
 * A conservative estimate of the memory a spec needs, so a sweep that cannot fit is refused
 * before it starts instead of crashing a tab or a laptop minutes into a run.
 */
export const MAX_MEMORY_BYTES = 2 * 1024 ** 3;

const FLOAT = 4;
/** Weights, gradients, two Adam slots and one temporary per parameter. */
const COPIES_PER_PARAMETER = 5;
/**
 * Tensors of each layer output's size alive at the peak of a training step, the end of the
 * backward pass: tfjs keeps every forward intermediate (matMul, bias sum, activation) and
 * every gradient intermediate (an activation's gradient alone is Step, Cast, Multiply)
 * until the step's tidy ends. ViT blocks add layer norms and softmaxes, each several more.
 * Measured with tf.profile (memory.test.ts).
 */
const LAYER_COPIES = { mlp: 9, cnn: 8, vit: 12 } as const;
/** A forward pass alone keeps each layer's matMul, bias sum and activation. */
const FORWARD_COPIES = 3;
/** The im2col columns, their gradient and the reshapes between: about three copies. */
const COLUMN_COPIES = 3;
/**
 * The fit check runs the model on chunks of at most this many samples (fixed-size chunks
 * keep WebGPU's buffer pool small); train/fitProbe.ts uses it, this estimate counts it.
 */
export const EVAL_CHUNK = 1024;

const SUBSPACE_FLAT_COPIES = 3;
/**
 * Low-precision weights: the float shadows, and the rounding's four temporaries (|w|, w / s,
 * its rounding, times s). Measured in memory.test.ts.
 */
const LOW_PRECISION_COPIES = 5;

export interface MemoryShape {
  family: 'mlp' | 'cnn' | 'vit';
  inputShape: readonly number[];
  classes: number;
  poolSize: number;
  testSize: number;
  depth: number;
  widths: readonly number[];
  batchSize: number | 'full';
  /** Models trained at once (search.parallel): each has its weights and activations. */
  parallel?: number;
  patchSize?: number;
  heads?: number;
  mlpRatio?: number;
  /** model.subspace, with the largest dimension swept. */
  subspace?: { dimension: number; projection: 'dense' | 'sparse' };
  /** model.precision: float shadow weights beside the rounded ones. */
  lowPrecision?: boolean;
}

/**
 * What a random subspace holds beside the model: P (dense: D × d floats; sparse: a column
 * index and a signed scale per weight), θ₀ (D floats), the flat vectors of a step (the
 * gradients, P z and θ₀ + P z: SUBSPACE_FLAT_COPIES × D floats), and z with its gradient
 * and optimizer slots (COPIES_PER_PARAMETER × d floats). Measured in memory.test.ts.
 */
export function subspaceBytes(
  weights: number,
  subspace: { dimension: number; projection: 'dense' | 'sparse' },
): number {
  const projection =
    subspace.projection === 'dense' ? weights * subspace.dimension * FLOAT : weights * 2 * FLOAT;
  return (
    projection +
    weights * FLOAT * (1 + SUBSPACE_FLAT_COPIES) +
    subspace.dimension * FLOAT * COPIES_PER_PARAMETER
  );
}

export interface MemoryEstimate {
  data: number;
  model: number;
  activations: number;
  total: number;
}

export function estimateMemory(shape: MemoryShape): MemoryEstimate {
  const samples = shape.poolSize + shape.testSize;
  const members = shape.parallel ?? 1;
  const inputs = featureCount(shape.inputShape);
  // The samples live once in JS and once on the backend, plus each stacked member's
  // gathered subset.
  const data = samples * inputs * FLOAT * (2 + members);
  const widest = { ...shape, width: Math.max(...shape.widths) };
  const weights = parameterCount(widest);
  const model =
    weights *
      FLOAT *
      (COPIES_PER_PARAMETER + (shape.lowPrecision ? LOW_PRECISION_COPIES : 0)) *
      members +
    (shape.subspace ? subspaceBytes(weights, shape.subspace) : 0);
  const batchRows =
    shape.batchSize === 'full' ? shape.poolSize : Math.min(shape.batchSize, shape.poolSize);
  const layers = activationsPerSample(widest) - inputs;
  const columns = im2colColumnsPerSample(widest);
  const family = shape.depth === 0 ? 'mlp' : shape.family;
  const training = batchRows * (inputs + layers * LAYER_COPIES[family] + columns * COLUMN_COPIES);
  // The fit check runs forward only, chunk by chunk: no gradients, one copy of the columns.
  const checking =
    Math.min(EVAL_CHUNK, shape.poolSize) * (inputs + layers * FORWARD_COPIES + columns);
  const activations = Math.max(training, checking) * FLOAT * members;
  return { data, model, activations, total: data + model + activations };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(0)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}
