import { useConfigStore } from '../../state/configStore.ts';
import { useHistoryStore } from '../../state/historyStore.ts';
import type { SavedRun } from '../../state/persistence.ts';
import { startRun } from '../../state/runner.ts';

/**
 * Continues an interrupted run: same spec, same history entry, and every probe it had
 * finished replayed instead of retrained.
 */
export function resumeSavedRun(run: SavedRun): void {
  useConfigStore.getState().loadSpec(run.results.spec);
  useHistoryStore.getState().dismissInterrupted();
  startRun(run.results.spec, useConfigStore.getState().backend, {
    runId: run.id,
    replay: run.results.probes,
  });
}
