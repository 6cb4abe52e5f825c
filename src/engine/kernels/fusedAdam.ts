import * as tf from '@tensorflow/tfjs';
import { hasTypedKernel, registerTypedKernel, runTypedKernel } from './typedKernel.ts';

/**
 * Adam as one kernel per (small) weight instead of fifteen ops. tfjs' AdamOptimizer updates each weight
 * with about fifteen elementwise ops (moments, bias correction, square root, step); on the
 * CPU backends every op costs a dispatch, which dominates the step of the small models the
 * lab trains most (16-32-4: 128 kernels a step, 60 of them Adam's). This kernel runs the
 * same update in one pass over the weight's values.
 *
 * Exactly tfjs' arithmetic: every intermediate is rounded to float32 (Math.fround) in the
 * order AdamOptimizer.applyGradients computes it, so the weights it produces are bit for
 * bit those of tf.train.adam on the cpu and wasm backends (a unit test holds them equal).
 */
export const ADAM_UPDATE_KERNEL = 'EmcAdamUpdate';

const f = Math.fround;

export interface AdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  /** 1 - beta1^t and 1 - beta2^t, each as tfjs holds them: float32. */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
}

/**
 * newValue, newM, newV from value, m, v and the gradient g, all the same length (the outputs
 * may be the inputs themselves: each element is read before it is written).
 */
export function adamUpdate(
  value: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  attrs: AdamAttrs,
  out: [Float32Array, Float32Array, Float32Array],
): void {
  const [newValue, newM, newV] = out;
  const b1 = f(attrs.beta1);
  const b2 = f(attrs.beta2);
  const oneMinusB1 = f(1 - attrs.beta1);
  const oneMinusB2 = f(1 - attrs.beta2);
  const correction1 = f(attrs.oneMinusAccBeta1);
  const correction2 = f(attrs.oneMinusAccBeta2);
  const epsilon = f(attrs.epsilon);
  const minusRate = f(-attrs.learningRate);
  for (let i = 0; i < value.length; i++) {
    const gi = g[i] as number;
    const mi = f(f((m[i] as number) * b1) + f(gi * oneMinusB1));
    const vi = f(f((v[i] as number) * b2) + f(f(gi * gi) * oneMinusB2));
    const mHat = f(mi / correction1);
    const vHat = f(vi / correction2);
    const step = f(f(mHat / f(f(Math.sqrt(vHat)) + epsilon)) * minusRate);
    newValue[i] = f(step + (value[i] as number));
    newM[i] = mi;
    newV[i] = vi;
  }
}

/** Registers the kernel for cpu and wasm; idempotent. */
export function registerFusedAdam(): void {
  registerTypedKernel<AdamAttrs>({
    name: ADAM_UPDATE_KERNEL,
    outputShapes: ([valueShape]) => [0, 1, 2].map(() => valueShape as number[]),
    compute: ([value, m, v, g], outputs, _shapes, attrs) =>
      adamUpdate(
        value as Float32Array,
        m as Float32Array,
        v as Float32Array,
        g as Float32Array,
        attrs,
        outputs as [Float32Array, Float32Array, Float32Array],
      ),
  });
}

/** Whether the running backend has the fused kernel (webgpu and webgl keep tfjs' Adam). */
export function fusedAdamAvailable(): boolean {
  return hasTypedKernel(ADAM_UPDATE_KERNEL);
}

/**
 * Above this many values a weight is updated with tfjs' own ops: their SIMD loops beat one
 * JavaScript pass once the fifteen dispatches are amortized (measured on wasm: 270k values
 * take 2.9 ms in JavaScript, 1.3 ms as ops; 700 values 0.08 ms against 0.24 ms).
 */
const FUSED_MAX_SIZE = 8192;

/** AdamOptimizer.applyGradients' arithmetic for one weight, op for op. */
function composedUpdate(value: tf.Variable, moments: Moments, g: tf.Tensor, attrs: AdamAttrs) {
  tf.tidy(() => {
    const newM = tf.add(tf.mul(moments.m, attrs.beta1), tf.mul(g, 1 - attrs.beta1));
    const newV = tf.add(tf.mul(moments.v, attrs.beta2), tf.mul(tf.square(g), 1 - attrs.beta2));
    const mHat = tf.div(newM, attrs.oneMinusAccBeta1);
    const vHat = tf.div(newV, attrs.oneMinusAccBeta2);
    moments.m.assign(newM);
    moments.v.assign(newV);
    const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), attrs.epsilon)), -attrs.learningRate);
    value.assign(tf.add(step, value));
  });
}

interface Moments {
  m: tf.Variable;
  v: tf.Variable;
}

/**
 * tf.train.adam with the fused update: the same hyperparameters (tfjs' defaults, beta1 0.9,
 * beta2 0.999, epsilon the backend's), the same state, the same weights after every step.
 * `learningRate` is read on every step, as tfjs' Adam reads it (setLearningRate relies on it).
 */
export class FusedAdamOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'EmcFusedAdam';
  }

  readonly beta1 = 0.9;
  readonly beta2 = 0.999;
  readonly epsilon = tf.backend().epsilon();
  /** beta^t as tfjs' accBeta variables hold them (float32), kept here without a device read. */
  private accBeta1 = f(this.beta1);
  private accBeta2 = f(this.beta2);
  private readonly moments = new Map<string, Moments>();

  constructor(public learningRate: number) {
    super();
  }

  applyGradients(gradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const named = Array.isArray(gradients)
      ? gradients.map(({ name, tensor }) => [name, tensor] as const)
      : Object.entries(gradients);
    const attrs: AdamAttrs = {
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      learningRate: this.learningRate,
      oneMinusAccBeta1: f(1 - this.accBeta1),
      oneMinusAccBeta2: f(1 - this.accBeta2),
    };
    for (const [name, gradient] of named) {
      const value = tf.engine().registeredVariables[name] as tf.Variable;
      let moments = this.moments.get(name);
      if (!moments) {
        moments = tf.tidy(() => ({
          m: tf.zerosLike(value).variable(false),
          v: tf.zerosLike(value).variable(false),
        }));
        this.moments.set(name, moments);
      }
      if (gradient == null) continue;
      if (value.size > FUSED_MAX_SIZE) {
        composedUpdate(value, moments, gradient, attrs);
        continue;
      }
      const [newValue, newM, newV] = runTypedKernel(
        ADAM_UPDATE_KERNEL,
        { value, m: moments.m, v: moments.v, g: gradient },
        attrs,
      );
      value.assign(newValue as tf.Tensor);
      moments.m.assign(newM as tf.Tensor);
      moments.v.assign(newV as tf.Tensor);
      tf.dispose([newValue, newM, newV] as tf.Tensor[]);
    }
    this.accBeta1 = f(this.accBeta1 * f(this.beta1));
    this.accBeta2 = f(this.accBeta2 * f(this.beta2));
    this.incrementIterations();
  }

  override dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }

  override async getWeights(): Promise<{ name: string; tensor: tf.Tensor }[]> {
    throw new Error('the fused Adam optimizer is not saved with a model');
  }

  override async setWeights(): Promise<void> {
    throw new Error('the fused Adam optimizer is not restored with a model');
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
    };
  }
}
