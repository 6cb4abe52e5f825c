import type { LabelGapReport } from '../engine/generalization.ts';
import {
  agreementSentence,
  BUDGET_LIMITED_NOTE,
  correlationSentence,
  type LowerBounds,
  lowerBoundMark,
  sharedSizeSentence,
} from '../share/verdicts.ts';

const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);

const NONE: LowerBounds = { budgetLimited: new Set(), censored: new Set() };

/**
 * The label-gap report as a plain-text table for the terminal. An EMC that is only a
 * lower bound is marked "≥", a row left out of the correlation is marked "*", and notes
 * under the table say why, at which N generalization was measured, and whether r points
 * the way the paper found.
 */
export function formatLabelGap(
  report: LabelGapReport,
  bounds: { true: LowerBounds; random: LowerBounds } = { true: NONE, random: NONE },
): string {
  const emc = (value: number, width: number, run: LowerBounds) =>
    `${lowerBoundMark(run, width)}${value.toFixed(1)}`;
  const header = [
    'model',
    'params',
    'EMC true',
    'EMC random',
    'EMC gap',
    'train acc',
    'test acc',
    'gen. gap',
    'in r',
  ];
  const rows = report.rows.map((row) => [
    row.model,
    String(row.parameterCount),
    emc(row.emcTrue, row.width, bounds.true),
    emc(row.emcRandom, row.width, bounds.random),
    row.emcGap.toFixed(1),
    percent(row.trainAccuracy),
    percent(row.testAccuracy),
    percent(row.generalizationGap),
    row.excluded === null ? 'yes' : 'no*',
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  const shown = report.rows.map((r) => r.width);
  const any = (pick: (b: LowerBounds) => ReadonlySet<number>) =>
    shown.some((w) => pick(bounds.true).has(w) || pick(bounds.random).has(w));
  const notes = [
    any((b) => b.budgetLimited) ? `≥ ${BUDGET_LIMITED_NOTE}` : '',
    any((b) => b.censored) ? '≥ censored: a lower bound; every N up to the pool fitted' : '',
    ...report.leftOut.map((row) => `* ${row.model} left out of r: ${row.explanation}`),
  ].filter(Boolean);
  return [
    line(header),
    ...rows.map(line),
    '',
    ...notes,
    sharedSizeSentence(report),
    correlationSentence(report, 3),
    `expected: ${report.expectedDirection}`,
    `agreement: ${agreementSentence(report)}`,
  ].join('\n');
}
