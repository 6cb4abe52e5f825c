import type { ExperimentSpec } from './experiment/index.ts';
import type { ProbeOutcome } from './train/fitProbe.ts';

export { STOP_REASONS, type StopReason } from './train/probeOutcome.ts';

export const RESULTS_FORMAT = 'emc-lab-results';
export const RESULTS_VERSION = 2;

/** Where a run happened: enough to tell whether two results are comparable. */
export interface RunEnvironment {
  /** The TensorFlow.js backend that trained: webgpu, webgl, wasm or cpu. */
  backend: string;
  /**
   * 32 or 16: WebGL may compute in float16, which matters for an exact 100% test. null: not
   * known (results from a link written before links carried it).
   */
  floatPrecision: number | null;
  tfjsVersion: string;
  engineVersion: string;
  /** "node 20.x (linux)" or the browser's user agent. */
  platform: string;
  /** GPU adapter name when WebGPU is used. */
  adapter?: string;
}

/** One training at one N: the unit of the search, recorded in full so a search is auditable. */
export interface ProbeRecord extends ProbeOutcome {
  pointIndex: number;
  seedIndex: number;
  /** True when the outcome was taken from an earlier, interrupted run instead of retrained. */
  replayed?: boolean;
}

export interface SeedResult {
  seedIndex: number;
  seed: number;
  emc: number;
  bracket: [number, number | null];
  censored: boolean;
  /**
   * The decisive probe (the smallest N that did not fit) was still inconclusive at the step
   * cap: a larger budget might fit it, so this EMC is only a lower bound.
   */
  budgetLimited: boolean;
  probes: number;
  /**
   * Test accuracy of the model trained at this seed's largest fitting N (null without a test
   * split). Not comparable across widths (a wider model trained on more samples): compare
   * PointResult.generalization instead.
   */
  testAccuracy: number | null;
}

/**
 * Held-out accuracy after training on one N shared by every point of the sweep: the
 * smallest EMC over every point and seed, which every model fits. At each model's own EMC a
 * wider model would be evaluated after training on more samples; at a shared N the
 * generalization gap compares the models alone (finding 4 of the paper).
 */
export interface SharedSizeGeneralization {
  /** The shared training-set size, the same for every point of the run. */
  n: number;
  /** Mean over seeds of the probe's final accuracy on its n training samples. */
  trainAccuracy: number;
  /** Mean over seeds of the accuracy on the test split. */
  testAccuracy: number;
  /** Every seed's probe fitted all n samples. */
  fits: boolean;
}

/** One sweep model and its measured EMC. */
export interface PointResult {
  index: number;
  width: number;
  model: string;
  parameterCount: number;
  emcMean: number;
  /** Sample standard deviation over seeds (0 with one seed). */
  emcStd: number;
  /** Some seed's EMC is budget-limited: the mean is a lower bound. */
  budgetLimited: boolean;
  seeds: SeedResult[];
  /** Pairs of probes where a larger N fitted but a smaller one did not (kept, never dropped). */
  nonMonotone: Array<{ fitted: number; failed: number; seedIndex: number }>;
  wallMs: number;
  /**
   * Generalization at the N shared by the sweep, measured after every point's search; null
   * without a test split, when the smallest EMC is 0, for a stopped run, and in results
   * written before it was measured.
   */
  generalization: SharedSizeGeneralization | null;
}

/** "running" only in documents saved while a run is in progress (the lab's persistence). */
export const RUN_STATUSES = ['complete', 'cancelled', 'failed', 'running'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The one results document: written by the CLI, exported and imported by the UI. */
export interface ExperimentResults {
  format: typeof RESULTS_FORMAT;
  version: typeof RESULTS_VERSION;
  status: RunStatus;
  spec: ExperimentSpec;
  environment: RunEnvironment;
  dataset: string;
  startedAt: string;
  finishedAt: string | null;
  points: PointResult[];
  probes: ProbeRecord[];
  error?: string;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample (n − 1) standard deviation; 0 for fewer than two values. */
export function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

/** Every (larger N fitted, smaller N failed) pair within one seed's probes. */
export function findNonMonotone(probes: readonly ProbeRecord[]): PointResult['nonMonotone'] {
  const pairs: PointResult['nonMonotone'] = [];
  for (const fitted of probes) {
    if (!fitted.fits) continue;
    for (const failed of probes) {
      if (!failed.fits && failed.seedIndex === fitted.seedIndex && failed.n < fitted.n) {
        pairs.push({ fitted: fitted.n, failed: failed.n, seedIndex: fitted.seedIndex });
      }
    }
  }
  return pairs;
}

/**
 * Whether the search's verdict rests on an inconclusive probe: the smallest N that did not
 * fit (the bracket's upper end) stopped on the step cap instead of converging or diverging.
 */
export function isBudgetLimited(
  bracket: SeedResult['bracket'],
  seedProbes: readonly Pick<ProbeRecord, 'n' | 'fits' | 'stopReason'>[],
): boolean {
  const [, hi] = bracket;
  if (hi === null) return false;
  const decisive = seedProbes.find((p) => p.n === hi && !p.fits);
  return decisive?.stopReason === 'budget';
}
