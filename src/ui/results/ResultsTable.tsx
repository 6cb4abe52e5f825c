import type { PointResult } from '../../engine/results.ts';
import {
  BUDGET_LIMITED_NOTE,
  formatEmc,
  isUnverified,
  UNVERIFIED_NOTE,
} from '../../share/verdicts.ts';
import { useRunStore } from '../../stores/runStore.ts';

/** One row per measured model: the numbers behind the EMC chart. */
export function ResultsTable() {
  const points = useRunStore((state) => state.points);
  return <PointsTable points={points} />;
}

/** The table itself, for any list of points. */
export function PointsTable({ points }: { points: readonly PointResult[] }) {
  const hasTest = points.some((p) => p.seeds.some((s) => s.testAccuracy !== null));
  const columns = hasTest ? 8 : 7;
  const budgetLimited = points.filter((p) => p.budgetLimited).length;
  const unverified = points.filter((p) => isUnverified(p)).length;
  const plural = points.length > 1 ? 's' : '';
  return (
    // Focusable: the charts' "as a table" buttons bring it into view for keyboard users.
    <table className="results-table" data-testid="results-table" tabIndex={-1}>
      <caption>Results</caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Parameters</th>
          <th scope="col">EMC</th>
          <th scope="col">EMC / params</th>
          <th scope="col">Bracket</th>
          <th scope="col">Probes</th>
          <th scope="col">Time</th>
          {hasTest && <th scope="col">Test acc.</th>}
        </tr>
      </thead>
      <tbody>
        {points.length === 0 && (
          <tr>
            <td colSpan={columns} className="empty">
              No points measured yet.
            </td>
          </tr>
        )}
        {points.map((point) => (
          <tr
            key={point.index}
            data-budget-limited={point.budgetLimited ? 'true' : undefined}
            data-unverified={isUnverified(point) ? 'true' : undefined}
          >
            <th scope="row">{point.model}</th>
            <td>{point.parameterCount.toLocaleString()}</td>
            <td>
              {formatEmc(point)}
              {point.budgetLimited && (
                <>
                  {' '}
                  <abbr className="budget-limited-tag" title={BUDGET_LIMITED_NOTE}>
                    budget-limited
                  </abbr>
                </>
              )}
              {isUnverified(point) && (
                <>
                  {' '}
                  <abbr className="unverified-tag" title={UNVERIFIED_NOTE}>
                    unverified
                  </abbr>
                </>
              )}
              {overturnedIn(point) > 0 && (
                <>
                  {' '}
                  <span className="overturned-tag" data-testid="overturned">
                    {overturnedText(overturnedIn(point))}
                  </span>
                </>
              )}
            </td>
            <td>{(point.emcMean / point.parameterCount).toFixed(3)}</td>
            <td>
              {point.seeds.map((s) => `[${s.bracket[0]}, ${s.bracket[1] ?? 'pool'}]`).join(' ')}
            </td>
            <td>{point.seeds.reduce((sum, s) => sum + s.probes, 0)}</td>
            <td>{(point.wallMs / 1000).toFixed(1)} s</td>
            {hasTest && (
              <td>
                {point.seeds
                  .map((s) =>
                    s.testAccuracy === null ? '–' : `${(s.testAccuracy * 100).toFixed(1)}%`,
                  )
                  .join(' ')}
              </td>
            )}
          </tr>
        ))}
      </tbody>
      {(budgetLimited > 0 || unverified > 0) && (
        <tfoot>
          {budgetLimited > 0 && (
            <tr>
              <td colSpan={columns} className="table-note">
                {budgetLimited} of {points.length} point{plural} {budgetLimited > 1 ? 'are' : 'is'}{' '}
                {BUDGET_LIMITED_NOTE}. The smallest N that did not fit was still undecided at the
                step cap, so ≥ marks the EMC as at least this.
              </td>
            </tr>
          )}
          {unverified > 0 && (
            <tr>
              <td colSpan={columns} className="table-note" data-testid="unverified-note">
                {unverified} of {points.length} point{plural} {unverified > 1 ? 'are' : 'is'}{' '}
                {UNVERIFIED_NOTE}.
              </td>
            </tr>
          )}
        </tfoot>
      )}
    </table>
  );
}

/** Seed verdicts of a point that verification overturned. */
function overturnedIn(point: PointResult): number {
  return point.seeds.reduce((sum, s) => sum + s.overturned, 0);
}

/** "1 verdict overturned", "3 verdicts overturned". */
function overturnedText(count: number): string {
  return `${count} verdict${count > 1 ? 's' : ''} overturned by verification`;
}
