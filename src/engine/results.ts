import type { ExperimentSpec } from './spec/index.ts';
import type { StopReason } from './train/fitProbe.ts';

export const RESULTS_FORMAT = 'emc-lab-results';
export const RESULTS_VERSION = 1;

/** Where a run happened: enough to tell whether two results are comparable. */
export interface RunEnvironment {
  /** The TensorFlow.js backend that trained: webgpu, webgl, wasm or cpu. */
  backend: string;
  /** 32 or 16: WebGL may compute in float16, which matters for an exact 100% test. */
  floatPrecision: number;
  tfjsVersion: string;
  engineVersion: string;
  /** "node 20.x (linux)" or the browser's user agent. */
  platform: string;
  /** GPU adapter name when WebGPU is used. */
  adapter?: string;
}

/** One training at one N: the unit of the search, recorded in full so a search is auditable. */
export interface ProbeRecord {
  pointIndex: number;
  seedIndex: number;
  n: number;
  fits: boolean;
  stopReason: StopReason;
  epochs: number;
  steps: number;
  finalLoss: number;
  finalAccuracy: number;
  testAccuracy: number | null;
  wallMs: number;
  /** True when the outcome was taken from an earlier, interrupted run instead of retrained. */
  replayed?: boolean;
}

export interface SeedResult {
  seedIndex: number;
  seed: number;
  emc: number;
  bracket: [number, number | null];
  censored: boolean;
  probes: number;
  /** Test accuracy of the model trained at the largest fitting N (null without a test split). */
  testAccuracy: number | null;
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
  seeds: SeedResult[];
  /** Pairs of probes where a larger N fitted but a smaller one did not (kept, never dropped). */
  nonMonotone: Array<{ fitted: number; failed: number; seedIndex: number }>;
  wallMs: number;
}

/** "running" only in documents saved while a run is in progress (the lab's persistence). */
export type RunStatus = 'complete' | 'cancelled' | 'failed' | 'running';

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
