import type { ExperimentResults } from '../engine/results.ts';

/**
 * Results as two CSV tables (points and probes), for spreadsheets and plotting scripts.
 * Columns added later go at the end, so scripts that read columns by position keep working.
 * A lower bound is flagged in its own column (censored, budget_limited), never by a marker
 * inside the number: EMC columns stay numeric.
 */
export function pointsCsv(results: ExperimentResults): string {
  const rows = results.points.flatMap((point) =>
    point.seeds.map((seed) => [
      point.index,
      point.width,
      point.model,
      point.parameterCount,
      point.emcMean,
      point.emcStd,
      seed.seedIndex,
      seed.emc,
      seed.bracket[0],
      seed.bracket[1] ?? '',
      seed.censored,
      seed.probes,
      seed.testAccuracy ?? '',
      seed.budgetLimited,
      point.budgetLimited,
      point.generalization?.n ?? '',
      point.generalization?.trainAccuracy ?? '',
      point.generalization?.testAccuracy ?? '',
      seed.verified,
      seed.overturned,
      point.verified,
    ]),
  );
  return toCsv(
    [
      'point',
      'width',
      'model',
      'parameters',
      'emc_mean',
      'emc_std',
      'seed',
      'emc',
      'bracket_low',
      'bracket_high',
      'censored',
      'probes',
      'test_accuracy',
      // This seed's smallest failing N ran out of steps: emc is a lower bound.
      'budget_limited',
      // Some seed of the point is budget-limited: emc_mean is a lower bound.
      'point_budget_limited',
      // The point's generalization at the N shared by the sweep (means over seeds), the
      // same on each of its rows; empty when not measured. Compare widths with these, not
      // with test_accuracy, which each width measures at its own EMC.
      'gen_n',
      'gen_train_accuracy',
      'gen_test_accuracy',
      // This seed's decisive "does not fit" held when trained on longer (search.verify).
      'verified',
      // This seed's verdicts that verification overturned (the search went on above them).
      'overturned',
      // Every seed of the point is verified.
      'point_verified',
    ],
    rows,
  );
}

export function probesCsv(results: ExperimentResults): string {
  return toCsv(
    [
      'point',
      'seed',
      'n',
      'fits',
      'stop_reason',
      'epochs',
      'steps',
      'final_loss',
      'final_accuracy',
      'test_accuracy',
      'wall_ms',
      'converged',
      'grad_norm',
      'initial_grad_norm',
      'stall_grad_norm',
      'hessian_min',
      'hessian_max',
      'saddle',
      'extensions',
      // A verification training of the seed's decisive probe, and the saddles stepped off.
      'verification',
      'saddle_escapes',
    ],
    results.probes.map((p) => [
      p.pointIndex,
      p.seedIndex,
      p.n,
      p.fits,
      p.stopReason,
      p.epochs,
      known(p.steps),
      known(p.finalLoss),
      p.finalAccuracy,
      known(p.testAccuracy),
      Math.round(p.wallMs),
      p.converged,
      known(p.gradNorm),
      known(p.initialGradNorm),
      known(p.stallGradNorm),
      known(p.hessianMin),
      known(p.hessianMax),
      p.saddle,
      p.extensions,
      p.verification,
      p.saddleEscapes,
    ]),
  );
}

/** Unknown numbers (null, NaN: never measured, or not carried by a link) are left empty. */
function known(value: number | null): number | string {
  return value !== null && Number.isFinite(value) ? value : '';
}

function toCsv(header: string[], rows: Array<Array<string | number | boolean>>): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

/** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
function cell(value: string | number | boolean): string {
  let text = String(value);
  if (/^[=+\-@]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
