import { isPinned, useCompareStore } from '../../stores/compareStore.ts';
import { useComparisonLabels, useComparisonSentences } from '../../stores/useComparisonLabels.ts';
import { useLiveResults } from '../../stores/useLiveResults.ts';

/** Pin the finished run to compare later runs with it; the pinned runs, with remove. */
export function PinnedRuns() {
  const results = useLiveResults();
  const pinned = useCompareStore((state) => state.pinned);
  const pin = useCompareStore((state) => state.pin);
  const unpin = useCompareStore((state) => state.unpin);
  const clear = useCompareStore((state) => state.clear);
  const labels = useComparisonLabels();
  const sentences = useComparisonSentences();
  const pinnedAlready = isPinned(pinned, results);
  const canPin =
    results !== undefined &&
    results.status !== 'running' &&
    results.points.length > 0 &&
    !pinnedAlready;

  return (
    <section className="pinned-runs" aria-label="Compared runs">
      <button type="button" disabled={!canPin} onClick={() => results && pin(results)}>
        Pin this run for comparison
      </button>
      {pinnedAlready && <small className="form-note"> This run is pinned.</small>}
      {pinned.length > 0 && (
        <>
          <ul data-testid="pinned-list">
            {pinned.map((run, index) => (
              <li key={run.id}>
                {labels.pinned[index]} <small>({run.results.points.length} points)</small>{' '}
                <button type="button" className="secondary" onClick={() => unpin(run.id)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          {sentences.length > 0 && (
            // Does the direction hold seed by seed and width by width, not only on average?
            <ul className="direction-holds" data-testid="direction-holds">
              {sentences.map((sentence) => (
                <li key={sentence}>{sentence}</li>
              ))}
            </ul>
          )}
          <button type="button" className="secondary" onClick={() => clear()}>
            Clear comparison
          </button>
        </>
      )}
    </section>
  );
}
