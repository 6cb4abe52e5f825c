import { formatEmc, useRunStore } from '../../state/runStore.ts';

/** One row per measured model: the numbers behind the EMC chart. */
export function ResultsTable() {
  const points = useRunStore((state) => state.points);
  const hasTest = points.some((p) => p.seeds.some((s) => s.testAccuracy !== null));
  return (
    <table className="results-table" data-testid="results-table">
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
            <td colSpan={hasTest ? 8 : 7} className="empty">
              No points measured yet.
            </td>
          </tr>
        )}
        {points.map((point) => (
          <tr key={point.index}>
            <th scope="row">{point.model}</th>
            <td>{point.parameterCount.toLocaleString()}</td>
            <td>{formatEmc(point)}</td>
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
    </table>
  );
}
