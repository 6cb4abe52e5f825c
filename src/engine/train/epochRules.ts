import { createRng, permutation, type Rng } from '../random.ts';
import { FIRST_BUDGET_FRACTION, type TrainSpec } from '../experiment/index.ts';
import type { Convergence } from './convergence.ts';
import { reducedLearningRate } from './optimizers.ts';
import type { EpochMetrics, StopReason } from './probeOutcome.ts';
import type { PlateauDetector } from './plateau.ts';

/**
 * The rules every probe's epochs follow, alone (fitProbe) or as a stacked member
 * (fitProbesStacked): how an epoch is cut into batches, in which order, and what a checked
 * epoch decides. One place, so a stacked member trains and stops exactly as its probe.
 */

export interface EpochShape {
  batchSize: number;
  stepsPerEpoch: number;
}

export function epochShape(n: number, train: TrainSpec): EpochShape {
  const batchSize = train.batchSize === 'full' ? n : Math.min(train.batchSize, n);
  return { batchSize, stepsPerEpoch: Math.ceil(n / batchSize) };
}

/** A probe's per-epoch shuffles, seeded by its initialization seed. */
export function shuffleRngFor(seed: number): Rng {
  return createRng(seed ^ 0x5bd1e995);
}

/**
 * One epoch's order of subset positions, stepsPerEpoch · batchSize long. The last batch
 * wraps around to the start of the shuffle so every batch has the same shape: one compiled
 * program per model on WebGPU, and no tiny trailing batch.
 */
export function paddedEpochOrder(n: number, shape: EpochShape, rng: Rng): Int32Array {
  const shuffle = permutation(n, rng);
  const padded = new Int32Array(shape.stepsPerEpoch * shape.batchSize);
  for (let i = 0; i < padded.length; i++) padded[i] = shuffle[i % n] as number;
  return padded;
}

/**
 * A probe's budget in epochs, from the spec's budget in optimizer steps. Training starts
 * with a first budget (train.maxEpochs when given, else an eighth of the cap) and, while
 * the run is inconclusive (the loss still improves, or it stalls with a large gradient),
 * is extended by doubling, continuing from where it stopped, up to train.maxSteps.
 * Counting steps, not epochs, is what makes batch sizes comparable: full-batch gradient
 * descent takes one step per epoch, a batch of 16 takes N / 16.
 */
export interface ProbeBudget {
  /** Epochs at which an inconclusive probe is extended (the first budget, doubled, ...). */
  stageEnds: number[];
  /** The last epoch the cap allows. */
  capEpochs: number;
}

export function probeBudget(shape: EpochShape, train: TrainSpec): ProbeBudget {
  const capEpochs = Math.max(1, Math.ceil(train.maxSteps / shape.stepsPerEpoch));
  const first = Math.min(
    capEpochs,
    train.maxEpochs ?? Math.max(1, Math.ceil(capEpochs * FIRST_BUDGET_FRACTION)),
  );
  const stageEnds: number[] = [];
  for (let end = first; end < capEpochs; end *= 2) stageEnds.push(end);
  stageEnds.push(capEpochs);
  return { stageEnds, capEpochs };
}

/** Whether an epoch ends with a read back: every checkEvery-th, and each budget's last. */
export function isCheckedEpoch(epoch: number, train: TrainSpec, budget: ProbeBudget): boolean {
  return epoch % train.checkEvery === 0 || budget.stageEnds.includes(epoch);
}

/**
 * The full fit check runs only when the epoch's running accuracy is within this many
 * misclassified samples (per 100 of N, at least one) of 100%. A model that fits at the end
 * of an epoch almost always classified nearly all samples right during it (the bench's
 * gate study measures how often it did not); far from a fit, the check is skipped.
 */
export const GATE_MISSES_PER_HUNDRED = 2;

export function gateSlack(n: number): number {
  return Math.max(1, Math.ceil((n * GATE_MISSES_PER_HUNDRED) / 100));
}

export interface CheckedEpoch {
  epoch: number;
  n: number;
  shape: EpochShape;
  budget: ProbeBudget;
  /** The epoch's summed batch losses and running hits, as read back. */
  lossSum: number;
  runningHits: number;
  train: TrainSpec;
  plateau: PlateauDetector;
  /** Full check on every checked epoch, whatever the running accuracy says (gate study). */
  ungated: boolean;
  /** Runs the full check: correctly classified samples among all N, in inference mode. */
  countCorrect: () => Promise<number>;
  /** The loss over all N at the current weights, in inference mode. */
  fullBatchLoss: () => Promise<number>;
  /**
   * Judge the plateau on each checked epoch's mean batch loss, as EMC Lab did before
   * (for the bench's comparison of the two readings; see plateauReading).
   */
  plateauOnEpochMean?: boolean;
  /** The paper's convergence check at the current weights (gradient, then curvature). */
  checkConvergence: () => Promise<Convergence>;
  /** The probe's learning rate now (the spec's, or lower after cuts on plateaus). */
  learningRate: number;
  /** The loss improved (or training goes on at a new step size): a new stall starts. */
  restartStall: () => void;
  /**
   * False while verifying a verdict: a converged plateau does not end the probe, training
   * goes on (learning-rate cuts included) until it fits or the budget ends.
   */
  plateauStops: boolean;
  /** This probe's saddle escapes so far (updated here). */
  saddle: SaddleEscapes;
  /** Moves the weights off a saddle, along the negative curvature the check found. */
  escapeSaddle: (convergence: Convergence) => Promise<void>;
}

