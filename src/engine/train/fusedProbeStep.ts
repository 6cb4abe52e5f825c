import * as tf from '@tensorflow/tfjs';
import type { TrainSpec } from '../experiment/index.ts';
import { FusedDenseStep, isFusedActivation, type StepResult } from '../kernels/fusedDenseStep.ts';
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
 * scalar JavaScript catches up with them only while the step's thirty-odd dispatches
 * dominate. Measured on the dev machine (bench: `-- --fused`): 16-32-4 on a full batch of
 * 400 (84k) fused, 784-32-10 at batch 128 (3.3M) not. The cpu backend's products are
 * JavaScript loops too, so there the fused step is never slower.
 */
export const FUSED_MAX_MULTIPLY_ADDS_WASM = 400_000;

/** Whether the fused step can train this plan (dense layers, an activation it computes). */
export function fusedStepSupports(plan: ModelPlan): boolean {
  return plan.dense !== undefined && isFusedActivation(plan.dense.activation);
}

/** Whether a probe of this plan trains with the fused step on the running backend. */
export function fusedStepApplies(
  plan: ModelPlan,
  batchSize: number,
  backend = tf.getBackend(),
): boolean {
  if (!fusedStepSupports(plan)) return false;
  if (backend === 'cpu') return true;
  if (backend !== 'wasm') return false;
  return batchSize * plan.parameterCount <= FUSED_MAX_MULTIPLY_ADDS_WASM;
}

/**
 * The fused step for a probe of an MLP or linear classifier whose trainable `weights`
 * alternate kernel and bias, on the samples `x` (any shape; each sample flattened) with
 * integer `labels`. Reads x and the weights once.
 */
export function createFusedProbeStep(
  plan: ModelPlan,
  weights: readonly tf.Variable[],
  train: TrainSpec,
  samples: { x: tf.Tensor; labels: tf.Tensor1D },
  batchSize: number,
): FusedProbeStep {
  const activation = plan.dense?.activation;
  if (activation === undefined || !isFusedActivation(activation)) {
    throw new Error(`${plan.describe()} has no fused step`);
  }
  const kernels = weights.filter((_, i) => i % 2 === 0);
  const sizes = [
    ...kernels.map((k) => k.shape[0] as number),
    kernels[kernels.length - 1]?.shape[1] as number,
  ];
  const x = samples.x.dataSync() as Float32Array;
  const labels = Int32Array.from(samples.labels.dataSync());
  const read = () => weights.map((w) => w.dataSync() as Float32Array);
  const kernel = new FusedDenseStep(
    {
      sizes,
      activation,
      optimizer: train.optimizer,
      weightDecay: train.weightDecay,
      epsilon: tf.backend().epsilon(),
      batchSize,
    },
    read(),
  );
  const stall = kernel.params.map((p) => new Float32Array(p.length));
  let stallSteps = 0;
  let modelBehind = false;
  return {
    step(batch, learningRate) {
      const result = kernel.step(x, labels, batch, learningRate);
      kernel.grads.forEach((g, p) => {
        const sum = stall[p] as Float32Array;
        for (let i = 0; i < g.length; i++)
          sum[i] = Math.fround((sum[i] as number) + (g[i] as number));
      });
      stallSteps++;
      modelBehind = true;
      return result;
    },
    syncModel() {
      if (!modelBehind) return;
      weights.forEach((w, p) => {
        // A copy: the cpu backend keeps the array it is given as the tensor's own values.
        tf.tidy(() => w.assign(tf.tensor((kernel.params[p] as Float32Array).slice(), w.shape)));
      });
      modelBehind = false;
    },
    reloadModel() {
      read().forEach((values, p) => (kernel.params[p] as Float32Array).set(values));
      modelBehind = false;
    },
    flushStall(convergence) {
      if (stallSteps === 0) return;
      tf.tidy(() => {
        convergence.addStep(
          stall.map((sum, p) => tf.tensor(sum.slice(), weights[p]?.shape)),
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
