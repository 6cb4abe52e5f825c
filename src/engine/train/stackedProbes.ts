import * as tf from '@tensorflow/tfjs';
import { checkpoint } from '../control.ts';
import type { Rng } from '../random.ts';
import {
  accuracyOn,
  readCorrect,
  type EpochMetrics,
  type FitProbeInput,
  type ProbeOutcome,
} from './fitProbe.ts';
import { applyDecoupledWeightDecay, createOptimizer, disposeOptimizer } from './optimizers.ts';
import { ConvergenceRecord } from './convergenceRecord.ts';
import { fullBatchSurface } from './curvature.ts';
import {
  type EpochShape,
  type ProbeBudget,
  probeBudget,
  epochShape,
  isCheckedEpoch,
  judgeCheckedEpoch,
  paddedEpochOrder,
  shuffleRngFor,
} from './epochRules.ts';
import { PlateauDetector } from './plateau.ts';
import {
  createFusedProbeStep,
  type FusedProbeStep,
  fusedStepApplies,
  fusedStepSupports,
  memberAccess,
} from './fusedProbeStep.ts';
import { probeModelHooks } from './probeModelHooks.ts';

export interface StackedProbesInput extends Omit<FitProbeInput, 'n' | 'onEpoch' | 'onExtend'> {
  /** The N to test, one stacked member each. */
  ns: readonly number[];
  onEpoch?: (n: number, metrics: EpochMetrics) => void;
  onExtend?: (n: number, steps: number) => void;
}

/** One member's own training: the probe `fitProbe` would run for its N. */
interface Member {
  index: number;
  n: number;
  shape: EpochShape;
  budget: ProbeBudget;
  shuffleRng: Rng;
  plateau: PlateauDetector;
  /** This epoch's padded order (subset positions), drawn when the epoch starts. */
  epochOrder: Int32Array;
  epoch: number;
  stepInEpoch: number;
  steps: number;
  extensions: number;
  /** This member's learning rate (reduced on its own rejected plateaus). */
  learningRate: number;
  /** The member's N samples, for its fit check and its convergence check. */
  subset: { x: tf.Tensor; y: tf.Tensor1D };
  convergence: ConvergenceRecord;
  /** The member's own fused step, where the probes take it (see fitProbesStacked). */
  fused?: FusedProbeStep;
  outcome?: ProbeOutcome;
}

/**
 * The fit test for several N at once: one member model per N, stacked into one batched
 * computation (see StackedModel), trained in lockstep. Each member sees exactly the batches,
 * initialization and optimizer updates its own fitProbe would (every optimizer we offer is
 * elementwise, so stacking does not couple members), and stops by the same rules; a stopped
 * member rides along with zero loss weight until the last one stops. Where the fused step
 * applies (train/fusedProbeStep.ts), each member takes its own instead of the stacked one.
 */