export interface SaddleEscapes {
  count: number;
  /** The loss when training last left a saddle: a later plateau must be below it. */
  lossAtLast: number;
}

export function noSaddleEscapes(): SaddleEscapes {
  return { count: 0, lossAtLast: Number.POSITIVE_INFINITY };
}

export interface CheckedEpochVerdict {
  metrics: EpochMetrics;
  stop?: StopReason;
  /** The convergence check this epoch ran (on a loss plateau), if any. */
  convergence?: Convergence;
  /** The probe was inconclusive at a budget's end and goes on to the next (doubled) one. */
  extended?: boolean;
  /**
   * The learning rate to go on with after a plateau that did not end the probe: the weights
   * bounce around a minimum at this step size, or the minimum is yet to be confirmed at a
   * smaller one. Absent when nothing changes (no plateau, lrDecay 1, or at the floor).
   */
  nextLearningRate?: number;
}

/**
 * What a checked epoch reports and whether the probe stops. The full check decides a fit;
 * the running misses only decide whether checking is worth it. It also runs whenever the
 * probe might stop (budget's end, plateau), so no stop misses a fit. A plateau ends the
 * probe only when the convergence check agrees (a small mean gradient over the stall, after
 * at least one learning-rate cut); otherwise the learning rate is cut, the plateau is
 * forgotten and training goes on: inconclusive is not failure.
 */
export async function judgeCheckedEpoch(e: CheckedEpoch): Promise<CheckedEpochVerdict> {
  const loss = e.lossSum / e.shape.stepsPerEpoch;
  const predictions = e.shape.stepsPerEpoch * e.shape.batchSize;
  const runningAccuracy = e.runningHits / predictions;
  const stageEnd = e.budget.stageEnds.includes(e.epoch);
  const last = e.epoch >= e.budget.capEpochs;
  const diverged = !Number.isFinite(loss);
  const steps = e.epoch * e.shape.stepsPerEpoch;
  const reading = diverged ? undefined : await plateauReading(e, loss, steps);
  const plateaued = reading !== undefined && e.plateau.update(steps, reading);
  if (reading !== undefined && e.plateau.bestAt === steps) e.restartStall();
  const checked =
    !diverged &&
    (e.ungated || stageEnd || plateaued || predictions - e.runningHits <= gateSlack(e.n));
  const accuracy = checked ? (await e.countCorrect()) / e.n : runningAccuracy;
  const metrics: EpochMetrics = { epoch: e.epoch, loss, accuracy, checked, runningAccuracy };
  if (checked && accuracy === 1) return { metrics, stop: 'fit' };
  if (diverged) return { metrics, stop: 'diverged' };
  if (plateaued) {
    const convergence = await e.checkConvergence();
    // A minimum is confirmed at a smaller step than the one that found it: a stall at the
    // first learning rate may be a valley that a finer step still descends (the bench's
    // convergence study found such false verdicts without this rule).
    const settled = e.learningRate < e.train.learningRate || e.train.lrDecay >= 1;
    let nextRate = reducedLearningRate(e.learningRate, e.train);
    if (convergence.converged && settled) {
      const plateauLoss = reading as number;
      const escape = convergence.saddle && !saddleWasAKink(e.saddle, plateauLoss, e.train.minDelta);
      if (escape) {
        // Negative curvature: training would leave this point. Step along it, and go on at
        // the learning rate before the last cut (a minimum is then confirmed afresh).
        await e.escapeSaddle(convergence);
        e.saddle.count++;
        e.saddle.lossAtLast = plateauLoss;
        nextRate = Math.min(e.train.learningRate, e.learningRate / e.train.lrDecay);
      } else if (e.plateauStops) {
        return { metrics, stop: 'converged', convergence };
      }
    }
    e.plateau.restart();
    e.restartStall();
    if (last) return { metrics, stop: 'budget', convergence };
    return {
      metrics,
      convergence,
      extended: stageEnd,
      ...(nextRate === undefined ? {} : { nextLearningRate: nextRate }),
    };
  }
  if (last) return { metrics, stop: 'budget' };
  return { metrics, extended: stageEnd };
}

/**
 * The loss the plateau is judged on, or undefined when no reading is due this epoch. With a
 * full batch (one step an epoch) the epoch's loss is the full-batch loss, read every checked
 * epoch. With mini-batches the epoch's mean batch loss is an average along a moving
 * trajectory, and at a few steps an epoch its noise sets lucky bests that the next epochs
 * do not beat: a plateau mini-batch noise fakes. So a mini-batch probe reads the full-batch
 * loss in inference mode instead, every patience ÷ PLATEAU_READINGS steps.
 */
async function plateauReading(
  e: CheckedEpoch,
  epochLoss: number,
  steps: number,
): Promise<number | undefined> {
  if (e.shape.batchSize >= e.n || e.plateauOnEpochMean) return epochLoss;
  if (!e.plateau.readingDue(steps)) return undefined;
  return e.fullBatchLoss();
}

/**
 * A saddle estimate that training already acted on without lowering the loss: the step
 * along the negative curvature and the larger learning rate led back to a plateau no lower
 * than before. The loss is then at a minimum of the non-smooth ReLU loss, and the negative
 * eigenvalue an artefact of its kinks (a Hessian-vector product is a difference of
 * gradients, which a kink between w - εv and w + εv perturbs).
 */
function saddleWasAKink(saddle: SaddleEscapes, loss: number, minDelta: number): boolean {
  return saddle.count > 0 && !(loss < saddle.lossAtLast * (1 - minDelta));
}
