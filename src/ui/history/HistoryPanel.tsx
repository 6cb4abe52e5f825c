import { useEffect } from 'react';
import { useCompareStore } from '../../stores/compareStore.ts';
import { type SavedRun, useHistoryStore } from '../../stores/historyStore.ts';
import { viewSavedRun } from '../../stores/openResults.ts';
import { useRunStore } from '../../stores/runStore.ts';
import { refreshHistory, removeSavedRun } from '../../effects/savedRuns.ts';
import { resumeSavedRun } from './resumeSavedRun.ts';

/** Past runs saved in this browser: view, compare, resume an interrupted one, delete. */
export function HistoryPanel({ busy }: { busy: boolean }) {
  const runs = useHistoryStore((state) => state.runs);
  const runningElsewhere = useHistoryStore((state) => state.runningElsewhere);
  const currentRunId = useRunStore((state) => state.runId);
  const pin = useCompareStore((state) => state.pin);

  useEffect(() => {
    void refreshHistory();
  }, []);

  const view = (run: SavedRun) => viewSavedRun(run);

  return (
    <details className="history" data-testid="history">
      <summary>History ({runs.length} saved in this browser)</summary>
      {runs.length === 0 && <p>Finished and interrupted runs are kept here.</p>}
      <ul>
        {runs.map((run) => {
          const elsewhere = runningElsewhere.has(run.id);
          const interrupted =
            run.results.status === 'running' && run.id !== currentRunId && !elsewhere;
          return (
            <li key={run.id} data-testid="history-entry">
              <strong>{run.results.spec.name}</strong>{' '}
              <small>
                {new Date(run.savedAt).toLocaleString()} ·{' '}
                {elsewhere
                  ? 'running in another tab'
                  : interrupted
                    ? 'interrupted'
                    : run.results.status}{' '}
                · {run.results.points.length} points, {run.results.probes.length} probes
              </small>{' '}
              <button type="button" className="secondary" disabled={busy} onClick={() => view(run)}>
                View
              </button>
              <button type="button" className="secondary" onClick={() => pin(run.results)}>
                Pin
              </button>
              {interrupted && (
                <button type="button" disabled={busy} onClick={() => resumeSavedRun(run)}>
                  Resume
                </button>
              )}
              <button
                type="button"
                className="secondary"
                disabled={busy && run.id === currentRunId}
                onClick={() => void removeSavedRun(run.id)}
              >
                Delete
              </button>
            </li>
          );
        })}
      </ul>
    </details>
  );
}
