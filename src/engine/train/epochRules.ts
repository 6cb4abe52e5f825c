import { createRng, permutation, type Rng } from '../random.ts';
import type { TrainSpec } from '../spec/index.ts';
import type { EpochMetrics, StopReason } from './fitProbe.ts';
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

/** Whether an epoch ends with a read back: every checkEvery-th, and the budget's last. */
export function isCheckedEpoch(epoch: number, train: TrainSpec): boolean {
  return epoch % train.checkEvery === 0 || epoch === train.maxEpochs;
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
  /** The epoch's summed batch losses and running hits, as read back. */
  lossSum: number;
  runningHits: number;
  train: TrainSpec;
  plateau: PlateauDetector;
  /** Full check on every checked epoch, whatever the running accuracy says (gate study). */
  ungated: boolean;
  /** Runs the full check: correctly classified samples among all N, in inference mode. */
  countCorrect: () => Promise<number>;
}

/**
 * What a checked epoch reports and whether the probe stops. The full check decides a fit;
 * the running misses only decide whether checking is worth it. It also runs whenever the
 * probe is about to stop (budget spent, plateau), so no stop misses a fit.
 */
export async function judgeCheckedEpoch(
  e: CheckedEpoch,
): Promise<{ metrics: EpochMetrics; stop?: StopReason }> {
  const loss = e.lossSum / e.shape.stepsPerEpoch;
  const predictions = e.shape.stepsPerEpoch * e.shape.batchSize;
  const runningAccuracy = e.runningHits / predictions;
  const last = e.epoch === e.train.maxEpochs;
  const diverged = !Number.isFinite(loss);
  const plateaued = !diverged && e.plateau.update(e.epoch, loss);
  const checked =
    !diverged && (e.ungated || last || plateaued || predictions - e.runningHits <= gateSlack(e.n));
  const accuracy = checked ? (await e.countCorrect()) / e.n : runningAccuracy;
  const metrics: EpochMetrics = { epoch: e.epoch, loss, accuracy, checked, runningAccuracy };
  if (checked && accuracy === 1) return { metrics, stop: 'fit' };
  if (diverged) return { metrics, stop: 'diverged' };
  if (plateaued) return { metrics, stop: 'plateau' };
  if (last) return { metrics, stop: 'budget' };
  return { metrics };
}
