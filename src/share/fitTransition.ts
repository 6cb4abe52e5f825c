import type { PointResult, ProbeRecord } from '../engine/results.ts';

/**
 * The fit transition of one sweep point: EMC is where "always fits" turns into "never
 * fits" as N grows. Every probe of the point (all seeds), and for each N the fraction of
 * seeds that fit it: the curve Cover's theorem gives in closed form for linear models.
 */
export interface TransitionRow {
  seedIndex: number;
  n: number;
  fits: boolean;
  /** "fits", "does not fit (converged)", "undecided at the step cap", "diverged" … */
  outcome: 'fits' | 'no fit' | 'undecided';
  stopReason: ProbeRecord['stopReason'];
  steps: number;
}

export interface FractionStep {
  n: number;
  /** Seeds whose outcome at n is known (probed, or implied by their bracket). */
  known: number;
  fitting: number;
}

export interface FitTransition {
  rows: TransitionRow[];
  /** Each seed's bracket: the largest N that fit and the smallest that did not (null: none). */
  brackets: { seedIndex: number; lo: number; hi: number | null }[];
  fractions: FractionStep[];
}

export function fitTransition(point: PointResult, probes: readonly ProbeRecord[]): FitTransition {
  const own = probes.filter((p) => p.pointIndex === point.index);
  const rows: TransitionRow[] = own
    .map((probe) => ({
      seedIndex: probe.seedIndex,
      n: probe.n,
      fits: probe.fits,
      outcome: probe.fits
        ? ('fits' as const)
        : probe.stopReason === 'budget'
          ? ('undecided' as const)
          : ('no fit' as const),
      stopReason: probe.stopReason,
      steps: probe.steps,
    }))
    .sort((a, b) => a.n - b.n || a.seedIndex - b.seedIndex);
  const brackets = point.seeds.map((seed) => ({
    seedIndex: seed.seedIndex,
    lo: seed.bracket[0],
    hi: seed.bracket[1],
  }));
  const ns = [...new Set(rows.map((row) => row.n))].sort((a, b) => a - b);
  const fractions = ns.map((n) => {
    let known = 0;
    let fitting = 0;
    for (const { seedIndex, lo, hi } of brackets) {
      // A probe at n answers for its seed; otherwise the search's bracket does, as the
      // search itself assumes: every N up to lo fits, none from hi on.
      const probed = rows.find((row) => row.seedIndex === seedIndex && row.n === n);
      const fits = probed
        ? probed.outcome === 'undecided'
          ? undefined
          : probed.fits
        : n <= lo
          ? true
          : hi !== null && n >= hi
            ? false
            : undefined;
      if (fits === undefined) continue;
      known++;
      if (fits) fitting++;
    }
    return { n, known, fitting };
  });
  return { rows, brackets, fractions };
}

/**
 * Cover's function counting theorem (1965): of the 2^N labellings of N points in general
 * position in R^D, C(N, D) = 2 Σ_{k<D} binom(N − 1, k) are linearly separable by a
 * hyperplane through the origin. For an affine classifier (with bias) on d features,
 * D = d + 1. Returns C(N, D) / 2^N: the probability that random two-class labels of N
 * samples can be fitted, 1/2 at N = 2D. Computed in log space (N may be thousands).
 */
export function coverProbability(n: number, dimensions: number): number {
  if (n <= dimensions) return 1;
  // P(Binomial(n − 1, 1/2) ≤ D − 1), summed from the log of each term.
  const logHalf = (n - 1) * Math.log(0.5);
  let logTerm = logHalf; // k = 0
  let total = Math.exp(logTerm);
  for (let k = 1; k < dimensions; k++) {
    logTerm += Math.log((n - k) / k);
    total += Math.exp(logTerm);
  }
  return Math.min(1, total);
}
