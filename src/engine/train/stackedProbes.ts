import * as tf from '@tensorflow/tfjs';
import { checkpoint } from '../control.ts';
import { createRng, permutation, type Rng } from '../random.ts';
import {
  accuracyOn,
  countCorrect,
  type EpochMetrics,
  type FitProbeInput,
  type ProbeOutcome,
  runsFullCheck,
  type StopReason,
} from './fitProbe.ts';
import { applyDecoupledWeightDecay, createOptimizer, disposeOptimizer } from './optimizers.ts';
import { PlateauDetector } from './plateau.ts';

export interface StackedProbesInput extends Omit<FitProbeInput, 'n' | 'onEpoch'> {
  /** The N to test, one stacked member each. */
  ns: readonly number[];
  onEpoch?: (n: number, metrics: EpochMetrics) => void;
}

/** One member's own training: the probe `fitProbe` would run for its N. */
interface Member {
  index: number;
  n: number;
  batchSize: number;
  stepsPerEpoch: number;
  shuffleRng: Rng;
  plateau: PlateauDetector;
  /** This epoch's padded order (subset positions), drawn when the epoch starts. */
  epochOrder: Int32Array;
  epoch: number;
  stepInEpoch: number;
  steps: number;
  loss: number;
  accuracy: number;
  outcome?: ProbeOutcome;
}

/**
 * The fit test for several N at once: one member model per N, stacked into one batched
 * computation (see StackedModel), trained in lockstep. Each member sees exactly the batches,
 * initialization and optimizer updates its own fitProbe would (every optimizer we offer is
 * elementwise, so stacking does not couple members), and stops by the same rules; a stopped
 * member rides along with zero loss weight until the last one stops.
 */
