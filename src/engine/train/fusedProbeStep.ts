import * as tf from '@tensorflow/tfjs';
import type { TrainSpec } from '../experiment/index.ts';
import {
  FusedDenseStep,
  isFusedActivation,
  isFusedOptimizer,
  type StepResult,
} from '../kernels/fusedDenseStep.ts';
import type { ModelPlan } from '../models/index.ts';
import type { ConvergenceRecord } from './convergenceRecord.ts';

/**
 * A probe's training steps taken by the fused dense step (kernels/fusedDenseStep.ts): the
 * weights, the optimizer's state and the samples live in JavaScript arrays while the probe
 * trains, and go to the model's variables only when something reads the model (the fit
 * check, the convergence check, the test accuracy), so a step issues no tfjs kernel at all.
 */
export interface FusedProbeStep {
  /** One step on the subset positions `batch`; the batch's loss and hits. */
  step(batch: Int32Array, learningRate: number): StepResult;
  /** Writes the current weights into the model's variables, if they moved since. */
  syncModel(): void;
  /** Reads the weights back after something else moved the variables (a saddle escape). */
  reloadModel(): void;
  /** Hands the gradients summed since the last flush to the probe's convergence record. */
  flushStall(convergence: ConvergenceRecord): void;
  /** The stall restarted: drops the gradients not yet flushed. */
  restartStall(): void;
}

/**
 * Where the fused step beats tfjs' kernels: multiply-adds per step (batch × parameters) up
 * to this many on wasm, whose matrix products are XNNPACK's SIMD loops; the fused step's
 * scalar JavaScript keeps up with them only while the step's thirty-odd dispatches
 * dominate. Measured on the dev machine (`npm run bench -- --fused`, fused / tfjs steps/s):
 * 16-8-4 full batch of 100 (17k) 3.5×, 16-32-4 full batch of 400 (270k) 1.1×, 64-64-10
 * batch 64 (308k) 0.94×, 100-64-10 batch 128 (0.9M) 0.42×, 784-32-10 batch 128 (3.3M)
 * 0.32×. The cpu backend's products are JavaScript loops too: there the fused step was
 * 2.6–9.7× faster at every size measured.
 */
export const FUSED_MAX_MULTIPLY_ADDS_WASM = 300_000;

/**
 * Whether the fused step can train this plan with this optimizer (dense layers, an
 * activation and an optimizer it computes: Shampoo's matrix roots are not written out; and
 * the weights themselves train, not a subspace or shadow weights).
 */
export function fusedStepSupports(plan: ModelPlan, train: Pick<TrainSpec, 'optimizer'>): boolean {
  return (
    plan.dense !== undefined &&
    plan.reparameterization === undefined &&
    isFusedActivation(plan.dense.activation) &&
    isFusedOptimizer(train.optimizer)
  );
}

/** Whether a probe of this plan trains with the fused step on the running backend. */
export function fusedStepApplies(
  plan: ModelPlan,
  train: Pick<TrainSpec, 'optimizer'>,
  batchSize: number,
  backend = tf.getBackend(),
): boolean {
  if (!fusedStepSupports(plan, train)) return false;
  if (backend === 'cpu') return true;
  if (backend !== 'wasm') return false;
  return batchSize * plan.parameterCount <= FUSED_MAX_MULTIPLY_ADDS_WASM;
}

/** Where a probe's parameters live in tfjs: read once, written back when the model is read. */
export interface FusedModelAccess {
  /** Each parameter's shape as the probe's convergence record holds it. */
  shapes: number[][];
  read(): Float32Array[];
  write(values: readonly Float32Array[]): void;
}

/** A single model's trainable variables, alternating kernel and bias. */
export function variablesAccess(weights: readonly tf.Variable[]): FusedModelAccess {
  return {
    shapes: weights.map((w) => [...w.shape]),
    read: () => weights.map((w) => Float32Array.from(w.dataSync())),
    write: (values) =>
      weights.forEach((w, p) => {
        tf.tidy(() => w.assign(tf.tensor(values[p] as Float32Array, w.shape)));
      }),
  };
}

/** Member `index` of stacked variables (a leading axis of members): its own slices. */
export function memberAccess(variables: readonly tf.Variable[], index: number): FusedModelAccess {
  return {
    shapes: variables.map((v) => [1, ...v.shape.slice(1)]),
    read: () =>
      variables.map((v) => tf.tidy(() => Float32Array.from(v.slice(index, 1).dataSync()))),
    write: (values) =>
      variables.forEach((v, p) => {
        tf.tidy(() => {
          const members = v.shape[0] as number;
          const own = tf.tensor(values[p] as Float32Array, [1, ...v.shape.slice(1)]);
          const parts = [
            ...(index > 0 ? [v.slice(0, index)] : []),
            own,
            ...(index < members - 1 ? [v.slice(index + 1, members - index - 1)] : []),
          ];
          v.assign(parts.length === 1 ? own : tf.concat(parts, 0));
        });
      }),
  };
}

/**
 * The fused step for a probe of an MLP or linear classifier whose parameters (`model`)
 * alternate kernel and bias, on the samples `x` (any shape; each sample flattened) with
 * integer `labels`. Reads x and the parameters once.
 */
export function createFusedProbeStep(
  plan: ModelPlan,
  model: FusedModelAccess,
  train: TrainSpec,
  samples: { x: tf.Tensor; labels: tf.Tensor1D },
  batchSize: number,
): FusedProbeStep {
  const activation = plan.dense?.activation;
  const { optimizer } = train;
  if (activation === undefined || !isFusedActivation(activation) || !isFusedOptimizer(optimizer)) {
    throw new Error(`${plan.describe()} trained with ${optimizer} has no fused step`);
  }
  // Kernels are [..., inputs, units]: the layer sizes, whatever leading axis they carry.
  const kernels = model.shapes.filter((_, i) => i % 2 === 0);
  const sizes = [
    ...kernels.map((shape) => shape[shape.length - 2] as number),
    kernels[kernels.length - 1]?.at(-1) as number,
  ];
  const x = samples.x.dataSync() as Float32Array;
  const labels = Int32Array.from(samples.labels.dataSync());
  const kernel = new FusedDenseStep(
    {
      sizes,
      activation,
      optimizer,
      weightDecay: train.weightDecay,
      epsilon: tf.backend().epsilon(),
      batchSize,
    },
    model.read(),
  );
  const stall = kernel.params.map((p) => new Float32Array(p.length));
  let stallSteps = 0;
  let modelBehind = false;
  return {
    step(batch, learningRate) {
      const result = kernel.step(x, labels, batch, learningRate);
      kernel.grads.forEach((g, p) => {
        const sum = stall[p] as Float32Array;
        for (let i = 0; i < g.length; i++) {
          sum[i] = Math.fround((sum[i] as number) + (g[i] as number));
        }
      });
      stallSteps++;
      modelBehind = true;
      return result;
    },
    syncModel() {
      if (!modelBehind) return;
      // Copies: the cpu backend keeps the array it is given as the tensor's own values.
      model.write(kernel.params.map((p) => p.slice()));
      modelBehind = false;
    },
    reloadModel() {
      model.read().forEach((values, p) => (kernel.params[p] as Float32Array).set(values));
      modelBehind = false;
    },
    flushStall(convergence) {
      if (stallSteps === 0) return;
      tf.tidy(() => {
        convergence.addStep(
          stall.map((sum, p) => tf.tensor(sum.slice(), model.shapes[p])),
          stallSteps,
        );
      });
      this.restartStall();
    },
    restartStall() {
      for (const sum of stall) sum.fill(0);
      stallSteps = 0;
    },
  };
}
