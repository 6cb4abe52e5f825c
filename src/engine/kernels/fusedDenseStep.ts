import type { Activation, TrainSpec } from '../experiment/index.ts';
import { softmaxCrossEntropyRows } from './crossEntropyRows.ts';
import { adamUpdate } from './fusedAdam.ts';

/**
 * A whole training step of a small MLP or linear classifier as one JavaScript function over
 * float32 arrays: the batch's rows read straight from the probe's samples by index (no
 * gather), forward, softmax cross-entropy with the batch's hits, backpropagation, the
 * optimizer's update and decoupled weight decay. No tfjs kernel runs, so a step pays no
 * dispatch at all; for the small models the lab trains most, a step of tfjs kernels is
 * mostly dispatch (34 of them even in the written-out step, a few microseconds each).
 *
 * The arithmetic is the written-out step's: each sum of products is taken in double
 * precision and stored as float32, the loss too (as the fused cross-entropy kernel does), and
 * every optimizer update is tfjs' own, each intermediate rounded to float32 (Math.fround) in
 * the order tfjs computes it; so it differs from the tfjs step by float32 rounding only.
 */

/** The activations the fused step computes (its derivative from the activation's output). */
const FUSED_ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'linear'] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

export function isFusedActivation(activation: Activation): activation is FusedActivation {
  return (FUSED_ACTIVATIONS as readonly string[]).includes(activation);
}

/** tfjs' and PyTorch's leaky ReLU slope, as models/activation.ts uses it. */
const LEAKY_RELU_ALPHA = 0.01;
/** Classical momentum and tfjs' RMSprop decay, as train/optimizers.ts configures them. */
const MOMENTUM = 0.9;
const RMSPROP_DECAY = 0.9;
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;

const f = Math.fround;

/** The optimizers the fused step writes out (all but Shampoo). */
export type FusedOptimizer = Exclude<TrainSpec['optimizer'], 'shampoo'>;

export function isFusedOptimizer(optimizer: TrainSpec['optimizer']): optimizer is FusedOptimizer {
  return optimizer !== 'shampoo';
}

export interface FusedDenseConfig {
  /** Units layer by layer: [features, hidden..., classes]. */
  sizes: readonly number[];
  activation: FusedActivation;
  optimizer: FusedOptimizer;
  weightDecay: number;
  /** The backend's epsilon (tfjs' Adam and RMSprop default). */
  epsilon: number;
  /** Rows of every batch (probes pad their last batch to this). */
  batchSize: number;
}

export interface StepResult {
  /** Mean softmax cross-entropy over the batch. */
  loss: number;
  /** Samples of the batch whose largest logit is their label. */
  hits: number;
}

export class FusedDenseStep {
  /** Kernel ([inputs, units], row-major) and bias of each layer, alternating. */
  readonly params: Float32Array[];
  /** The last step's gradients, in the same layout. */
  readonly grads: Float32Array[];
  /** Per parameter array: the optimizer's slots (Adam m and v, RMSprop ms and moments, ...). */
  private readonly slots: Float32Array[][];
  /** Each layer's output for the batch (post-activation for hidden layers, logits last). */
  private readonly outputs: Float32Array[];
  /** d loss / d pre-activation, per layer. */
  private readonly deltas: Float32Array[];
  /** Where each batch row starts in its layer's input (the samples' rows for the first). */
  private readonly rowOffsets: Int32Array;
  /** beta^t as tfjs' Adam holds them (float32). */
  private accBeta1 = f(ADAM_BETA1);
  private accBeta2 = f(ADAM_BETA2);