export async function fitProbesStacked(input: StackedProbesInput): Promise<ProbeOutcome[]> {
  const started = performance.now();
  const { ns, train, classes, order } = input;
  if (!input.plan.buildStacked) throw new Error(`${input.plan.describe()} cannot be stacked`);
  const k = ns.length;
  const model = input.plan.buildStacked(input.seed, k);
  const members: Member[] = ns.map((n, index) => {
    const shape = epochShape(n, train);
    const subset = tf.tidy(() => {
      const indices = tf.tensor1d(order.subarray(0, n), 'int32');
      return {
        x: tf.gather(input.pool.x, indices),
        y: tf.gather(input.pool.y, indices) as tf.Tensor1D,
      };
    });
    const surface = fullBatchSurface(
      model.variables,
      (x, labels) =>
        tf.losses.softmaxCrossEntropy(
          tf.oneHot(labels, classes),
          model.applyMember(index, x),
        ) as tf.Scalar,
      subset.x,
      subset.y,
      { index, of: k },
    );
    return {
      index,
      n,
      shape,
      budget: probeBudget(shape, train),
      // The same seeded shuffles as fitProbe's, so each member trains on its probe's batches.
      shuffleRng: shuffleRngFor(input.seed),
      plateau: new PlateauDetector(train.patience, train.minDelta),
      epochOrder: new Int32Array(0),
      epoch: 0,
      stepInEpoch: 0,
      steps: 0,
      extensions: 0,
      learningRate: train.learningRate,
      subset,
      convergence: new ConvergenceRecord(surface, train, input.seed),
    };
  });
  // Every member's batch is padded to the widest one; padding carries zero weight.
  const width = Math.max(...members.map((m) => m.shape.batchSize));
  const optimizer = createOptimizer(train);
  // Where the fused step applies, each member takes its own: on the CPU backends a stacked
  // step costs about k single steps anyway, and the fused one issues no kernel at all.
  const fusedMembers =
    (input.fusedStep ?? fusedStepApplies(input.plan, train, width)) &&
    fusedStepSupports(input.plan, train);
  if (fusedMembers) {
    for (const m of members) {
      m.fused = createFusedProbeStep(
        input.plan,
        memberAccess(model.variables, m.index),
        train,
        { x: m.subset.x, labels: m.subset.y },
        m.shape.batchSize,
      );
    }
  }
  /** The fused members' sums, as the stacked step keeps them in `sums`. */
  const fusedSums = new Float64Array(2 * k);
  // Per member: [summed batch losses, running hits] of its current epoch.
  let sums: tf.Tensor2D = tf.zeros([k, 2]);
  try {
    for (const m of members) await m.convergence.measureStart();
    while (members.some((m) => !m.outcome)) {
      await checkpoint(input.control);
      if (fusedMembers) {
        fusedSteps();
        await endEpochs();
        continue;
      }
      const { poolIndices, weights } = nextBatches();
      const next = tf.tidy(() => {
        const idx = tf.tensor1d(poolIndices, 'int32');
        const weight = tf.tensor1d(weights);
        const xb = tf.gather(input.pool.x, idx);
        const yb = tf.gather(input.pool.y, idx);
        const xs = xb.reshape([k, width, ...xb.shape.slice(1)]);
        let perMember: tf.Tensor | undefined;
        // Every optimizer we offer moves the weights by the learning rate times a step that
        // does not depend on it, and keeps state that does not either: a member's own
        // learning rate is its share of the common step.
        const rates = members.map((m) => m.learningRate);
        const ownRates = rates.some((r) => r !== train.learningRate);
        const before = ownRates ? model.variables.map((v) => v.clone()) : [];
        // optimizer.minimize, opened up: each member's gradients also feed its stall's mean.
        const { grads } = tf.variableGrads(() => {
          const logits = model.apply(xs).reshape([k * width, classes]);
          const losses = tf.losses.softmaxCrossEntropy(
            tf.oneHot(yb, classes),
            logits,
            undefined,
            undefined,
            tf.Reduction.NONE,
          );
          // Each member's mean over its own batch: the loss its fitProbe would minimize.
          const weighted = losses.mul(weight);
          const hits = tf.equal(logits.argMax(-1), yb).toFloat().mul(weight.sign());
          perMember = tf.keep(
            tf.stack([weighted.reshape([k, width]).sum(1), hits.reshape([k, width]).sum(1)], 1),
          );
          return weighted.sum() as tf.Scalar;
        }, model.variables);
        optimizer.applyGradients(grads);
        for (const m of members) {
          if (m.outcome) continue;
          m.convergence.addStep(
            model.variables.map((v) => (grads[v.name] as tf.Tensor).slice(m.index, 1)),
          );
        }
        const rateOf = (scale: number) =>
          tf.tensor1d(rates.map((r) => r * scale)).reshape([k, 1, 1]);
        if (ownRates) {
          const ratio = rateOf(1 / train.learningRate);
          model.variables.forEach((v, i) => {
            const start = before[i] as tf.Tensor;
            v.assign(start.add(v.sub(start).mul(ratio)));
          });
        }
        applyDecoupledWeightDecay(model.variables, train, ownRates ? rateOf(1) : undefined);
        const stepSums = perMember as tf.Tensor;
        const total = sums.add(stepSums) as tf.Tensor2D;
        stepSums.dispose();
        return total;
      });
      sums.dispose();
      sums = next;
      await endEpochs();
    }
    return members.map((m) => m.outcome as ProbeOutcome);
  } finally {
    sums.dispose();
    model.dispose();
    disposeOptimizer(optimizer);
    for (const m of members) {
      tf.dispose([m.subset.x, m.subset.y]);
      m.convergence.dispose();
    }
  }

  /** Each running member's next step by its own fused step. */
  function fusedSteps(): void {
    for (const m of members) {
      if (m.outcome) continue;
      if (m.stepInEpoch === 0) m.epochOrder = paddedEpochOrder(m.n, m.shape, m.shuffleRng);
      const { batchSize } = m.shape;
      const offset = m.stepInEpoch * batchSize;
      const batch = m.epochOrder.subarray(offset, offset + batchSize);
      const { loss, hits } = (m.fused as FusedProbeStep).step(batch, m.learningRate);
      fusedSums[2 * m.index] = (fusedSums[2 * m.index] as number) + loss;
      fusedSums[2 * m.index + 1] = (fusedSums[2 * m.index + 1] as number) + hits;
      m.steps++;
      m.stepInEpoch++;
    }
  }

  /** The pool indices and loss weights of every member's next batch, advancing each one. */
  function nextBatches(): { poolIndices: Int32Array; weights: Float32Array } {
    const poolIndices = new Int32Array(k * width).fill(order[0] as number);
    const weights = new Float32Array(k * width);
    for (const m of members) {
      if (m.outcome) continue;
      if (m.stepInEpoch === 0) m.epochOrder = paddedEpochOrder(m.n, m.shape, m.shuffleRng);
      const { batchSize } = m.shape;
      const offset = m.stepInEpoch * batchSize;
      for (let i = 0; i < batchSize; i++) {
        poolIndices[m.index * width + i] = order[m.epochOrder[offset + i] as number] as number;
        weights[m.index * width + i] = 1 / batchSize;
      }
      m.steps++;
      m.stepInEpoch++;
    }
    return { poolIndices, weights };
  }

  /**
   * For each member whose epoch just ended: on its checked epochs, read its loss and
   * running hits (one read back for all members), gate and run its full fit check, and
   * decide whether it stops. Ended epochs' sums are reset.
   */
  async function endEpochs(): Promise<void> {
    const ended = members.filter((m) => !m.outcome && m.stepInEpoch === m.shape.stepsPerEpoch);
    if (ended.length === 0) return;
    for (const m of ended) {
      m.epoch++;
      m.stepInEpoch = 0;
    }
    const due = ended.filter((m) => isCheckedEpoch(m.epoch, train, m.budget));
    if (due.length > 0) {
      const values = fusedMembers ? fusedSums : await sums.data();
      for (const m of due) {
        const lossSum = values[2 * m.index] as number;
        const runningHits = values[2 * m.index + 1] as number;
        await endCheckedEpoch(m, lossSum, runningHits);
      }
    }
    for (const m of ended) fusedSums.fill(0, 2 * m.index, 2 * m.index + 2);
    const keep = new Float32Array(k).fill(1);
    for (const m of ended) keep[m.index] = 0;
    const reset = tf.tidy(() => sums.mul(tf.tensor2d(keep, [k, 1])) as tf.Tensor2D);
    sums.dispose();
    sums = reset;
  }

  async function endCheckedEpoch(m: Member, lossSum: number, runningHits: number) {
    const hooks = probeModelHooks(m.convergence, m.fused, () =>
      readCorrect((x) => model.applyMember(m.index, x), m.subset.x, m.subset.y),
    );
    const verdict = await judgeCheckedEpoch({
      epoch: m.epoch,
      n: m.n,
      shape: m.shape,
      budget: m.budget,
      lossSum,
      runningHits,
      train,
      plateau: m.plateau,
      ungated: input.checkUngated === true,
      learningRate: m.learningRate,
      plateauStops: input.plateauStops !== false,
      plateauOnEpochMean: input.plateauOnEpochMean,
      ...hooks,
    });
    const { metrics, stop } = verdict;
    input.onEpoch?.(m.n, metrics);
    if (verdict.extended) {
      m.extensions++;
      input.onExtend?.(m.n, m.steps);
    }
    if (verdict.nextLearningRate !== undefined) m.learningRate = verdict.nextLearningRate;
    if (!stop) return;
    hooks.syncModel();
    const predict = (x: tf.Tensor) => model.applyMember(m.index, x);
    m.outcome = {
      n: m.n,
      fits: stop === 'fit',
      stopReason: stop,
      epochs: m.epoch,
      steps: m.steps,
      finalLoss: metrics.loss,
      finalAccuracy: metrics.accuracy,
      testAccuracy: input.test ? await accuracyOn(predict, input.test) : null,
      wallMs: performance.now() - started,
      extensions: m.extensions,
      finalLearningRate: m.learningRate,
      ...(await m.convergence.summary(stop)),
    };
  }
}
