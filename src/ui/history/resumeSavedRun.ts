import { useConfigStore } from '../../state/configStore.ts';
import { useHistoryStore } from '../../state/historyStore.ts';
import { pushMigrationNotes } from '../../state/noticeStore.ts';
import { savedRunSource } from '../../state/openResults.ts';
import type { SavedRun } from '../../state/persistence.ts';
import { startRun } from '../../state/runner.ts';

/**
 * Continues an interrupted run: same spec, same history entry, and every probe it had
 * finished replayed instead of retrained. A run saved by an older EMC Lab whose spec now
 * reads differently (patience in epochs) starts afresh: its probes were decided by other
 * rules, and replaying them would mix two procedures in one EMC.
 */
export function resumeSavedRun(run: SavedRun): void {
  useConfigStore.getState().loadSpec(run.results.spec);
  useHistoryStore.getState().dismissInterrupted();
  // Never silently: the person learns why the run starts again from its first probe.
  pushMigrationNotes(`${savedRunSource(run)} starts afresh`, run.migrationNotes);
  startRun(run.results.spec, useConfigStore.getState().backend, {
    runId: run.id,
    replay: run.migrationNotes ? [] : run.results.probes,
  });
}
