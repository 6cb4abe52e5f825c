import * as tf from '@tensorflow/tfjs';
import { checkpoint, type RunControl } from '../control.ts';
import type { ModelPlan } from '../models/index.ts';
import { EVAL_CHUNK, type TrainSpec } from '../experiment/index.ts';
import {
  applyDecoupledWeightDecay,
  createOptimizer,
  disposeOptimizer,
  setLearningRate,
  trainableVariables,
} from './optimizers.ts';
import { ConvergenceRecord } from './convergenceRecord.ts';
import { fullBatchSurface } from './curvature.ts';
import {
  epochShape,
  isCheckedEpoch,
  judgeCheckedEpoch,
  paddedEpochOrder,
  probeBudget,
  shuffleRngFor,
} from './epochRules.ts';
import { PlateauDetector } from './plateau.ts';
import { stepGradientsFor, surfaceGradientsFor } from './stepGradients.ts';
import { reparameterize } from './reparameterize.ts';
import {
  createFusedProbeStep,
  type FusedProbeStep,
  fusedStepApplies,
  fusedStepSupports,
  variablesAccess,
} from './fusedProbeStep.ts';
import { probeModelHooks } from './probeModelHooks.ts';

export type { EpochMetrics, ProbeOutcome, StopReason } from './probeOutcome.ts';
import type { EpochMetrics, ProbeOutcome, StopReason } from './probeOutcome.ts';

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
  /** Called when an inconclusive probe's budget is doubled, with the steps so far. */
  onExtend?: (steps: number) => void;
  /**
   * Run the full fit check on every checkEvery-th epoch, whatever the running accuracy says.
   * Slower; the bench uses it to measure what the gate saves.
   */
  checkUngated?: boolean;
  /**
   * False to verify a verdict: a converged plateau does not end the probe, which trains on
   * (learning-rate cuts included) until it fits or reaches train.maxSteps.
   */
  plateauStops?: boolean;
  /** Judge plateaus on epochs' mean batch loss (the bench's comparison; see epochRules). */
  plateauOnEpochMean?: boolean;
  /**
   * Whether an MLP or linear probe trains with the fused step (train/fusedProbeStep.ts);
   * by default where it is the faster (fusedStepApplies). The bench sets it both ways.
   */
  fusedStep?: boolean;
}

/**
 * The fit test (docs/method.md) for one N: train a fresh model on the first N samples and stop
 * as soon as all N are classified correctly ("fit"), when it has converged without fitting,
 * when the loss diverges, or when the step cap is spent while still inconclusive.
 * Everything it allocates is disposed, also when cancelled.
 */
