/**
 * The results document's types (inferred from its one schema, resultsSchema.ts) and the
 * arithmetic the engine and the lab share on them.
 */
import type { PointResult, ProbeRecord, SeedResult } from './resultsSchema.ts';

export {
  type ExperimentResults,
  type PointResult,
  type ProbeRecord,
  RESULTS_FORMAT,
  RESULTS_VERSION,
  RUN_STATUSES,
  type RunEnvironment,
  type RunStatus,
  resultsDocument,
  type SeedResult,
  type SharedSizeGeneralization,
  STOP_REASONS,
  type StopReason,
} from './resultsSchema.ts';

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
