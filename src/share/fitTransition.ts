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

/**
 * Linear in the probes (n log n with the sort), however many seeds and probes a results
 * file or link holds: a sweep over the distinct N adds each seed's bracket as two ranges
 * and each probe as one correction. `work`, when given, counts the steps taken (tests
 * hold it to a multiple of the input's size).
 */
export function fitTransition(
  point: PointResult,
  probes: readonly ProbeRecord[],
  work?: { steps: number },
): FitTransition {
  const step = work ? () => work.steps++ : () => {};
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
  return { rows, brackets, fractions: fitFractions(rows, brackets, step) };
}

type Outcome = boolean | undefined;

/**
 * For each probed N, the seeds whose outcome is known and those that fit. A probe at N
 * answers for its seed (the first of the seed's probes at N); otherwise the search's bracket
 * does, as the search itself assumes: every N up to lo fits, none from hi on.
 */
function fitFractions(
  rows: readonly TransitionRow[],
  brackets: FitTransition['brackets'],
  step: () => void,
): FractionStep[] {
  const ns: number[] = [];
  for (const row of rows) {
    step();
    if (ns.at(-1) !== row.n) ns.push(row.n);
  }
  // Differences over the sorted N: a range of N adds at its start and takes off at its end.
  const known = new Array<number>(ns.length + 1).fill(0);
  const fitting = new Array<number>(ns.length + 1).fill(0);
  const add = (from: number, to: number, outcome: Outcome, sign: 1 | -1) => {
    if (outcome === undefined || from >= to) return;
    known[from] = (known[from] as number) + sign;
    known[to] = (known[to] as number) - sign;
    if (outcome) {
      fitting[from] = (fitting[from] as number) + sign;
      fitting[to] = (fitting[to] as number) - sign;
    }
  };
  const bracketsOf = new Map<number, FitTransition['brackets']>();
  for (const bracket of brackets) {
    step();
    const { seedIndex, lo, hi } = bracket;
    bracketsOf.set(seedIndex, [...(bracketsOf.get(seedIndex) ?? []), bracket]);
    const fitsUpTo = firstAbove(ns, lo, step);
    add(0, fitsUpTo, true, 1);
    if (hi !== null) add(Math.max(fitsUpTo, firstAbove(ns, hi - 1, step)), ns.length, false, 1);
  }
  // Where a seed probed N, its probe replaces what its bracket implied.
  const answered = new Set<string>();
  let at = 0;
  for (const row of rows) {
    step();
    if (ns[at] !== row.n) at++;
    const key = `${row.seedIndex}/${row.n}`;
    if (answered.has(key)) continue;
    answered.add(key);
    const probed: Outcome = row.outcome === 'undecided' ? undefined : row.fits;
    for (const { lo, hi } of bracketsOf.get(row.seedIndex) ?? []) {
      step();
      add(at, at + 1, implied(row.n, lo, hi), -1);
      add(at, at + 1, probed, 1);
    }
  }
  let knownSoFar = 0;
  let fittingSoFar = 0;
  return ns.map((n, i) => {
    step();
    knownSoFar += known[i] as number;
    fittingSoFar += fitting[i] as number;
    return { n, known: knownSoFar, fitting: fittingSoFar };
  });
}

function implied(n: number, lo: number, hi: number | null): Outcome {
  return n <= lo ? true : hi !== null && n >= hi ? false : undefined;
}

/** The index of the first of the sorted `ns` above `value` (binary search). */
function firstAbove(ns: readonly number[], value: number, step: () => void): number {
  let low = 0;
  let high = ns.length;
  while (low < high) {
    step();
    const middle = (low + high) >> 1;
    if ((ns[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
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
