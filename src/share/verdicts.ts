import type { LabelGapReport } from '../engine/generalization.ts';
import type { ExperimentSpec } from '../engine/experiment/index.ts';
import type { ExperimentResults, PointResult, ProbeRecord } from '../engine/results.ts';

/**
 * How results are told to a person, the same in the lab and the CLI: how a probe ended,
 * and which EMCs are only lower bounds.
 */

/** A count with thousands separators, the same in every locale: "2,500". */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** "after 2,500 steps", with the epochs when they differ from the steps (mini-batches). */
function spent(probe: Pick<ProbeRecord, 'steps' | 'epochs'>): string {
  if (!Number.isFinite(probe.steps)) return `after ${formatCount(probe.epochs)} epochs`;
  const epochs = probe.epochs === probe.steps ? '' : ` in ${formatCount(probe.epochs)} epochs`;
  return `after ${formatCount(probe.steps)} steps${epochs}`;
}

/**
 * How a probe ended, in words for the lab's log and the CLI. A converged no-fit and an
 * inconclusive probe (the step cap ran out) are told apart: only the first is a measured
 * "does not fit".
 */
export function probeVerdict(
  probe: Pick<ProbeRecord, 'stopReason' | 'steps' | 'epochs' | 'extensions'> &
    Partial<Pick<ProbeRecord, 'verification' | 'saddleEscapes'>>,
): string {
  if (probe.verification) {
    return probe.stopReason === 'fit'
      ? `verdict overturned: fits when trained on (${spent(probe)}); the search goes on above it`
      : `verified: still does not fit ${spent(probe)} without the plateau stop`;
  }
  const escapes = probe.saddleEscapes ?? 0;
  const saddles = escapes > 0 ? `, stepped off ${escapes} saddle${escapes > 1 ? 's' : ''}` : '';
  return plainVerdict(probe) + saddles;
}

function plainVerdict(
  probe: Pick<ProbeRecord, 'stopReason' | 'steps' | 'epochs' | 'extensions'>,
): string {
  const extended =
    probe.extensions > 0
      ? `, budget doubled ${probe.extensions} time${probe.extensions > 1 ? 's' : ''}`
      : '';
  switch (probe.stopReason) {
    case 'fit':
      return `fits (${spent(probe)}${extended})`;
    case 'converged':
      return `does not fit (converged ${spent(probe)}${extended})`;
    case 'budget':
      return `inconclusive (step cap reached ${spent(probe)})`;
    case 'diverged':
      return `diverged (the loss is no longer finite ${spent(probe)})`;
    case 'plateau':
      // Results before version 2 stopped on a loss plateau without a convergence check.
      return `does not fit (loss plateau ${spent(probe)}, not checked for convergence)`;
  }
}

/** What a budget-limited EMC means and what to do about it, said the same everywhere. */
export const BUDGET_LIMITED_NOTE = 'budget-limited: a lower bound; raise train.maxSteps';

/** What an unverified EMC means, said the same everywhere. */
export const UNVERIFIED_NOTE =
  'unverified: its decisive "does not fit" was not trained on longer to check it (search.verify)';

/** The line that starts a verification, for the lab's log and the CLI. */
export function verificationStartedText(n: number, steps: number): string {
  return `Verifying N = ${formatCount(n)}: training it again for ${formatCount(steps)} steps without the plateau stop`;
}

/**
 * A point whose EMC is only a lower bound: every N up to the pool fitted (censored) or a
 * probe at or above the bracket ran out of steps (budget-limited). Marked "≥".
 */
export function isLowerBound(point: Pick<PointResult, 'budgetLimited' | 'seeds'>): boolean {
  return point.budgetLimited || point.seeds.some((s) => s.censored);
}

/**
 * A point whose EMC is not a lower bound but was not verified either (marked "unverified");
 * a lower bound is marked "≥" instead.
 */
export function isUnverified(point: Pick<PointResult, 'verified' | 'budgetLimited' | 'seeds'>) {
  return !point.verified && !isLowerBound(point);
}

/** Widths whose EMC is only a lower bound in a run, and why. */
export interface LowerBounds {
  budgetLimited: ReadonlySet<number>;
  censored: ReadonlySet<number>;
}

export function lowerBoundsOf(results: Pick<ExperimentResults, 'points'>): LowerBounds {
  const widths = (keep: (p: ExperimentResults['points'][number]) => boolean) =>
    new Set(results.points.filter(keep).map((p) => p.width));
  return {
    budgetLimited: widths((p) => p.budgetLimited),
    censored: widths((p) => p.seeds.some((s) => s.censored)),
  };
}

/** "≥ " when the EMC of this width is a lower bound in the run, else "". */
export function lowerBoundMark(bounds: LowerBounds, width: number): string {
  return bounds.budgetLimited.has(width) || bounds.censored.has(width) ? '≥ ' : '';
}

/** At which N the label-gap report's generalization gaps were measured. */
export function sharedSizeSentence(report: Pick<LabelGapReport, 'sharedN'>): string {
  return report.sharedN === null
    ? 'Generalization was not measured at a shared N (results from before it was, or a stopped run): run the true-label sweep again to measure it.'
    : `Generalization measured at N = ${formatCount(report.sharedN)}, shared by every width (the smallest EMC of the true-label sweep).`;
}

