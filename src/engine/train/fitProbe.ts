import * as tf from '@tensorflow/tfjs';
import { checkpoint, type RunControl } from '../control.ts';
import type { ModelPlan } from '../models/index.ts';
import { createRng, permutation } from '../random.ts';
import { EVAL_CHUNK, type TrainSpec } from '../spec/index.ts';
import { applyDecoupledWeightDecay, createOptimizer, disposeOptimizer } from './optimizers.ts';
import { PlateauDetector } from './plateau.ts';

/** Why a probe ended. "fit" is the only success; the others are the ways to not fit. */
export type StopReason = 'fit' | 'plateau' | 'budget' | 'diverged';

export interface EpochMetrics {
  epoch: number;
  loss: number;
  /** Accuracy on all N training samples, in inference mode. */
  accuracy: number;
}

export interface ProbeOutcome {
  n: number;
  fits: boolean;
  stopReason: StopReason;
  epochs: number;
  steps: number;
  finalLoss: number;
  finalAccuracy: number;
  /** Held-out accuracy of the trained model, when the dataset has a test split. */
  testAccuracy: number | null;
  wallMs: number;
}

/** Data already on the backend: uploaded once per run, shared by every probe. */
export interface DeviceSamples {
  x: tf.Tensor;
  /** int32 class indices. */
  y: tf.Tensor1D;
}

export interface FitProbeInput {
  plan: ModelPlan;
  pool: DeviceSamples;
  test?: DeviceSamples;
  classes: number;
  /** The N to test. */
  n: number;
  /** This seed's permutation of the pool; the probe trains on its first n entries. */
  order: Int32Array;
  train: TrainSpec;
  /** Seeds the initialization and the per-epoch shuffles. */
  seed: number;
  control?: RunControl;
  onEpoch?: (metrics: EpochMetrics) => void;
}

/**
 * The fit test of DESIGN.md for one N: train a fresh model on the first N samples and stop
 * as soon as all N are classified correctly ("fit"), or when the loss plateaus, diverges or
 * the epoch budget is spent. Everything it allocates is disposed, also when cancelled.
 */
export async function fitProbe(input: FitProbeInput): Promise<ProbeOutcome> {
  const started = performance.now();
  const { n, train, classes } = input;
  const batchSize = train.batchSize === 'full' ? n : Math.min(train.batchSize, n);
  const stepsPerEpoch = Math.ceil(n / batchSize);

  const subset = tf.tidy(() => {
    const indices = tf.tensor1d(input.order.subarray(0, n), 'int32');
    const labels = tf.gather(input.pool.y, indices) as tf.Tensor1D;
    return {
      x: tf.gather(input.pool.x, indices),
      labels,
      targets: tf.oneHot(labels, classes).toFloat(),
    };
  });
  const model = input.plan.build(input.seed);
  const optimizer = createOptimizer(train);
  const shuffleRng = createRng(input.seed ^ 0x5bd1e995);
  const plateau = new PlateauDetector(train.patience, train.minDelta);

  let epoch = 0;
  let steps = 0;
  let loss = Number.NaN;
  let accuracy = 0;
  let stopReason: StopReason = 'budget';
  try {
    while (epoch < train.maxEpochs) {
      epoch++;
      const lossSum = await trainOneEpoch();
      if (epoch % train.checkEvery !== 0 && epoch < train.maxEpochs) {
        lossSum.dispose();
        continue;
      }
      const correct = countCorrect(model, subset.x, subset.labels);
      const summary = tf.tidy(() => tf.stack([lossSum.div(stepsPerEpoch), correct.toFloat()]));
      lossSum.dispose();
      correct.dispose();
      const [meanLoss, correctCount] = Array.from(await summary.data());
      summary.dispose();
      loss = meanLoss as number;
      accuracy = (correctCount as number) / n;
      input.onEpoch?.({ epoch, loss, accuracy });
      if (correctCount === n) {
        stopReason = 'fit';
        break;
      }
      if (!Number.isFinite(loss)) {
        stopReason = 'diverged';
        break;
      }
      if (plateau.update(epoch, loss)) {
        stopReason = 'plateau';
        break;
      }
    }
    const testAccuracy = input.test ? await accuracyOn(model, input.test) : null;
    return {
      n,
      fits: stopReason === 'fit',
      stopReason,
      epochs: epoch,
      steps,
      finalLoss: loss,
      finalAccuracy: accuracy,
      testAccuracy,
      wallMs: performance.now() - started,
    };
  } finally {
    model.dispose();
    disposeOptimizer(optimizer);
    tf.dispose(subset);
  }

  /** One pass over the N samples in a fresh seeded order; returns the summed batch losses. */
  async function trainOneEpoch(): Promise<tf.Scalar> {
    // The last batch wraps around to the start of the shuffle so every batch has the same
    // shape: one compiled program per model on WebGPU, and no tiny trailing batch.
    const shuffle = permutation(n, shuffleRng);
    const padded = new Int32Array(stepsPerEpoch * batchSize);
    for (let i = 0; i < padded.length; i++) padded[i] = shuffle[i % n] as number;
    const batches = tf.tensor2d(padded, [stepsPerEpoch, batchSize], 'int32');
    let lossSum: tf.Scalar = tf.scalar(0);
    try {
      for (let step = 0; step < stepsPerEpoch; step++) {
        await checkpoint(input.control);
        const next = tf.tidy(() => {
          const idx = batches.slice([step, 0], [1, batchSize]).reshape([batchSize]) as tf.Tensor1D;
          const xb = tf.gather(subset.x, idx);
          const yb = tf.gather(subset.targets, idx);
          const cost = optimizer.minimize(
            () =>
              tf.losses.softmaxCrossEntropy(yb, model.apply(xb, { training: true }) as tf.Tensor),
            true,
          ) as tf.Scalar;
          applyDecoupledWeightDecay(model, train);
          return lossSum.add(cost) as tf.Scalar;
        });
        lossSum.dispose();
        lossSum = next;
        steps++;
      }
      return lossSum;
    } catch (error) {
      lossSum.dispose();
      throw error;
    } finally {
      batches.dispose();
    }
  }
}

/** Number of correctly classified samples, computed on the backend (an int32 scalar). */
function countCorrect(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const rows = x.shape[0] as number;
    let correct: tf.Tensor = tf.scalar(0, 'int32');
    for (let start = 0; start < rows; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, rows - start);
      const logits = model.predict(x.slice(start, size)) as tf.Tensor;
      const hits = tf.equal(logits.argMax(-1), labels.slice(start, size)).sum();
      correct = correct.add(hits);
    }
    return correct as tf.Scalar;
  });
}

async function accuracyOn(model: tf.LayersModel, samples: DeviceSamples): Promise<number> {
  const rows = samples.x.shape[0] as number;
  if (rows === 0) return Number.NaN;
  const correct = countCorrect(model, samples.x, samples.y);
  const value = (await correct.data())[0] as number;
  correct.dispose();
  return value / rows;
}