  constructor(
    private readonly config: FusedDenseConfig,
    initial: readonly Float32Array[],
  ) {
    const { sizes, batchSize } = config;
    const layers = sizes.length - 1;
    if (initial.length !== 2 * layers) throw new Error('one kernel and one bias per layer');
    this.params = initial.map((values) => Float32Array.from(values));
    this.grads = initial.map((values) => new Float32Array(values.length));
    const slotCount = { sgd: 0, momentum: 1, adam: 2, adamw: 2, rmsprop: 2 }[config.optimizer];
    this.slots = initial.map((values) =>
      Array.from({ length: slotCount }, () => new Float32Array(values.length)),
    );
    this.outputs = sizes.slice(1).map((units) => new Float32Array(batchSize * units));
    this.deltas = sizes.slice(1).map((units) => new Float32Array(batchSize * units));
    this.rowOffsets = new Int32Array(batchSize);
  }

  /**
   * One step on the rows `batch` of `x` ([samples, features], row-major) with `labels` per
   * sample, at `learningRate`; updates the parameters and returns the batch's loss and hits
   * (at the parameters before the update, as the tfjs step reports them).
   */
  step(x: Float32Array, labels: Int32Array, batch: Int32Array, learningRate: number): StepResult {
    const result = this.forwardAndBackward(x, labels, batch);
    this.update(learningRate);
    return result;
  }

  /** Writes the gradients of the batch's mean loss into `grads`; returns loss and hits. */
  forwardAndBackward(x: Float32Array, labels: Int32Array, batch: Int32Array): StepResult {
    const { sizes, activation } = this.config;
    const rows = batch.length;
    const layers = sizes.length - 1;
    for (let layer = 0; layer < layers; layer++) {
      this.forwardLayer(layer, x, batch, rows);
      if (layer < layers - 1) activate(this.outputs[layer] as Float32Array, activation);
    }
    const result = this.crossEntropy(labels, batch);
    for (let layer = layers - 1; layer >= 0; layer--) {
      this.backwardLayer(layer, x, batch, rows);
    }
    return result;
  }

  /** outputs[layer] = input · kernel + bias for the batch's rows. */
  private forwardLayer(layer: number, x: Float32Array, batch: Int32Array, rows: number): void {
    const inputs = this.config.sizes[layer] as number;
    const units = this.config.sizes[layer + 1] as number;
    const kernel = this.params[2 * layer] as Float32Array;
    const bias = this.params[2 * layer + 1] as Float32Array;
    const out = this.outputs[layer] as Float32Array;
    const source = layer === 0 ? x : (this.outputs[layer - 1] as Float32Array);
    const blocked = units - (units % 4);
    for (let r = 0; r < rows; r++) {
      const inRow = (layer === 0 ? (batch[r] as number) : r) * inputs;
      const outRow = r * units;
      // Four units at a time, summed in registers: one input read per four multiply-adds.
      for (let j = 0; j < blocked; j += 4) {
        let s0 = bias[j] as number;
        let s1 = bias[j + 1] as number;
        let s2 = bias[j + 2] as number;
        let s3 = bias[j + 3] as number;
        for (let i = 0, w = j; i < inputs; i++, w += units) {
          const a = source[inRow + i] as number;
          s0 += a * (kernel[w] as number);
          s1 += a * (kernel[w + 1] as number);
          s2 += a * (kernel[w + 2] as number);
          s3 += a * (kernel[w + 3] as number);
        }
        out[outRow + j] = s0;
        out[outRow + j + 1] = s1;
        out[outRow + j + 2] = s2;
        out[outRow + j + 3] = s3;
      }
      for (let j = blocked; j < units; j++) {
        let sum = bias[j] as number;
        for (let i = 0, w = j; i < inputs; i++, w += units) {
          sum += (source[inRow + i] as number) * (kernel[w] as number);
        }
        out[outRow + j] = sum;
      }
    }
  }

  /** Softmax cross-entropy of the logits; its gradient into the last layer's delta. */
  private crossEntropy(labels: Int32Array, batch: Int32Array): StepResult {
    const { sizes } = this.config;
    const classes = sizes[sizes.length - 1] as number;
    const logits = this.outputs[this.outputs.length - 1] as Float32Array;
    const d = this.deltas[this.deltas.length - 1] as Float32Array;
    return softmaxCrossEntropyRows(logits, batch.length, classes, labels, d, batch);
  }