export async function fitProbesStacked(input: StackedProbesInput): Promise<ProbeOutcome[]> {
  const started = performance.now();
  const { ns, train, classes, order } = input;
  if (!input.plan.buildStacked) throw new Error(`${input.plan.describe()} cannot be stacked`);
  const k = ns.length;
  const members: Member[] = ns.map((n, index) => {
    const batchSize = train.batchSize === 'full' ? n : Math.min(train.batchSize, n);
    return {
      index,
      n,
      batchSize,
      stepsPerEpoch: Math.ceil(n / batchSize),
      // The same seeded shuffles as fitProbe's, so each member trains on its probe's batches.
      shuffleRng: createRng(input.seed ^ 0x5bd1e995),
      plateau: new PlateauDetector(train.patience, train.minDelta),
      epochOrder: new Int32Array(0),
      epoch: 0,
      stepInEpoch: 0,
      steps: 0,
      loss: Number.NaN,
      accuracy: 0,
    };
  });
  // Every member's batch is padded to the widest one; padding carries zero weight.
  const width = Math.max(...members.map((m) => m.batchSize));
  const model = input.plan.buildStacked(input.seed, k);
  const optimizer = createOptimizer(train);
  // Per member: [summed batch losses, running hits] of its current epoch.
  let sums: tf.Tensor2D = tf.zeros([k, 2]);
  try {
    while (members.some((m) => !m.outcome)) {
      await checkpoint(input.control);
      const { poolIndices, weights } = nextBatches();
      const next = tf.tidy(() => {
        const idx = tf.tensor1d(poolIndices, 'int32');
        const weight = tf.tensor1d(weights);
        const xb = tf.gather(input.pool.x, idx);
        const yb = tf.gather(input.pool.y, idx);
        const xs = xb.reshape([k, width, ...xb.shape.slice(1)]);
        let perMember: tf.Tensor | undefined;
        optimizer.minimize(
          () => {
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
          },
          false,
          model.variables,
        );
        applyDecoupledWeightDecay(model.variables, train);
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
  }

  /** The pool indices and loss weights of every member's next batch, advancing each one. */
  function nextBatches(): { poolIndices: Int32Array; weights: Float32Array } {
    const poolIndices = new Int32Array(k * width).fill(order[0] as number);
    const weights = new Float32Array(k * width);
    for (const m of members) {
      if (m.outcome) continue;
      if (m.stepInEpoch === 0) {
        const shuffle = permutation(m.n, m.shuffleRng);
        m.epochOrder = new Int32Array(m.stepsPerEpoch * m.batchSize);
        for (let i = 0; i < m.epochOrder.length; i++) {
          m.epochOrder[i] = shuffle[i % m.n] as number;
        }
      }
      const offset = m.stepInEpoch * m.batchSize;
      for (let i = 0; i < m.batchSize; i++) {
        poolIndices[m.index * width + i] = order[m.epochOrder[offset + i] as number] as number;
        weights[m.index * width + i] = 1 / m.batchSize;
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
    const ended = members.filter((m) => !m.outcome && m.stepInEpoch === m.stepsPerEpoch);
    if (ended.length === 0) return;
    for (const m of ended) {
      m.epoch++;
      m.stepInEpoch = 0;
    }
    const due = ended.filter(
      (m) => m.epoch % train.checkEvery === 0 || m.epoch === train.maxEpochs,
    );
    if (due.length > 0) {
      const values = await sums.data();
      for (const m of due) {
        const lossSum = values[2 * m.index] as number;
        const runningHits = values[2 * m.index + 1] as number;
        await endCheckedEpoch(m, lossSum, runningHits);
      }
    }
    const keep = new Float32Array(k).fill(1);
    for (const m of ended) keep[m.index] = 0;
    const reset = tf.tidy(() => sums.mul(tf.tensor2d(keep, [k, 1])) as tf.Tensor2D);
    sums.dispose();
    sums = reset;
  }

  async function endCheckedEpoch(m: Member, lossSum: number, runningHits: number) {
    m.loss = lossSum / m.stepsPerEpoch;
    const predictions = m.stepsPerEpoch * m.batchSize;
    m.accuracy = runningHits / predictions;
    const runningAccuracy = m.accuracy;
    const last = m.epoch === train.maxEpochs;
    const diverged = !Number.isFinite(m.loss);
    const plateaued = !diverged && m.plateau.update(m.epoch, m.loss);
    const checked = runsFullCheck({
      n: m.n,
      misses: predictions - runningHits,
      stopping: last || plateaued,
      diverged,
      ungated: input.checkUngated === true,
    });
    if (checked) m.accuracy = (await correctOf(m, m.n)) / m.n;
    input.onEpoch?.(m.n, {
      epoch: m.epoch,
      loss: m.loss,
      accuracy: m.accuracy,
      checked,
      runningAccuracy,
    });
    let stopReason: StopReason | undefined;
    if (checked && m.accuracy === 1) stopReason = 'fit';
    else if (diverged) stopReason = 'diverged';
    else if (plateaued) stopReason = 'plateau';
    else if (last) stopReason = 'budget';
    if (!stopReason) return;
    const predict = (x: tf.Tensor) => model.applyMember(m.index, x);
    m.outcome = {
      n: m.n,
      fits: stopReason === 'fit',
      stopReason,
      epochs: m.epoch,
      steps: m.steps,
      finalLoss: m.loss,
      finalAccuracy: m.accuracy,
      testAccuracy: input.test ? await accuracyOn(predict, input.test) : null,
      wallMs: performance.now() - started,
    };
  }

  /** Correctly classified samples among a member's first n of the order, in inference mode. */
  async function correctOf(m: Member, n: number): Promise<number> {
    const subset = tf.tidy(() => {
      const indices = tf.tensor1d(order.subarray(0, n), 'int32');
      return {
        x: tf.gather(input.pool.x, indices),
        y: tf.gather(input.pool.y, indices) as tf.Tensor1D,
      };
    });
    const correct = countCorrect((x) => model.applyMember(m.index, x), subset.x, subset.y);
    const value = (await correct.data())[0] as number;
    tf.dispose([correct, subset.x, subset.y]);
    return value;
  }
}
