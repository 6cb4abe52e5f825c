import { labelGapReport, labelPairProblem, type LeftOutRow } from '../engine/generalization.ts';
import {
  type ExperimentResults,
  mean,
  type PointResult,
  type SeedResult,
} from '../engine/results.ts';
import { type EfficiencyUnit, trainedUnits } from '../share/verdicts.ts';
import { PAPER_GAP_CORRELATION, type StudyClaim } from './studies.ts';

/**
 * A study's verdict per claim, from its variants' measured runs. Claims are judged per
 * (seed, width) pair. An EMC that is only a lower bound (censored: the whole pool fitted;
 * budget-limited: a decisive probe ran out of steps) or unverified (its "does not fit" was not
 * trained on longer, and verification only ever raises an EMC) is a bound, not a number: it
 * counts only where the bound already decides the pair, and every such point is listed with
 * whether it decided, so the report names it.
 */
export type Verdict = 'reproduces' | 'does not reproduce' | 'inconclusive';

/** A verdict needs at least this many (seed, width) pairs. */
export const MIN_PAIRS = 3;
/** Reproduces when the claim holds in at least this share of all pairs (undecided ones count against). */
export const AGREE_SHARE = 0.75;

export type BoundKind = 'censored' | 'budget-limited' | 'unverified';

/** A seed's EMC that is only a lower bound, as a claim met it. */
export interface BoundPoint {
  variant: string;
  width: number;
  parameterCount: number;
  seedIndex: number;
  emc: number;
  kind: BoundKind;
  /** The bound decided its pair (or its comparison with the parameter count). */
  decides: boolean;
}

export interface ClaimVerdict {
  claim: StudyClaim;
  /** The claim in words: "CNN fits more samples per parameter than MLP". */
  statement: string;
  verdict: Verdict;
  pairs: number;
  agree: number;
  disagree: number;
  ties: number;
  /** Pairs a lower bound left open. */
  undecided: number;
  /** The effect size in words, with how many pairs it rests on. */
  effect: string;
  /** Why this verdict, in one sentence. */
  reason: string;
  /** Every bound (censored, budget-limited, unverified) the claim met. */
  bounds: BoundPoint[];
  /** Finding 4: Pearson's r over the sweep, the rows in it and those left out. */
  correlation?: { r: number | null; rows: number; leftOut: LeftOutRow[] };
}

/** A seed's EMC and whether it is a bound (and why); exact when it is neither. */
function boundKind(seed: SeedResult): BoundKind | null {
  if (seed.censored) return 'censored';
  if (seed.budgetLimited) return 'budget-limited';
  return seed.verified ? null : 'unverified';
}

interface Value {
  variant: string;
  point: PointResult;
  seed: SeedResult;
  perParameter: number;
  bound: BoundKind | null;
}

const valueOf = (
  variant: string,
  point: PointResult,
  seed: SeedResult,
  units = point.parameterCount,
): Value => ({
  variant,
  point,
  seed,
  perParameter: seed.emc / units,
  bound: boundKind(seed),
});

const UNIT_WORDS: Record<EfficiencyUnit, string> = {
  parameter: 'parameter',
  'trained-parameter': 'trained parameter',
  bit: 'bit of trained weights',
};

function boundPoint(value: Value, decides: boolean): BoundPoint {
  return {
    variant: value.variant,
    width: value.point.width,
    parameterCount: value.point.parameterCount,
    seedIndex: value.seed.seedIndex,
    emc: value.seed.emc,
    kind: value.bound as BoundKind,
    decides,
  };
}

type PairOutcome = 'agree' | 'disagree' | 'tie' | 'undecided';

/** Tallies pair outcomes into a verdict by the shares above. */
function tally(outcomes: readonly PairOutcome[]) {
  const count = (kind: PairOutcome) => outcomes.filter((o) => o === kind).length;
  const [agree, disagree, ties, undecided] = (
    ['agree', 'disagree', 'tie', 'undecided'] as const
  ).map(count) as [number, number, number, number];
  const pairs = outcomes.length;
  const decided = pairs - undecided;
  let verdict: Verdict = 'inconclusive';
  let reason: string;
  if (pairs < MIN_PAIRS) {
    reason = `${pairs} (seed, width) pair${pairs === 1 ? '' : 's'}: a verdict needs at least ${MIN_PAIRS}.`;
  } else if (agree >= AGREE_SHARE * pairs) {
    verdict = 'reproduces';
    reason = `holds in ${agree} of ${pairs} pairs (at least ${AGREE_SHARE * 100}% needed).`;
  } else if (decided >= AGREE_SHARE * pairs && agree <= decided / 2) {
    verdict = 'does not reproduce';
    reason = `holds in only ${agree} of the ${decided} decided pairs (of ${pairs}).`;
  } else {
    reason =
      undecided > 0
        ? `holds in ${agree} of ${pairs} pairs, ${undecided} left open by lower bounds: neither way is settled.`
        : `holds in ${agree} of ${pairs} pairs: no consistent direction.`;
  }
  return { verdict, reason, pairs, agree, disagree, ties, undecided };
}

