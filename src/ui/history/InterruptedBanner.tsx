import { sweepPoints } from '../../engine/experiment/sweepPoints.ts';
import { useHistoryStore } from '../../stores/historyStore.ts';
import { resumeSavedRun } from './resumeSavedRun.ts';

/** Offers to resume a run that was still going when the page was closed or reloaded. */
export function InterruptedBanner() {
  const run = useHistoryStore((state) => state.interrupted);
  const dismiss = useHistoryStore((state) => state.dismissInterrupted);
  if (!run) return null;
  return (
    <div className="notice warn" role="alert" data-testid="interrupted-banner">
      <span>
        “{run.results.spec.name}” was interrupted after {run.results.probes.length} probes (
        {run.results.points.length} of {sweepPoints(run.results.spec).length} points).{' '}
        {run.migrationNotes
          ? 'An older EMC Lab saved it, whose rules differ (patience in epochs): run it again from the start?'
          : 'Resume from its last finished probe?'}
      </span>
      <button type="button" onClick={() => resumeSavedRun(run)}>
        Resume
      </button>
      <button type="button" className="secondary" onClick={dismiss}>
        Not now
      </button>
    </div>
  );
}
