import { mean, type ExperimentResults } from './results.ts';
import { leafFields } from './spec/fields.ts';
import type { ExperimentSpec } from './spec/index.ts';

/**
 * Finding 4 of the paper: the gap between EMC on true labels and EMC on random labels
 * goes with how well a model generalizes. Two runs of one sweep, identical but for the
 * labels, are compared point by point; the true-label run's held-out accuracy (of the
 * model trained at its largest fitting N, which fits its training set 100%) gives the
 * generalization gap, 1 − test accuracy.
 */
export interface LabelGapRow {
  width: number;
  parameterCount: number;
  model: string;
  emcTrue: number;
  emcRandom: number;
  /** EMC(true labels) − EMC(random labels). */
  emcGap: number;
  /** Mean over seeds; null when a seed's search fitted no N at all. */
  testAccuracy: number | null;
  /** Train accuracy (1 at the EMC) − test accuracy. */
  generalizationGap: number | null;
}

export interface LabelGapReport {
  rows: LabelGapRow[];
  /** Pearson r between EMC gap and generalization gap over the sweep; null below 3 points or without spread. */
  correlation: number | null;
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
  const rows: LabelGapRow[] = [];
  for (const point of trueRun.points) {
    const random = randomRun.points.find((p) => p.width === point.width);
    if (!random) continue;
    const accuracies = point.seeds.map((s) => s.testAccuracy);
    const testAccuracy = accuracies.every((a): a is number => a !== null) ? mean(accuracies) : null;
    rows.push({
      width: point.width,
      parameterCount: point.parameterCount,
      model: point.model,
      emcTrue: point.emcMean,
      emcRandom: random.emcMean,
      emcGap: point.emcMean - random.emcMean,
      testAccuracy,
      generalizationGap: testAccuracy === null ? null : 1 - testAccuracy,
    });
  }
  const complete = rows.filter((r) => r.generalizationGap !== null);
  return {
    rows,
    correlation: pearson(
      complete.map((r) => r.emcGap),
      complete.map((r) => r.generalizationGap as number),
    ),
  };
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