  /**
   * The layer's kernel and bias gradients from its delta, and (below the first layer) the
   * delta of the layer beneath: delta · kernelᵀ times the activation's derivative.
   */
  private backwardLayer(layer: number, x: Float32Array, batch: Int32Array, rows: number): void {
    const inputs = this.config.sizes[layer] as number;
    const units = this.config.sizes[layer + 1] as number;
    const kernel = this.params[2 * layer] as Float32Array;
    const dKernel = this.grads[2 * layer] as Float32Array;
    const dBias = this.grads[2 * layer + 1] as Float32Array;
    const delta = this.deltas[layer] as Float32Array;
    const source = layer === 0 ? x : (this.outputs[layer - 1] as Float32Array);
    const rowOf = this.rowOffsets;
    for (let r = 0; r < rows; r++) rowOf[r] = (layer === 0 ? (batch[r] as number) : r) * inputs;
    for (let j = 0; j < units; j++) {
      let sum = 0;
      for (let r = 0, d = j; r < rows; r++, d += units) sum += delta[d] as number;
      dBias[j] = sum;
    }
    const blocked = units - (units % 4);
    for (let i = 0; i < inputs; i++) {
      const w = i * units;
      // Four units at a time over the batch, summed in registers.
      for (let j = 0; j < blocked; j += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let r = 0, d = j; r < rows; r++, d += units) {
          const a = source[(rowOf[r] as number) + i] as number;
          s0 += a * (delta[d] as number);
          s1 += a * (delta[d + 1] as number);
          s2 += a * (delta[d + 2] as number);
          s3 += a * (delta[d + 3] as number);
        }
        dKernel[w + j] = s0;
        dKernel[w + j + 1] = s1;
        dKernel[w + j + 2] = s2;
        dKernel[w + j + 3] = s3;
      }
      for (let j = blocked; j < units; j++) {
        let sum = 0;
        for (let r = 0, d = j; r < rows; r++, d += units) {
          sum += (source[(rowOf[r] as number) + i] as number) * (delta[d] as number);
        }
        dKernel[w + j] = sum;
      }
    }
    if (layer === 0) return;
    const below = this.deltas[layer - 1] as Float32Array;
    const activations = this.outputs[layer - 1] as Float32Array;
    const { activation } = this.config;
    for (let r = 0; r < rows; r++) {
      const dRow = r * units;
      const bRow = r * inputs;
      for (let i = 0; i < inputs; i++) {
        const a = activations[bRow + i] as number;
        // ReLU's derivative is zero where its output is: skip the product.
        if (activation === 'relu' && a <= 0) {
          below[bRow + i] = 0;
          continue;
        }
        const w = i * units;
        let sum = 0;
        for (let j = 0; j < units; j++) {
          sum += (delta[dRow + j] as number) * (kernel[w + j] as number);
        }
        below[bRow + i] = f(sum) * derivative(a, activation);
      }
    }
  }

  /** The optimizer's update of every parameter from `grads`, then decoupled weight decay. */
  private update(learningRate: number): void {
    const { optimizer, epsilon, weightDecay } = this.config;
    const rate = f(learningRate);
    const correction1 = f(1 - this.accBeta1);
    const correction2 = f(1 - this.accBeta2);
    for (let p = 0; p < this.params.length; p++) {
      const value = this.params[p] as Float32Array;
      const g = this.grads[p] as Float32Array;
      const [s0, s1] = this.slots[p] as Float32Array[];
      switch (optimizer) {
        case 'sgd':
          sgd(value, g, rate);
          break;
        case 'momentum':
          momentum(value, g, s0 as Float32Array, rate);
          break;
        case 'adam':
        case 'adamw':
          adamUpdate(
            value,
            s0 as Float32Array,
            s1 as Float32Array,
            g,
            {
              beta1: ADAM_BETA1,
              beta2: ADAM_BETA2,
              epsilon,
              learningRate,
              oneMinusAccBeta1: correction1,
              oneMinusAccBeta2: correction2,
            },
            [value, s0 as Float32Array, s1 as Float32Array],
          );
          break;
        case 'rmsprop':
          rmsprop(value, g, s0 as Float32Array, s1 as Float32Array, rate, f(epsilon));
          break;
      }
      // optimizers.ts' applyDecoupledWeightDecay: w · (1 − lr · decay), the factor in float32.
      if (weightDecay !== 0) {
        const factor = f(1 - learningRate * weightDecay);
        for (let i = 0; i < value.length; i++) value[i] = f((value[i] as number) * factor);
      }
    }
    this.accBeta1 = f(this.accBeta1 * f(ADAM_BETA1));
    this.accBeta2 = f(this.accBeta2 * f(ADAM_BETA2));
  }
}