/** Pearson's r across the sweep, or why there is none. */
export function correlationSentence(
  report: Pick<LabelGapReport, 'correlation' | 'correlatedRows' | 'agreement'>,
  digits = 2,
): string {
  const { correlation, correlatedRows } = report;
  if (correlation !== null) {
    return `Correlation between EMC gap and generalization gap across the sweep: r = ${correlation.toFixed(digits)} (${correlatedRows} points).`;
  }
  return report.agreement === 'no spread'
    ? `Correlation across the sweep: undefined, the EMC gap or the generalization gap is the same at all ${correlatedRows} points.`
    : `Correlation across the sweep: needs at least 3 sweep points that are measured and not left out (this pair has ${correlatedRows}).`;
}

/** Whether r points the way the paper found; never claims agreement without an r. */
export function agreementSentence(report: Pick<LabelGapReport, 'agreement'>): string {
  switch (report.agreement) {
    case 'agrees':
      return 'r < 0: agrees with the paper.';
    case 'does not agree at this scale':
      return 'r ≥ 0: does not agree with the paper at this scale.';
    case 'too few points':
      return 'Too few points to tell the direction of the correlation.';
    case 'no spread':
      return 'No spread to correlate, so no direction to tell.';
  }
}

/**
 * A point's EMC as the lab shows it: "≥ 96" when it is only a lower bound, because every N
 * up to the pool fitted (censored) or a decisive probe ran out of steps (budget-limited);
 * "62 (unverified)" when a seed's verdict was not checked by longer training.
 */
export function formatEmc(point: PointResult): string {
  const lowerBound = isLowerBound(point);
  const spread = point.seeds.length > 1 ? ` ± ${point.emcStd.toFixed(1)}` : '';
  const unverified = isUnverified(point) ? ' (unverified)' : '';
  return `${lowerBound ? '≥ ' : ''}${Math.round(point.emcMean * 10) / 10}${spread}${unverified}`;
}

/** "MLP 1×{4, 8} relu on gaussian [20], random labels, pool 400". */
export function describeExperiment(spec: ExperimentSpec): string {
  const { model, data, sweep } = spec;
  const shape = data.source === 'gaussian' ? ` [${data.inputShape.join(', ')}]` : '';
  // As the engine names models ("MLP 1×32 relu", "linear classifier"), over the sweep's widths.
  const models =
    model.depth === 0
      ? 'linear classifier'
      : `${model.family.toUpperCase()} ${model.depth}×{${sweep.widths.join(', ')}} ${model.activation}`;
  // The user's own data is known by its file.
  const source = data.file ?? data.source;
  return `${models} on ${source}${shape}, ${data.labels} labels, pool ${data.poolSize}`;
}

/** How often one run's EMC exceeds another's, over (seed, width) pairs both runs measured. */
export interface DirectionCounts {
  /** Pairs where the first run's EMC is larger. */
  more: number;
  /** Pairs where it is smaller. */
  fewer: number;
  /** Pairs with equal EMCs. */
  ties: number;
  /** Every pair compared: points paired by width, their seeds by seed index. */
  pairs: number;
}

/** Pairs a's points with b's by width and their seeds by seed index, and counts who fits more. */
export function directionCounts(
  a: readonly Pick<PointResult, 'width' | 'seeds'>[],
  b: readonly Pick<PointResult, 'width' | 'seeds'>[],
): DirectionCounts {
  const counts: DirectionCounts = { more: 0, fewer: 0, ties: 0, pairs: 0 };
  const byWidth = new Map(b.map((point) => [point.width, point]));
  for (const point of a) {
    const other = byWidth.get(point.width);
    if (!other) continue;
    const otherSeeds = new Map(other.seeds.map((s) => [s.seedIndex, s.emc]));
    for (const seed of point.seeds) {
      const emc = otherSeeds.get(seed.seedIndex);
      if (emc === undefined) continue;
      counts.pairs += 1;
      if (seed.emc > emc) counts.more += 1;
      else if (seed.emc < emc) counts.fewer += 1;
      else counts.ties += 1;
    }
  }
  return counts;
}

/**
 * Whether "a fits more than b" holds pair by pair, not only on average: "SGD, batch 16 fits
 * more than full batch in 6 of 6 (seed, width) pairs", with fewer and ties counted apart.
 */
export function directionHolds(
  a: readonly Pick<PointResult, 'width' | 'seeds'>[],
  b: readonly Pick<PointResult, 'width' | 'seeds'>[],
  labels: { a: string; b: string } = { a: 'the first run', b: 'the second' },
): string {
  const { more, fewer, ties, pairs } = directionCounts(a, b);
  if (pairs === 0) {
    return `${labels.a} and ${labels.b} share no (seed, width) pair to compare.`;
  }
  const rest = [fewer > 0 ? `fewer in ${fewer}` : '', ties > 0 ? `ties in ${ties}` : '']
    .filter(Boolean)
    .join(', ');
  const plural = pairs > 1 ? 's' : '';
  return `${labels.a} fits more than ${labels.b} in ${more} of ${pairs} (seed, width) pair${plural}${rest ? `; ${rest}` : ''}.`;
}

/** What EMC is divided by: the network's weights, its trained parameters, or their bits. */
export type EfficiencyUnit = 'parameter' | 'trained-parameter' | 'bit';

/** Float32 weights, as a per-bit comparison counts a network that is not rounded. */
const FLOAT_BITS = 32;

/**
 * What a point's EMC is divided by: its weights, its trained parameters (a random subspace
 * trains d of them), or the bits those hold.
 */
export function trainedUnits(
  point: Pick<PointResult, 'parameterCount' | 'dimension'>,
  spec: { model: { precision?: { bits: number } } },
  per: EfficiencyUnit,
): number {
  if (per === 'parameter') return point.parameterCount;
  const trained = point.dimension ?? point.parameterCount;
  return per === 'bit' ? trained * (spec.model.precision?.bits ?? FLOAT_BITS) : trained;
}
