import type { LabelGapReport } from '../engine/generalization.ts';

const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);

/** The label-gap report as a plain-text table for the terminal. */
export function formatLabelGap(report: LabelGapReport): string {
  const header = ['model', 'params', 'EMC true', 'EMC random', 'EMC gap', 'test acc', 'gen. gap'];
  const rows = report.rows.map((row) => [
    row.model,
    String(row.parameterCount),
    row.emcTrue.toFixed(1),
    row.emcRandom.toFixed(1),
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
  const correlation =
    report.correlation === null
      ? `correlation: needs at least 3 sweep points with test accuracy (have ${report.rows.length})`
      : `correlation of EMC gap and generalization gap across the sweep: r = ${report.correlation.toFixed(3)}`;
  return [line(header), ...rows.map(line), '', correlation].join('\n');
}