export async function fitProbe(input: FitProbeInput): Promise<ProbeOutcome> {
  const started = performance.now();
  const { n, train, classes } = input;
  const shape = epochShape(n, train);
  const { batchSize, stepsPerEpoch } = shape;
  const budget = probeBudget(shape, train);

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
  const weights = trainableVariables(model);
  // A random subspace or low-precision weights: the optimizer trains these instead.
  const reparameterized = reparameterize(input.plan.reparameterization, weights, input.seed);
  const trained = reparameterized?.trained ?? weights;
  const stepGradients = stepGradientsFor(model, weights, input.plan);
  const useFused = input.fusedStep ?? fusedStepApplies(input.plan, train, batchSize);
  const fused =
    useFused && fusedStepSupports(input.plan, train)
      ? createFusedProbeStep(input.plan, variablesAccess(weights), train, subset, batchSize)
      : undefined;
  const optimizer = createOptimizer(train);
  const shuffleRng = shuffleRngFor(input.seed);
  const plateau = new PlateauDetector(train.patience, train.minDelta);
  const weightSurface = fullBatchSurface(
    weights,
    (x, labels) =>
      tf.losses.softmaxCrossEntropy(
        tf.oneHot(labels, classes),
        model.apply(x, { training: false }) as tf.Tensor,
      ) as tf.Scalar,
    subset.x,
    subset.labels,
    undefined,
    surfaceGradientsFor(weights, input.plan, classes),
  );
  const surface = reparameterized ? reparameterized.surface(weightSurface) : weightSurface;
  const convergence = new ConvergenceRecord(surface, train, input.seed);
  const modelHooks = probeModelHooks(convergence, fused, () =>
    readCorrect(predictWith(model), subset.x, subset.labels),
  );

  let epoch = 0;
  let steps = 0;
  let loss = Number.NaN;
  let accuracy = 0;
  let extensions = 0;
  let learningRate = train.learningRate;
  let stopReason: StopReason = 'budget';
  try {
    await convergence.measureStart();
    while (epoch < budget.capEpochs) {
      epoch++;
      const sums = fused ? await fusedEpoch() : await trainOneEpoch();
      if (!isCheckedEpoch(epoch, train, budget)) {
        if (!Array.isArray(sums)) sums.dispose();
        continue;
      }
      // One read back per checked epoch: the summed loss and the running hits.
      let lossSum: number;
      let runningHits: number;
      if (Array.isArray(sums)) {
        [lossSum, runningHits] = sums;
      } else {
        [lossSum, runningHits] = Array.from(await sums.data()) as [number, number];
        sums.dispose();
      }
      const verdict = await judgeCheckedEpoch({
        epoch,
        n,
        shape,
        budget,
        lossSum,
        runningHits,
        train,
        plateau,
        ungated: input.checkUngated === true,
        learningRate,
        plateauStops: input.plateauStops !== false,
        plateauOnEpochMean: input.plateauOnEpochMean,
        ...modelHooks,
      });
      const { metrics, stop } = verdict;
      loss = metrics.loss;
      accuracy = metrics.accuracy;
      input.onEpoch?.(metrics);
      if (stop) {
        stopReason = stop;
        break;
      }
      if (verdict.extended) {
        extensions++;
        input.onExtend?.(steps);
      }
      if (verdict.nextLearningRate !== undefined) {
        learningRate = verdict.nextLearningRate;
        setLearningRate(optimizer, learningRate);
      }
    }
    modelHooks.syncModel();
    const testAccuracy = input.test ? await accuracyOn(predictWith(model), input.test) : null;
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
      extensions,
      finalLearningRate: learningRate,
      ...(await convergence.summary(stopReason)),
    };
  } finally {
    model.dispose();
    reparameterized?.dispose();
    disposeOptimizer(optimizer);
    convergence.dispose();
    tf.dispose(subset);
  }

  /** trainOneEpoch with the fused step: the sums are numbers already, nothing to read back. */
  async function fusedEpoch(): Promise<[number, number]> {
    const padded = paddedEpochOrder(n, shape, shuffleRng);
    let lossSum = 0;
    let hitSum = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      await checkpoint(input.control);
      const batch = padded.subarray(step * batchSize, (step + 1) * batchSize);
      const { loss: cost, hits } = (fused as FusedProbeStep).step(batch, learningRate);
      lossSum += cost;
      hitSum += hits;
      steps++;
    }
    return [lossSum, hitSum];
  }

  /**
   * One pass over the N samples in a fresh seeded order. Returns [summed batch losses,
   * running hits] as one device tensor, so the caller reads both with one sync.
   */
  async function trainOneEpoch(): Promise<tf.Tensor1D> {
    const padded = paddedEpochOrder(n, shape, shuffleRng);
    // Two running sums, kept apart so a step adds to each without casting or stacking.
    let lossSum: tf.Scalar = tf.scalar(0);
    let hitSum: tf.Scalar = tf.scalar(0);
    try {
      for (let step = 0; step < stepsPerEpoch; step++) {
        await checkpoint(input.control);
        const next = tf.tidy(() => {
          // Only the batch's indices travel (a few hundred bytes); the samples stay on the
          // backend and are gathered there.
          const idx = tf.tensor1d(
            padded.subarray(step * batchSize, (step + 1) * batchSize),
            'int32',
          );
          const xb = tf.gather(subset.x, idx);
          const targets = tf.gather(subset.targets, idx);
          const labels = tf.gather(subset.labels, idx) as tf.Tensor1D;
          const { loss: cost, hits: stepHits, grads } = stepGradients(xb, labels, targets);
          const trainedGrads = reparameterized ? reparameterized.gradients(grads) : grads;
          optimizer.applyGradients(trainedGrads);
          convergence.addStep(trained.map((w) => trainedGrads[w.name] as tf.Tensor));
          applyDecoupledWeightDecay(trained, train, learningRate);
          reparameterized?.sync();
          return {
            loss: lossSum.add(cost) as tf.Scalar,
            hits: hitSum.add(stepHits) as tf.Scalar,
          };
        });
        tf.dispose([lossSum, hitSum]);
        lossSum = next.loss;
        hitSum = next.hits;
        steps++;
      }
      return tf.tidy(() => tf.stack([lossSum, hitSum]) as tf.Tensor1D);
    } finally {
      tf.dispose([lossSum, hitSum]);
    }
  }
}

/** Inference-mode logits for a batch of samples. */
export type Predict = (x: tf.Tensor) => tf.Tensor;

export const predictWith =
  (model: tf.LayersModel): Predict =>
  (x) =>
    // One batch: callers pass EVAL_CHUNK rows at most, and predict's default of 32 rows a
    // batch costs a slice and a concat per 32 samples.
    model.predict(x, { batchSize: Math.max(1, x.shape[0] ?? 1) }) as tf.Tensor;

/** Number of correctly classified samples, computed on the backend (an int32 scalar). */
export function countCorrect(predict: Predict, x: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const rows = x.shape[0] as number;
    let correct: tf.Tensor = tf.scalar(0, 'int32');
    for (let start = 0; start < rows; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, rows - start);
      const logits = predict(x.slice(start, size));
      const hits = tf.equal(logits.argMax(-1), labels.slice(start, size)).sum();
      correct = correct.add(hits);
    }
    return correct as tf.Scalar;
  });
}

/** countCorrect, read back as a number. */
export async function readCorrect(
  predict: Predict,
  x: tf.Tensor,
  labels: tf.Tensor1D,
): Promise<number> {
  const correct = countCorrect(predict, x, labels);
  const value = (await correct.data())[0] as number;
  correct.dispose();
  return value;
}

export async function accuracyOn(predict: Predict, samples: DeviceSamples): Promise<number> {
  const rows = samples.x.shape[0] as number;
  if (rows === 0) return Number.NaN;
  return (await readCorrect(predict, samples.x, samples.y)) / rows;
}
