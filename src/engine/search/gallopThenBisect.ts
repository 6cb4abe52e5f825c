/** Answers "does the procedure fit N samples?" — in the engine, one full training (a probe). */
export type FitOracle = (n: number) => Promise<boolean>;

export interface SearchOptions {
  /** First N to try: a guess (the previous sweep point's EMC, or a fraction of the parameters). */
  start: number;
  /** Largest N available (the pool size): a fit there means EMC is at least max. */
  max: number;
  /** Stop when hi - lo <= max(1, floor(precision * lo)). */
  precision: number;
}

export interface SearchOutcome {
  /** Largest N that fitted (0 when not even one sample fitted). */
  emc: number;
  /** [largest fitting N, smallest non-fitting N]; hi is null when every N up to max fitted. */
  bracket: [number, number | null];
  /** True when EMC is only a lower bound: the pool ran out before any N failed. */
  censored: boolean;
  probes: number;
}

/**
 * Finds the EMC with few trainings: gallop from the guess (×2 after a fit, ÷2 after a
 * failure) until one N fits and a larger one does not, then bisect that bracket down to
 * the requested precision. Takes about 2·log2(EMC/start) + log2(1/precision) probes,
 * where the paper's fixed-step growth takes EMC/step.
 */
export async function gallopThenBisect(
  fits: FitOracle,
  options: SearchOptions,
): Promise<SearchOutcome> {
  const max = Math.max(1, Math.floor(options.max));
  let lo = 0;
  let hi: number | null = null;
  let probes = 0;
  const probe = async (n: number) => {
    probes++;
    const ok = await fits(n);
    if (ok) lo = Math.max(lo, n);
    else hi = hi === null ? n : Math.min(hi, n);
    return ok;
  };

  let n = clamp(Math.round(options.start), 1, max);
  for (;;) {
    const ok = await probe(n);
    if (ok && n >= max) {
      return { emc: lo, bracket: [lo, null], censored: true, probes };
    }
    if (hi !== null && lo > 0) break;
    if (!ok && n === 1) break; // not even one sample fits
    n = ok ? Math.min(2 * n, max) : Math.max(1, Math.floor(n / 2));
  }

  while (hi !== null && hi - lo > tolerance(lo, options.precision)) {
    await probe(Math.floor((lo + hi) / 2));
  }
  return { emc: lo, bracket: [lo, hi], censored: false, probes };
}

function tolerance(lo: number, precision: number): number {
  return Math.max(1, Math.floor(precision * lo));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
