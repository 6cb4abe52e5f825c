import { mean, type ExperimentResults } from './results.ts';
import { leafFields } from './experiment/fields.ts';
import type { ExperimentSpec } from './experiment/index.ts';

/**
 * Finding 4 of the paper: the gap between EMC on true labels and EMC on random labels
 * goes with how well a model generalizes. Two runs of one sweep, identical but for the
 * labels, are compared point by point. The generalization gap comes from the true-label
 * run's measurement at one training-set size shared by every width (the sweep's smallest
 * EMC, see PointResult.generalization): at each width's own EMC a wider model would be
 * evaluated after training on more samples, which would confound the comparison.
 */
export interface LabelGapRow {
  width: number;
  parameterCount: number;
  model: string;
  emcTrue: number;
  emcRandom: number;
  /** EMC(true labels) − EMC(random labels). */
  emcGap: number;
  /** At the shared N, mean over seeds; null without a measurement. */
  trainAccuracy: number | null;
  testAccuracy: number | null;
  /** Train accuracy − test accuracy at the shared N. */
  generalizationGap: number | null;
  /** Why the row is left out of the correlation, or null when it is in. */
  excluded: LabelGapExclusion | null;
}

/**
 * Why a row does not enter Pearson's r: an EMC that is only a lower bound (a larger budget
 * or pool could raise it) makes its EMC gap no measurement; without a generalization
 * measurement at the shared N there is nothing to correlate with.
 */
export type LabelGapExclusion = 'budget-limited' | 'censored' | 'not measured' | 'other N';

export interface LeftOutRow {
  width: number;
  model: string;
  reason: LabelGapExclusion;
  /** For a person: which EMC, and why that keeps the row out of r. */
  explanation: string;
}

/** Whether the measured r points the way the paper found. */
export type DirectionAgreement =
  'agrees' | 'does not agree at this scale' | 'too few points' | 'no spread';

/**
 * A bigger EMC(true) − EMC(random) means the training exploits the labels' structure
 * beyond memorizing, so the model generalizes better: a smaller generalization gap.
 */
export const EXPECTED_DIRECTION =
  'The paper finds that a larger EMC(true) − EMC(random) goes with a smaller generalization gap (a negative correlation).';

export interface LabelGapReport {
  rows: LabelGapRow[];
  /** The training-set size generalization was measured at, shared by every width; null when none was measured. */
  sharedN: number | null;
  /**
   * Pearson r between EMC gap and generalization gap over the rows not excluded; null for
   * fewer than 3 of them or without spread.
   */
  correlation: number | null;
  /** How many rows entered the correlation. */
  correlatedRows: number;
  /** The rows left out of the correlation, and why. */
  leftOut: LeftOutRow[];
  expectedDirection: typeof EXPECTED_DIRECTION;
  agreement: DirectionAgreement;
}

/** Why two runs cannot be compared this way, or null when they can. */
export function labelPairProblem(
  trueRun: ExperimentResults,
  randomRun: ExperimentResults,
): string | null {
  if (trueRun.spec.data.labels !== 'true') return 'the first run must use true labels';
  if (randomRun.spec.data.labels !== 'random') return 'the second run must use random labels';
  if (trueRun.spec.data.testSize === 0)
    return 'the true-label run has no test split (data.testSize is 0)';
  const differences = differingFields(trueRun.spec, randomRun.spec).filter(
    (path) => !['name', 'data.labels', 'data.labelNoise'].includes(path),
  );
  if (differences.length > 0) {
    return `the runs differ in more than their labels: ${differences.slice(0, 4).join(', ')}`;
  }
  return null;
}

