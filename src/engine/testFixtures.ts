/**
 * Small, valid results records for tests of everything that consumes results (store,
 * links, files, CSV), so each test states only the fields it is about.
 */
import type { PointResult, ProbeRecord, SeedResult } from './results.ts';

/**
 * A probe that fitted, or (with `fits: false`) one that converged without fitting: the
 * ordinary "does not fit" of results version 2, with a small gradient and no saddle.
 */
export function probeRecord(overrides: Partial<ProbeRecord> = {}): ProbeRecord {
  const fits = overrides.fits ?? true;
  return {
    pointIndex: 0,
    seedIndex: 0,
    n: 10,
    fits,
    stopReason: fits ? 'fit' : 'converged',
    epochs: 10,
    steps: 10,
    finalLoss: 0.1,
    finalAccuracy: fits ? 1 : 0.9,
    testAccuracy: null,
    wallMs: 100,
    converged: !fits,
    gradNorm: fits ? 0.05 : 0.001,
    initialGradNorm: 1,
    stallGradNorm: fits ? null : 0.001,
    hessianMin: fits ? null : 0.0001,
    hessianMax: fits ? null : 2,
    saddle: false,
    extensions: 0,
    finalLearningRate: 0.01,
    ...overrides,
  };
}

export function seedResult(overrides: Partial<SeedResult> = {}): SeedResult {
  return {
    seedIndex: 0,
    seed: 1,
    emc: 20,
    bracket: [20, 22],
    censored: false,
    budgetLimited: false,
    probes: 4,
    testAccuracy: null,
    ...overrides,
  };
}

export function pointResult(overrides: Partial<PointResult> = {}): PointResult {
  return {
    index: 0,
    width: 4,
    model: 'MLP 1×4 relu',
    parameterCount: 56,
    emcMean: 20,
    emcStd: 0,
    budgetLimited: false,
    seeds: [seedResult()],
    nonMonotone: [],
    wallMs: 400,
    generalization: null,
    ...overrides,
  };
}
