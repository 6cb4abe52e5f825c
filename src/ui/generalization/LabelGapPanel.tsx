import { useMemo } from 'react';
import { findLabelPair, labelGapReport } from '../../engine/generalization.ts';
import {
  agreementSentence,
  BUDGET_LIMITED_NOTE,
  correlationSentence,
  lowerBoundMark,
  lowerBoundsOf,
  sharedSizeSentence,
} from '../../share/verdicts.ts';
import { useCompareStore } from '../../stores/compareStore.ts';
import { useLiveResults } from '../../stores/useLiveResults.ts';

const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);

/**
 * Finding 4: appears once a true-label run and a random-label run of the same sweep are on
 * the chart (a preset's two variants, or two pinned runs), and sets the EMC gap beside the
 * generalization gap at one N shared by every width, point by point, with their
 * correlation across the sweep. Rows whose EMC is only a lower bound stay in the table but
 * out of the correlation, marked and explained.
 */
export function LabelGapPanel() {
  const live = useLiveResults();
  const pinned = useCompareStore((state) => state.pinned);
  const compared = useMemo(() => {
    const finished = [
      ...pinned.map((p) => p.results),
      ...(live && live.status !== 'running' ? [live] : []),
    ];
    const pair = findLabelPair(finished);
    return (
      pair && {
        report: labelGapReport(pair.trueRun, pair.randomRun),
        bounds: { true: lowerBoundsOf(pair.trueRun), random: lowerBoundsOf(pair.randomRun) },
      }
    );
  }, [live, pinned]);
  if (!compared || compared.report.rows.length === 0) return null;
  const { report, bounds } = compared;
  const budgetLimited = report.rows.some(
    (row) => bounds.true.budgetLimited.has(row.width) || bounds.random.budgetLimited.has(row.width),
  );

  return (
    <section className="label-gap" aria-labelledby="label-gap-title" data-testid="label-gap">
      <h2 id="label-gap-title">Label gap and generalization</h2>
      <p>
        EMC on true labels minus EMC on random labels, beside the generalization gap (train accuracy
        minus test accuracy) of the true-label models, each trained on the same number of samples.
      </p>
      <p data-testid="label-gap-shared-n">{sharedSizeSentence(report)}</p>
      <table className="results-table">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Parameters</th>
            <th scope="col">EMC true</th>
            <th scope="col">EMC random</th>
            <th scope="col">EMC gap</th>
            <th scope="col">Train acc.</th>
            <th scope="col">Test acc.</th>
            <th scope="col">Generalization gap</th>
            <th scope="col">In r</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <tr key={row.width} data-excluded={row.excluded ?? undefined}>
              <th scope="row">{row.model}</th>
              <td>{row.parameterCount.toLocaleString()}</td>
              <td>
                {lowerBoundMark(bounds.true, row.width)}
                {row.emcTrue.toFixed(1)}
              </td>
              <td>
                {lowerBoundMark(bounds.random, row.width)}
                {row.emcRandom.toFixed(1)}
              </td>
              <td>{row.emcGap.toFixed(1)}</td>
              <td>{percent(row.trainAccuracy)}</td>
              <td>{percent(row.testAccuracy)}</td>
              <td>{percent(row.generalizationGap)}</td>
              <td>{row.excluded === null ? 'yes' : `no: ${row.excluded}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {budgetLimited && (
        <p className="chart-note">
          ≥ {BUDGET_LIMITED_NOTE}. The EMC gap of such a row rests on a lower bound.
        </p>
      )}
      {report.leftOut.length > 0 && (
        <ul className="chart-note" data-testid="label-gap-left-out">
          {report.leftOut.map((row) => (
            <li key={row.width}>
              {row.model} is left out of r: {row.explanation}.
            </li>
          ))}
        </ul>
      )}
      <p data-testid="label-gap-correlation">{correlationSentence(report)}</p>
      <p data-testid="label-gap-direction">
        {report.expectedDirection} {agreementSentence(report)}
      </p>
    </section>
  );
}