/** Finding 1: each seed's EMC below its model's parameter count. */
export function judgeBelowParameters(runs: ReadonlyMap<string, ExperimentResults>): ClaimVerdict {
  const outcomes: PairOutcome[] = [];
  const bounds: BoundPoint[] = [];
  const exactRatios: number[] = [];
  for (const [variant, results] of runs) {
    for (const point of results.points) {
      for (const seed of point.seeds) {
        const value = valueOf(variant, point, seed);
        const above = seed.emc >= point.parameterCount;
        if (value.bound) {
          // A bound at or above the parameter count already says "not below"; one under it says nothing.
          outcomes.push(above ? 'disagree' : 'undecided');
          bounds.push(boundPoint(value, above));
        } else {
          outcomes.push(above ? 'disagree' : 'agree');
          exactRatios.push(value.perParameter);
        }
      }
    }
  }
  const effect =
    exactRatios.length === 0
      ? 'no EMC measured exactly: no effect size.'
      : `EMC / parameters: mean ${formatRatio(mean(exactRatios))}, largest ${formatRatio(Math.max(...exactRatios))} (${exactRatios.length} measured seeds).`;
  return {
    claim: { kind: 'below-parameters' },
    statement: 'every EMC is below its parameter count',
    ...tally(outcomes),
    effect,
    bounds,
  };
}

/**
 * `better` fits more samples per parameter than `worse`, per (seed, width index) pair: the
 * i-th widths of two families are matched by parameter count, not by width.
 */
export function judgeMoreEfficient(
  better: { label: string; results: ExperimentResults },
  worse: { label: string; results: ExperimentResults },
  per: EfficiencyUnit = 'parameter',
): ClaimVerdict {
  const units = (results: ExperimentResults, point: PointResult) =>
    trainedUnits(point, results.spec, per);
  const outcomes: PairOutcome[] = [];
  const bounds: BoundPoint[] = [];
  const logRatios: number[] = [];
  better.results.points.forEach((pointA, i) => {
    const pointB = worse.results.points[i];
    if (!pointB) return;
    for (const seedA of pointA.seeds) {
      const seedB = pointB.seeds.find((s) => s.seedIndex === seedA.seedIndex);
      if (!seedB) continue;
      const a = valueOf(better.label, pointA, seedA, units(better.results, pointA));
      const b = valueOf(worse.label, pointB, seedB, units(worse.results, pointB));
      const outcome = comparePair(a, b);
      outcomes.push(outcome);
      if (a.bound) bounds.push(boundPoint(a, outcome !== 'undecided'));
      if (b.bound) bounds.push(boundPoint(b, outcome !== 'undecided'));
      if (!a.bound && !b.bound && a.perParameter > 0 && b.perParameter > 0) {
        logRatios.push(Math.log(a.perParameter / b.perParameter));
      }
    }
  });
  const effect =
    logRatios.length === 0
      ? 'no pair measured exactly on both sides: no effect size.'
      : `${better.label}'s EMC per ${UNIT_WORDS[per]} is ${formatRatio(Math.exp(mean(logRatios)))}× ${worse.label}'s (geometric mean over the ${logRatios.length} pairs measured exactly on both sides).`;
  return {
    claim: {
      kind: 'more-efficient',
      better: better.label,
      worse: worse.label,
      ...(per === 'parameter' ? {} : { per }),
    },
    statement: `more samples per ${UNIT_WORDS[per]} with ${better.label} than with ${worse.label}`,
    ...tally(outcomes),
    effect,
    bounds,
  };
}

/** One pair: a lower bound decides only when it already exceeds the other side's number. */
function comparePair(a: Value, b: Value): PairOutcome {
  if (a.bound && b.bound) return 'undecided';
  if (a.bound) return a.perParameter > b.perParameter ? 'agree' : 'undecided';
  if (b.bound) return b.perParameter >= a.perParameter ? 'disagree' : 'undecided';
  if (a.perParameter > b.perParameter) return 'agree';
  return a.perParameter < b.perParameter ? 'disagree' : 'tie';
}