export function labelGapReport(
  trueRun: ExperimentResults,
  randomRun: ExperimentResults,
): LabelGapReport {
  const problem = labelPairProblem(trueRun, randomRun);
  if (problem) throw new Error(`cannot compare these runs: ${problem}`);
  const measuredNs = trueRun.points.flatMap((p) => (p.generalization ? [p.generalization.n] : []));
  // One run measures every width at the same N; a merged or edited file might not.
  const sharedN = measuredNs.length === 0 ? null : Math.min(...measuredNs);
  const rows: LabelGapRow[] = [];
  const leftOut: LeftOutRow[] = [];
  for (const point of trueRun.points) {
    const random = randomRun.points.find((p) => p.width === point.width);
    if (!random) continue;
    const measured = point.generalization?.n === sharedN ? point.generalization : null;
    const exclusion = exclusionOf(point, random, point.generalization?.n ?? null, sharedN);
    rows.push({
      width: point.width,
      parameterCount: point.parameterCount,
      model: point.model,
      emcTrue: point.emcMean,
      emcRandom: random.emcMean,
      emcGap: point.emcMean - random.emcMean,
      trainAccuracy: measured?.trainAccuracy ?? null,
      testAccuracy: measured?.testAccuracy ?? null,
      generalizationGap: measured ? measured.trainAccuracy - measured.testAccuracy : null,
      excluded: exclusion?.reason ?? null,
    });
    if (exclusion) leftOut.push({ width: point.width, model: point.model, ...exclusion });
  }
  const included = rows.filter((r) => r.excluded === null);
  const correlation = pearson(
    included.map((r) => r.emcGap),
    included.map((r) => r.generalizationGap as number),
  );
  return {
    rows,
    sharedN,
    correlation,
    correlatedRows: included.length,
    leftOut,
    expectedDirection: EXPECTED_DIRECTION,
    agreement: directionAgreement(correlation, included.length),
  };
}

/** Whether r has the paper's sign; never "agrees" without an r. */
export function directionAgreement(
  correlation: number | null,
  correlatedRows: number,
): DirectionAgreement {
  if (correlation === null) return correlatedRows < 3 ? 'too few points' : 'no spread';
  return correlation < 0 ? 'agrees' : 'does not agree at this scale';
}

type PointOf = ExperimentResults['points'][number];

/**
 * Why a row stays out of r, or null. The first reason names the row; the explanation gives
 * every reason that applies (an EMC can be budget-limited in one run and censored in the
 * other).
 */
function exclusionOf(
  truePoint: PointOf,
  randomPoint: PointOf,
  measuredAt: number | null,
  sharedN: number | null,
): Pick<LeftOutRow, 'reason' | 'explanation'> | null {
  const which = (flagged: (p: PointOf) => boolean) => {
    const [t, r] = [flagged(truePoint), flagged(randomPoint)];
    if (t && r) return 'EMC(true) and EMC(random) are';
    return t ? 'EMC(true) is' : r ? 'EMC(random) is' : null;
  };
  const budgetLimited = which((p) => p.budgetLimited);
  const censored = which((p) => p.seeds.some((s) => s.censored));
  const found: Array<Pick<LeftOutRow, 'reason' | 'explanation'>> = [];
  if (budgetLimited) {
    found.push({
      reason: 'budget-limited',
      explanation: `${budgetLimited} budget-limited: a lower bound that more training steps could raise`,
    });
  }
  if (censored) {
    found.push({
      reason: 'censored',
      explanation: `${censored} censored: every N up to the pool fitted, so only a lower bound`,
    });
  }
  if (measuredAt === null) {
    found.push({
      reason: 'not measured',
      explanation: 'the true-label run has no generalization measurement for this width',
    });
  } else if (measuredAt !== sharedN) {
    found.push({
      reason: 'other N',
      explanation: `generalization was measured at N = ${measuredAt}, not at the shared N = ${sharedN}`,
    });
  }
  const [first] = found;
  if (!first) return null;
  return { reason: first.reason, explanation: found.map((f) => f.explanation).join('; ') };
}

/**
 * Among finished runs, the most recent pair that labelGapReport accepts (true labels first),
 * so the lab can show the comparison as soon as both halves exist.
 */
export function findLabelPair(
  runs: readonly ExperimentResults[],
): { trueRun: ExperimentResults; randomRun: ExperimentResults } | undefined {
  for (let i = runs.length - 1; i >= 0; i--) {
    for (let j = runs.length - 1; j >= 0; j--) {
      const [a, b] = [runs[i], runs[j]];
      if (i !== j && a && b && labelPairProblem(a, b) === null) return { trueRun: a, randomRun: b };
    }
  }
  return undefined;
}

/** Pearson's correlation coefficient; null for fewer than 3 pairs or a constant series. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length || xs.length < 3) return null;
  const [mx, my] = [mean(xs), mean(ys)];
  let [sxy, sxx, syy] = [0, 0, 0];
  xs.forEach((x, i) => {
    const [dx, dy] = [x - mx, (ys[i] as number) - my];
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  });
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

function differingFields(a: ExperimentSpec, b: ExperimentSpec): string[] {
  const [fa, fb] = [leafFields(a), leafFields(b)];
  return [...new Set([...fa.keys(), ...fb.keys()])].filter(
    (path) => JSON.stringify(fa.get(path)) !== JSON.stringify(fb.get(path)),
  );
}
