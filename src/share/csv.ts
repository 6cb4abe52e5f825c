import type { ExperimentResults } from '../engine/results.ts';

/** Results as two CSV tables (points and probes), for spreadsheets and plotting scripts. */
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
    ],
    results.probes.map((p) => [
      p.pointIndex,
      p.seedIndex,
      p.n,
      p.fits,
      p.stopReason,
      p.epochs,
      p.steps,
      Number.isFinite(p.finalLoss) ? p.finalLoss : '',
      p.finalAccuracy,
      p.testAccuracy ?? '',
      Math.round(p.wallMs),
    ]),
  );
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
