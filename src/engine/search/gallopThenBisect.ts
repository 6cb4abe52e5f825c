/** Answers "does the procedure fit N samples?" — in the engine, one full training (a probe). */
export type FitOracle = (n: number) => Promise<boolean>;

/** Answers the question for several N at once (trained side by side); one answer per N. */
export type BatchFitOracle = (ns: readonly number[]) => Promise<boolean[]>;

export interface SearchOptions {
  /** First N to try: a guess (the previous sweep point's EMC, or a fraction of the parameters). */
  start: number;
  /** Largest N available (the pool size): a fit there means EMC is at least max. */
  max: number;
  /** Stop when hi - lo <= max(1, floor(precision * lo)). */
  precision: number;
  /** N probed per round (k). 1 is the classic sequential search. */
  parallel?: number;
}

export interface SearchOutcome {
  /** Largest N that fitted (0 when not even one sample fitted). */
  emc: number;
  /** [largest fitting N, smallest non-fitting N]; hi is null when every N up to max fitted. */
  bracket: [number, number | null];
  /** True when EMC is only a lower bound: the pool ran out before any N failed. */
  censored: boolean;
  probes: number;
  /** Rounds of probes, each waiting for the previous: the search's sequential depth. */
  rounds: number;
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
  return parallelGallopThenBisect(
    async (ns) => {
      const answers: boolean[] = [];
      for (const n of ns) answers.push(await fits(n));
      return answers;
    },
    { ...options, parallel: 1 },
  );
}

/**
 * The same search with k probes per round, for oracles that train k models at once: the
 * gallop climbs (or descends) a ladder of k powers of two per round, and each bisection
 * round splits the bracket into k + 1 parts, so a bracket closes in about log_{k+1} rounds
 * instead of log_2. With k = 1 it probes exactly the N the sequential search probes.
 */
export async function parallelGallopThenBisect(
  fitsAll: BatchFitOracle,
  options: SearchOptions,
): Promise<SearchOutcome> {
  const k = Math.max(1, Math.floor(options.parallel ?? 1));
  const max = Math.max(1, Math.floor(options.max));
  let lo = 0;
  let hi: number | null = null;
  let probes = 0;
  let rounds = 0;
  const round = async (candidates: number[]) => {
    const ns = [...new Set(candidates)].sort((a, b) => a - b);
    rounds++;
    probes += ns.length;
    const answers = await fitsAll(ns);
    ns.forEach((n, i) => {
      if (answers[i]) lo = Math.max(lo, n);
      else hi = hi === null ? n : Math.min(hi, n);
    });
    return ns.some((n, i) => answers[i] && n >= max);
  };
  const outcome = (censored: boolean): SearchOutcome => ({
    emc: lo,
    bracket: [lo, censored ? null : hi],
    censored,
    probes,
    rounds,
  });

  // The first ladder is centred on the guess: k = 4 tries start/2, start, 2·start, 4·start.
  const start = clamp(Math.round(options.start), 1, max);
  let ladder = Array.from({ length: k }, (_, i) => scale(start, i - Math.floor((k - 1) / 2), max));
  for (;;) {
    if (await round(ladder)) return outcome(true);
    if (hi !== null && lo > 0) break;
    if (hi === 1) return outcome(false); // not even one sample fits
    ladder =
      hi === null
        ? Array.from({ length: k }, (_, i) => scale(lo, i + 1, max))
        : Array.from({ length: k }, (_, i) => scale(hi as number, -(i + 1), max));
  }

  for (;;) {
    const top: number = hi ?? lo;
    if (top - lo <= tolerance(lo, options.precision)) break;
    const inside = Array.from({ length: k }, (_, i) =>
      Math.floor(lo + ((i + 1) * (top - lo)) / (k + 1)),
    ).filter((n) => n > lo && n < top);
    if (inside.length === 0) break;
    await round(inside);
  }
  return outcome(false);
}

/** n · 2^power, floored, within [1, max]. */
function scale(n: number, power: number, max: number): number {
  return clamp(Math.floor(n * 2 ** power), 1, max);
}

function tolerance(lo: number, precision: number): number {
  return Math.max(1, Math.floor(precision * lo));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