function activate(z: Float32Array, activation: FusedActivation): void {
  if (activation === 'linear') return;
  for (let i = 0; i < z.length; i++) {
    const v = z[i] as number;
    switch (activation) {
      case 'relu':
        z[i] = v > 0 ? v : 0;
        break;
      case 'leakyRelu':
        z[i] = v < 0 ? LEAKY_RELU_ALPHA * v : v;
        break;
      case 'elu':
        z[i] = v >= 0 ? v : Math.expm1(v);
        break;
      case 'tanh':
        z[i] = Math.tanh(v);
        break;
      case 'sigmoid':
        z[i] = 1 / (1 + Math.exp(-v));
        break;
    }
  }
}

/** d activation / d pre-activation, from the activation's output a (as tfjs' gradients). */
function derivative(a: number, activation: FusedActivation): number {
  switch (activation) {
    case 'relu':
      return a > 0 ? 1 : 0;
    case 'leakyRelu':
      return a > 0 ? 1 : LEAKY_RELU_ALPHA;
    case 'elu':
      return a >= 0 ? 1 : a + 1;
    case 'tanh':
      return 1 - a * a;
    case 'sigmoid':
      return a * (1 - a);
    case 'linear':
      return 1;
  }
}

/** tf.train.sgd: value + (−lr) · g. */
function sgd(value: Float32Array, g: Float32Array, rate: number): void {
  const minusRate = f(-rate);
  for (let i = 0; i < value.length; i++) {
    value[i] = f(f(minusRate * (g[i] as number)) + (value[i] as number));
  }
}

/** tf.train.momentum(lr, 0.9): accumulation · m + g, then value + (−lr) · accumulation. */
function momentum(value: Float32Array, g: Float32Array, accumulation: Float32Array, rate: number) {
  const m = f(MOMENTUM);
  const minusRate = f(-rate);
  for (let i = 0; i < value.length; i++) {
    const acc = f(f(m * (accumulation[i] as number)) + (g[i] as number));
    accumulation[i] = acc;
    value[i] = f(f(minusRate * acc) + (value[i] as number));
  }
}

/** tf.train.rmsprop(lr): decay 0.9, no momentum, not centered, as tfjs computes it. */
function rmsprop(
  value: Float32Array,
  g: Float32Array,
  meanSquare: Float32Array,
  moments: Float32Array,
  rate: number,
  epsilon: number,
): void {
  const decay = f(RMSPROP_DECAY);
  const oneMinusDecay = f(1 - RMSPROP_DECAY);
  for (let i = 0; i < value.length; i++) {
    const gi = g[i] as number;
    const ms = f(f((meanSquare[i] as number) * decay) + f(f(gi * gi) * oneMinusDecay));
    // tfjs' momentum term is 0 · moments, which stays 0 for finite moments.
    const moment = f(
      f(0 * (moments[i] as number)) + f(f(gi * rate) / f(Math.sqrt(f(ms + epsilon)))),
    );
    meanSquare[i] = ms;
    moments[i] = moment;
    value[i] = f((value[i] as number) - moment);
  }
}
