import { useConfigStore } from '../../stores/configStore.ts';
import { type SavedRun, useHistoryStore } from '../../stores/historyStore.ts';
import { pushMigrationNotes } from '../../stores/noticeStore.ts';
import { savedRunSource } from '../../stores/openResults.ts';
import { startRun } from '../../effects/runner.ts';
import { BACKEND_ORDER, type BackendChoice } from '../../worker/protocol.ts';

/**
 * Continues an interrupted run: same spec, same history entry, the backend that trained it,
 * and every probe it had finished replayed instead of retrained (shown at once, with its
 * finished points). A run saved by an older EMC Lab whose spec now reads differently
 * (patience in epochs) starts afresh: its probes were decided by other rules, and replaying
 * them would mix two procedures in one EMC.
 */
export function resumeSavedRun(run: SavedRun): void {
  const config = useConfigStore.getState();
  config.loadSpec(run.results.spec);
  // The saved probes were trained on this backend: the search goes on where they were.
  const backend = savedBackend(run) ?? config.backend;
  config.setBackend(backend);
  useHistoryStore.getState().dismissInterrupted();
  // Never silently: the person learns why the run starts again from its first probe.
  pushMigrationNotes(`${savedRunSource(run)} starts afresh`, run.migrationNotes);
  const replay = run.migrationNotes ? [] : run.results.probes;
  startRun(run.results.spec, backend, {
    runId: run.id,
    replay,
    keptPoints: replay.length > 0 ? run.results.points : [],
  });
}

/** The backend the saved run trained on, when it is one this lab can pick. */
export function savedBackend(run: SavedRun): BackendChoice | undefined {
  const name = run.results.environment.backend;
  return (BACKEND_ORDER as readonly string[]).includes(name) ? (name as BackendChoice) : undefined;
}