/** The paper's strength of correlation needs at least this many models in r. */
export const MIN_MODELS_IN_R = 5;

/**
 * Finding 4, as `emc-lab gap` computes it (generalization.ts): r between EMC(true) −
 * EMC(random) and the generalization gap over the sweep's models, rows with a bound left out.
 * Reproduces at the paper's r < −0.8; does not at r ≥ 0; a weaker negative r is inconclusive.
 */
export function judgeGapCorrelation(
  trueRun: { label: string; results: ExperimentResults },
  randomRun: { label: string; results: ExperimentResults },
): ClaimVerdict {
  const claim: StudyClaim = {
    kind: 'gap-predicts-generalization',
    trueLabels: trueRun.label,
    randomLabels: randomRun.label,
  };
  const statement = `EMC(${trueRun.label}) − EMC(${randomRun.label}) correlates with generalization at r < ${PAPER_GAP_CORRELATION}`;
  const bounds = [trueRun, randomRun].flatMap(({ label, results }) =>
    results.points.flatMap((point) =>
      point.seeds
        .map((seed) => valueOf(label, point, seed))
        .filter((value) => value.bound)
        .map((value) => boundPoint(value, false)),
    ),
  );
  const counts = { pairs: 0, agree: 0, disagree: 0, ties: 0, undecided: 0 };
  const problem = labelPairProblem(trueRun.results, randomRun.results);
  if (problem) {
    return {
      claim,
      statement,
      verdict: 'inconclusive',
      ...counts,
      effect: 'no correlation: the runs cannot be paired.',
      reason: `the runs cannot be paired: ${problem}.`,
      bounds,
    };
  }
  const report = labelGapReport(trueRun.results, randomRun.results);
  const r = report.correlation;
  const rows = report.correlatedRows;
  let verdict: Verdict = 'inconclusive';
  let reason: string;
  if (rows < MIN_MODELS_IN_R || r === null) {
    reason = `Pearson's r needs at least ${MIN_MODELS_IN_R} models measured without a bound and with spread; ${rows} entered it.`;
  } else if (r < PAPER_GAP_CORRELATION) {
    verdict = 'reproduces';
    reason = `r = ${r.toFixed(2)} over ${rows} models, below the paper's ${PAPER_GAP_CORRELATION}.`;
  } else if (r >= 0) {
    verdict = 'does not reproduce';
    reason = `r = ${r.toFixed(2)} over ${rows} models: not negative.`;
  } else {
    reason = `r = ${r.toFixed(2)} over ${rows} models: negative, as the paper, but weaker than its ${PAPER_GAP_CORRELATION}.`;
  }
  // Beside r: in how many (seed, width) pairs true labels fit more than random ones.
  const direction = judgeMoreEfficient(trueRun, randomRun);
  return {
    claim,
    statement,
    verdict,
    pairs: direction.pairs,
    agree: direction.agree,
    disagree: direction.disagree,
    ties: direction.ties,
    undecided: direction.undecided,
    effect: `r = ${r === null ? 'undefined' : r.toFixed(2)} (paper: r < ${PAPER_GAP_CORRELATION}); EMC(${trueRun.label}) > EMC(${randomRun.label}) in ${direction.agree} of ${direction.pairs} (seed, width) pairs.`,
    reason,
    bounds,
    correlation: { r, rows, leftOut: report.leftOut },
  };
}

/** Every claim of a study judged on its variants' measured runs (by label). */
export function judgeClaims(
  claims: readonly StudyClaim[],
  runs: ReadonlyMap<string, ExperimentResults>,
): ClaimVerdict[] {
  const named = (label: string) => {
    const results = runs.get(label);
    if (!results) throw new Error(`the study has no variant "${label}"`);
    return { label, results };
  };
  return claims.map((claim) => {
    switch (claim.kind) {
      case 'below-parameters':
        return judgeBelowParameters(runs);
      case 'more-efficient':
        return judgeMoreEfficient(named(claim.better), named(claim.worse), claim.per);
      case 'gap-predicts-generalization':
        return judgeGapCorrelation(named(claim.trueLabels), named(claim.randomLabels));
    }
  });
}

/** Two significant digits: 0.012, 0.35, 2.3, 14. */
export function formatRatio(value: number): string {
  return Number(value.toPrecision(2)).toString();
}
