import type { ExperimentResults, TrainingCost } from '../engine/results.ts';
import {
  formatEmc,
  MIN_DELTA_DIVISOR,
  PATIENCE_FACTOR,
  STUDY_CNN_MAX_STEPS,
  STUDY_SEED,
  type StudyPoint,
  type StudyRow,
  type StudySummary,
  summarizeRun,
} from './widenedStudy.ts';

/**
 * The fidelity report of `npm run bench -- --fidelity` (bench/fidelity.md): every classroom
 * preset end to end, and the widened convergence study. Here, not in scripts/bench.ts, so
 * its tables are tested on hand-built results.
 */

/** One point's search and verification cost (over its seeds), for the report's columns. */
export interface PointCost {
  search: TrainingCost;
  verification: TrainingCost;
}

export interface PresetRun {
  preset: string;
  variants: number;
  seconds: number;
  /** Points whose EMC is budget-limited, over all variants (the goal is none). */
  budgetLimited: number;
  points: number;
  /** Seeds per point. */
  seeds: number;
  /** Seed results whose verdict verification confirmed, of all seed results. */
  seedsVerified: number;
  seedResults: number;
  /** Verdicts that verification overturned, over all seeds and points. */
  overturned: number;
  /** Points not every seed of which was verified. */
  unverified: number;
  emcs: string[];
  /**
   * Per variant, per point: what its search and its verification cost. Absent in
   * bench/fidelity.json written before it was recorded.
   */
  costs?: PointCost[][];
}

export interface FidelityRuns {
  runs: PresetRun[];
  study: StudyRow[];
  summary: StudySummary;
}

const sum = (costs: readonly TrainingCost[]): TrainingCost => ({
  trainings: costs.reduce((s, c) => s + c.trainings, 0),
  steps: costs.reduce((s, c) => s + c.steps, 0),
  seconds: costs.reduce((s, c) => s + c.seconds, 0),
});

const studyCost = (p: StudyPoint): PointCost | undefined =>
  p.search && p.verification ? { search: p.search, verification: p.verification } : undefined;

/** Each point's cost in one results document, summed over its seeds (as the study's). */
export function pointCosts(results: ExperimentResults): PointCost[] {
  return summarizeRun(results, 0).points.map((p) => studyCost(p) as PointCost);
}

/** One preset's row, from the results of its variants. */
export function summarizePreset(
  preset: string,
  labels: readonly string[],
  results: readonly ExperimentResults[],
  seconds: number,
): PresetRun {
  const points = results.flatMap((r) => r.points);
  const seeds = points.flatMap((p) => p.seeds);
  return {
    preset,
    variants: results.length,
    seconds,
    budgetLimited: points.filter((p) => p.budgetLimited).length,
    points: points.length,
    seeds: results[0]?.spec.search.seeds ?? 0,
    seedsVerified: seeds.filter((s) => s.verified).length,
    seedResults: seeds.length,
    overturned: seeds.reduce((total, s) => total + s.overturned, 0),
    unverified: points.filter((p) => !p.verified).length,
    emcs: results.map(
      (r, i) =>
        `${labels[i]}: ${r.points.map((p) => `${p.budgetLimited || p.seeds.some((s) => s.censored) ? '≥' : ''}${Math.round(p.emcMean)}`).join(' / ')}`,
    ),
    costs: results.map(pointCosts),
  };
}

export const fixed = (value: number, digits = 1) => value.toFixed(digits);

export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

const steps = (n: number) => Math.round(n).toLocaleString('en-US');

