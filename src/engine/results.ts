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
  // A "does not fit" that verification overturned was a false verdict, not a failure.
  const overturned = new Set(
    probes.filter((p) => p.verification && p.fits).map((p) => `${p.seedIndex}/${p.n}`),
  );
  // Each seed's failures apart: a fit is only paired with its own seed's (linear in seeds).
  const failuresOf = new Map<number, ProbeRecord[]>();
  for (const p of probes) {
    if (p.fits || p.verification || overturned.has(`${p.seedIndex}/${p.n}`)) continue;
    const list = failuresOf.get(p.seedIndex);
    if (list) list.push(p);
    else failuresOf.set(p.seedIndex, [p]);
  }
  for (const fitted of probes) {
    if (!fitted.fits) continue;
    for (const failed of failuresOf.get(fitted.seedIndex) ?? []) {
      if (failed.n < fitted.n) {
        pairs.push({ fitted: fitted.n, failed: failed.n, seedIndex: fitted.seedIndex });
      }
    }
  }
  return pairs;
}

/**
 * Whether the search's verdict rests on an inconclusive probe: the smallest N that did not
 * fit (the bracket's upper end), or any larger N the search tried, stopped on the step cap
 * instead of converging or diverging. EMC is the largest N that fits; fitting is not
 * always monotone in N (MNIST, MLP 1×4: N = 465 converged without fitting, N = 850 fitted),
 * so an undecided larger N leaves the EMC only a lower bound too.
 */
export function isBudgetLimited(
  bracket: SeedResult['bracket'],
  seedProbes: readonly (Pick<ProbeRecord, 'n' | 'fits' | 'stopReason'> & {
    verification?: boolean;
  })[],
): boolean {
  const [, hi] = bracket;
  if (hi === null) return false;
  return seedProbes.some(
    (p) => p.n >= hi && !p.fits && !p.verification && p.stopReason === 'budget',
  );
}

/** Trainings, optimizer steps and wall seconds spent on some probes. */
export interface TrainingCost {
  trainings: number;
  steps: number;
  seconds: number;
}

/** What one seed's search cost, and what verifying its verdicts cost on top of it. */
export interface SeedCost {
  search: TrainingCost;
  verification: TrainingCost;
}

/**
 * A seed's cost, from its probe records: each records its steps and wall time, and whether
 * it was a verification training (the decisive probe trained again, search.verify), so
 * results of every version since verification carry what verification cost per seed.
 * Replayed probes count with what they cost when they trained.
 */
export function seedCost(
  probes: readonly Pick<
    ProbeRecord,
    'pointIndex' | 'seedIndex' | 'steps' | 'wallMs' | 'verification'
  >[],
  pointIndex: number,
  seedIndex: number,
): SeedCost {
  const cost = (verification: boolean): TrainingCost => {
    const own = probes.filter(
      (p) =>
        p.pointIndex === pointIndex && p.seedIndex === seedIndex && p.verification === verification,
    );
    return {
      trainings: own.length,
      steps: own.reduce((sum, p) => sum + (Number.isFinite(p.steps) ? p.steps : 0), 0),
      seconds: own.reduce((sum, p) => sum + p.wallMs, 0) / 1000,
    };
  };
  return { search: cost(false), verification: cost(true) };
}
