/**
 * Small, valid results records for tests of everything that consumes results (store,
 * links, files, CSV), so each test states only the fields it is about.
 */
import type { PointResult, ProbeRecord } from './results.ts';

export function probeRecord(overrides: Partial<ProbeRecord> = {}): ProbeRecord {
  const fits = overrides.fits ?? true;
  return {
    pointIndex: 0,
    seedIndex: 0,
    n: 10,
    fits,
    stopReason: fits ? 'fit' : 'plateau',
    epochs: 10,
    steps: 10,
    finalLoss: 0.1,
    finalAccuracy: fits ? 1 : 0.9,
    testAccuracy: null,
    wallMs: 100,
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
    seeds: [
      {
        seedIndex: 0,
        seed: 1,
        emc: 20,
        bracket: [20, 22],
        censored: false,
        probes: 4,
        testAccuracy: null,
      },
    ],
    nonMonotone: [],
    wallMs: 400,
    ...overrides,
  };
}