/** A point's verification as a column writes it: "1,500 steps / 2.5 s", "–" when none ran. */
export function formatVerification(cost: PointCost | undefined): string {
  if (!cost) return '?';
  const v = cost.verification;
  return v.trainings === 0 ? '–' : `${steps(v.steps)} steps / ${fixed(v.seconds)} s`;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * "verification cost: median X steps / Y s per point, Z× the search's steps": medians over
 * the points where a verification trained (the others cost nothing), and all points'
 * verification steps over all their search steps.
 */
export function verificationCostLine(costs: readonly PointCost[]): string {
  const verifiedPoints = costs.filter((c) => c.verification.trainings > 0);
  if (verifiedPoints.length === 0) {
    return `verification cost: no verification trained (0 of ${costs.length} points)`;
  }
  const all = sum(costs.map((c) => c.verification));
  const search = sum(costs.map((c) => c.search));
  const ratio = search.steps > 0 ? `${fixed(all.steps / search.steps, 2)}×` : '–';
  return `verification cost: median ${steps(median(verifiedPoints.map((c) => c.verification.steps)))} steps / ${fixed(median(verifiedPoints.map((c) => c.verification.seconds)))} s per point (the ${verifiedPoints.length} of ${costs.length} points where a verification trained), ${ratio} the search's steps (${steps(all.steps)} against ${steps(search.steps)})`;
}

export function fidelityReport({ runs, study, summary }: FidelityRuns): string {
  const presetTable = table(
    [
      'preset (node, wasm)',
      'runs',
      'seeds',
      'wall time s',
      'budget-limited points',
      'verified seed results',
      'verdicts overturned',
      'unverified points',
      'EMC per width',
      'verification per width (steps / s)',
    ],
    runs.map((p) => [
      p.preset,
      String(p.variants),
      String(p.seeds),
      fixed(p.seconds),
      `${p.budgetLimited} of ${p.points}`,
      `${p.seedsVerified} of ${p.seedResults}`,
      String(p.overturned),
      `${p.unverified} of ${p.points}`,
      p.emcs.join('; '),
      p.costs ? p.costs.map((variant) => variant.map(formatVerification).join(' / ')).join('; ') : '?',
    ]),
  );
  const presetCosts = runs.flatMap((p) => (p.costs ?? []).flat());
  const emcs = (row: StudyRow, run: 'first' | 'verified' | 'patient' | 'epochMean') =>
    row[run].points.map((p) => formatEmc(p, run !== 'first')).join(' / ');
  const agreements = (list: readonly string[]) =>
    list.every((a) => a === 'within') ? 'within' : list.join(' / ');
  const studyTable = table(
    [
      'spec (data; model depth × widths; optimizer lr, batch; stop)',
      'seeds',
      'steps cap',
      'overturned / verified seeds',
      'EMC: first search',
      'EMC: verified',
      'first → verified',
      `EMC: patience × ${PATIENCE_FACTOR}, minDelta ÷ ${MIN_DELTA_DIVISOR}`,
      'verified → patient',
      'EMC: verified, plateau on epoch-mean loss',
      'epoch-mean → patient',
      'wall s (first / verified / patient / epoch-mean)',
      'verification per point (steps / s)',
    ],
    study.map((r) => [
      r.name,
      String(r.seeds),
      String(r.spec.train.maxSteps),
      `${r.overturned} / ${r.seedsVerified} of ${r.seedCount}`,
      emcs(r, 'first'),
      emcs(r, 'verified'),
      agreements(r.verifyAgreement),
      emcs(r, 'patient'),
      agreements(r.patientAgreement),
      emcs(r, 'epochMean'),
      agreements(r.epochMeanAgreement),
      [r.first, r.verified, r.patient, r.epochMean].map((run) => fixed(run.seconds)).join(' / '),
      r.verified.points.map((p) => formatVerification(studyCost(p))).join(' / '),
    ]),
  );
  const studyCosts = study.flatMap((r) =>
    r.verified.points.flatMap((p) => {
      const cost = studyCost(p);
      return cost ? [cost] : [];
    }),
  );
  const fraction = (k: number, n: number) => `${k} of ${n} (${Math.round((100 * k) / n)}%)`;
  const s = summary;
  const summaryLines = [
    `- Specs: ${s.specs}, drawn with seed ${STUDY_SEED}; study wall time ${fixed(s.seconds, 0)} s.`,
    `- Specs with an overturned verdict: ${fraction(s.specsOverturned, s.specs)}; verdicts overturned: ${s.overturned}, over ${s.seedsVerified} verified of ${s.seedCount} seed results.`,
    `- Specs whose EMC verification moved beyond the precision (first search → verified): ${fraction(s.specsMovedByVerification, s.specs)}.`,
    `- Specs whose EMC moved beyond the precision with the more patient stop: ${fraction(s.specsMovedByPatience, s.specs)}; of these, ${s.specsMovedByPatienceFlagged} only where a run marks the EMC a lower bound (budget-limited or the whole pool fitted) or unverified, ${s.unflaggedMoves.length} unmarked${s.unflaggedMoves.length ? `: ${s.unflaggedMoves.join('; ')}` : ''}.`,
    `- Plateau reading: with the full-batch loss (the engine's), ${s.unflaggedMoves.length} unmarked move${s.unflaggedMoves.length === 1 ? '' : 's'} against the patient stop; with epochs' mean batch loss, ${s.epochMeanMovedByPatience} spec${s.epochMeanMovedByPatience === 1 ? '' : 's'} moved, ${s.epochMeanUnflaggedMoves.length} unmarked${s.epochMeanUnflaggedMoves.length ? `: ${s.epochMeanUnflaggedMoves.map((name) => name.slice(0, 3)).join(', ')}` : ''}.`,
    `- Unmarked moves with the patient stop by the patience drawn: ${s.byPatience.map((b) => `${b.patience} steps: ${b.unflagged} of ${b.specs}`).join('; ')}.`,
    `- Specs with a budget-limited point in some run (EMC a lower bound): ${s.budgetLimitedSpecs.length}${s.budgetLimitedSpecs.length ? `: ${s.budgetLimitedSpecs.map((name) => name.slice(0, 3)).join(', ')}` : ''}.`,
    `- Verified search, ${verificationCostLine(studyCosts)}.`,
  ];
  return [
    '### Classroom presets end to end',
    '',
    presetTable,
    '',
    `Presets, ${verificationCostLine(presetCosts)}.`,
    '',
    '### Convergence study, widened: random specs, verified, and with a more patient stop',
    '',
    `Each spec runs four times on wasm: the first search alone (search.verify false), the verified search (the default: every seed's decisive probe trained 4× longer beyond its stop, without the plateau stop and with learning-rate cuts on plateaus of 4× the patience), the verified search with patience × ${PATIENCE_FACTOR} and minDelta ÷ ${MIN_DELTA_DIVISOR} (and ${PATIENCE_FACTOR}× the step cap, at most 16,000, MNIST 8,000), and the verified search with mini-batch plateaus judged on epochs' mean batch loss instead of the full-batch loss (the reading before; compared with the patient stop like the default). ≥: a lower bound (budget-limited, or the whole pool fitted); ?: not verified. "within": the EMCs differ by at most max(1, precision × EMC); "moved, flagged": more, where one run marks its EMC a lower bound or unverified; "moved": more, unmarked. Verification per point: the steps and seconds of the verified search's verification trainings, over the point's seeds ("–": none trained, every seed budget-limited or its whole pool fitted). MLPs, then a few small CNNs on MNIST (they train on wasm through im2col; one seed, one convolution channel to start, a cap of ${STUDY_CNN_MAX_STEPS.toLocaleString('en-US')} steps).`,
    '',
    studyTable,
    '',
    '**Summary**',
    '',
    ...summaryLines,
  ].join('\n');
}
