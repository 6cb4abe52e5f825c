import type { LabelGapReport } from '../engine/generalization.ts';
import { BUDGET_LIMITED_NOTE, type LowerBounds, lowerBoundMark } from '../share/verdicts.ts';

const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);

const NONE: LowerBounds = { budgetLimited: new Set(), censored: new Set() };

/**
 * The label-gap report as a plain-text table for the terminal. An EMC that is only a
 * lower bound is marked "≥", and a note under the table says why.
 */
export function formatLabelGap(
  report: LabelGapReport,
  bounds: { true: LowerBounds; random: LowerBounds } = { true: NONE, random: NONE },
): string {
  const emc = (value: number, width: number, run: LowerBounds) =>
    `${lowerBoundMark(run, width)}${value.toFixed(1)}`;
  const header = ['model', 'params', 'EMC true', 'EMC random', 'EMC gap', 'test acc', 'gen. gap'];
  const rows = report.rows.map((row) => [
    row.model,
    String(row.parameterCount),
    emc(row.emcTrue, row.width, bounds.true),
    emc(row.emcRandom, row.width, bounds.random),
    row.emcGap.toFixed(1),
    percent(row.testAccuracy),
    percent(row.generalizationGap),
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
  ].filter(Boolean);
  const correlation =
    report.correlation === null
      ? `correlation: needs at least 3 sweep points with test accuracy (have ${report.rows.length})`
      : `correlation of EMC gap and generalization gap across the sweep: r = ${report.correlation.toFixed(3)}`;
  return [line(header), ...rows.map(line), '', ...notes, correlation].join('\n');
}
