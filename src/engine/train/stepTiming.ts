import * as tf from '@tensorflow/tfjs';
import { featureCount } from '../data/types.ts';
import { planModel } from '../models/index.ts';
import { createRng } from '../random.ts';
import type { ExperimentSpec } from '../experiment/index.ts';
import { createOptimizer, disposeOptimizer, trainableVariables } from './optimizers.ts';
import { stepGradientsFor } from './stepGradients.ts';
import { createFusedProbeStep, fusedStepApplies, variablesAccess } from './fusedProbeStep.ts';

/** How fast the current tfjs backend trains a spec's first model. */
export interface StepTiming {
  /** Mean wall time of one optimizer update, after the warm-up. */
  msPerStep: number;
  /** The first updates, which compile GPU programs (WebGPU, WebGL) and are not counted. */
  warmupMs: number;
  /**
   * Updates timed. 0 when the first warm-up update alone took so long that the backend
   * cannot win (msPerStep is then that update's time, compilation included: a lower bound
   * on nothing, an upper bound on what was learned).
   */
  steps: number;
}

export interface StepTimingOptions {
  /** Keep timing until this much time has passed (default 250 ms)... */
  targetMs?: number;
  /** ...or this many updates were timed (default 64)... */
  maxSteps?: number;
  /** ...or a chunk of updates averaged more than this (it cannot be the fastest). */
  giveUpAboveMs?: number;
  /** The least time a first update may take before it can end the timing (default 4 s). */
  warmupAllowanceMs?: number;
}

const WARMUP_STEPS = 2;

/**
 * A first update slower than this many times the give-up time (and than WARMUP_ALLOWANCE_MS)
 * ends the timing: compiling a GPU backend's programs takes a second or two on a real GPU,
 * but a CNN's first step on a software adapter takes several.
 */
const WARMUP_GIVE_UP_FACTOR = 30;
const WARMUP_ALLOWANCE_MS = 4000;

/**
 * Times the training step a run of `spec` would take first: its first width, its batch
 * size, its optimizer and its gradient computation, stacked when the spec trains probes
 * stacked. Inputs are random (the
 * arithmetic does not depend on them). Steps run in doubling chunks, each ended by one read
 * back, so GPU backends are timed to completion, not to dispatch. Leaves no tensors behind.
 */
export async function timeTrainingSteps(
  spec: ExperimentSpec,
  options: StepTimingOptions = {},
): Promise<StepTiming> {
  const targetMs = options.targetMs ?? 250;
  const maxSteps = options.maxSteps ?? 64;
  const { inputShape, classes } = spec.data;
  const plan = planModel(spec.model, spec.sweep.widths[0] as number, inputShape, classes);
  const members = spec.search.parallel > 1 && plan.buildStacked ? spec.search.parallel : 1;
  const batch =
    spec.train.batchSize === 'full'
      ? spec.data.poolSize
      : Math.min(spec.train.batchSize, spec.data.poolSize);

  const rng = createRng(spec.seed);
  const x = tf.tensor(
    Float32Array.from({ length: members * batch * featureCount(inputShape) }, () => rng.normal()),
    members > 1 ? [members, batch, ...inputShape] : [batch, ...inputShape],
  );
  const labels = tf.tensor1d(
    Int32Array.from({ length: members * batch }, () => rng.int(classes)),
    'int32',
  );
  const targets = tf.tidy(() => tf.oneHot(labels, classes).toFloat());
  const stacked =
    members > 1
      ? (plan.buildStacked as NonNullable<typeof plan.buildStacked>)(spec.seed, members)
      : undefined;
  const single = stacked ? undefined : plan.build(spec.seed);
  const weights = stacked ? stacked.variables : trainableVariables(single as tf.LayersModel);
  // The step the run's probes take: a single probe's own (the fused step or the written-out
  // dense step where they apply), stacked members' autodiff through the stacked model.
  const fused =
    single && fusedStepApplies(plan, spec.train, batch)
      ? createFusedProbeStep(plan, variablesAccess(weights), spec.train, { x, labels }, batch)
      : undefined;
  const batchRows = Int32Array.from({ length: batch }, (_, i) => i);
  const singleStep = single && stepGradientsFor(single, weights, plan);
  const gradients = singleStep
    ? () => singleStep(x, labels, targets)
    : () =>
        tf.variableGrads(
          () =>
            tf.losses.softmaxCrossEntropy(
              targets,
              (stacked as NonNullable<typeof stacked>).apply(x).reshape([members * batch, classes]),
            ) as tf.Scalar,
          weights,
        );
  const optimizer = createOptimizer(spec.train);
  const step = () =>
    fused
      ? tf.scalar(fused.step(batchRows, spec.train.learningRate).loss)
      : tf.tidy(() => {
          const computed = gradients();
          optimizer.applyGradients(computed.grads);
          return 'loss' in computed ? computed.loss : computed.value;
        });
  /** Runs `count` steps and waits until the backend has finished them. */
  const run = async (count: number) => {
    const started = performance.now();
    let last: tf.Scalar | undefined;
    for (let i = 0; i < count; i++) {
      last?.dispose();
      last = step();
    }
    await last?.data();
    last?.dispose();
    return performance.now() - started;
  };

  try {
    const giveUpAboveMs = options.giveUpAboveMs ?? Number.POSITIVE_INFINITY;
    const firstMs = await run(1);
    const allowance = options.warmupAllowanceMs ?? WARMUP_ALLOWANCE_MS;
    if (firstMs > Math.max(allowance, WARMUP_GIVE_UP_FACTOR * giveUpAboveMs)) {
      return { msPerStep: firstMs, warmupMs: firstMs, steps: 0 };
    }
    const warmupMs = firstMs + (await run(WARMUP_STEPS - 1));
    let steps = 0;
    let elapsed = 0;
    for (let chunk = 1; elapsed < targetMs && steps < maxSteps; chunk *= 2) {
      const count = Math.min(chunk, maxSteps - steps);
      const chunkMs = await run(count);
      elapsed += chunkMs;
      steps += count;
      if (chunkMs / count > giveUpAboveMs) break;
    }
    return { msPerStep: elapsed / steps, warmupMs, steps };
  } finally {
    tf.dispose([x, labels, targets]);
    stacked?.dispose();
    single?.dispose();
    disposeOptimizer(optimizer);
  }
}
