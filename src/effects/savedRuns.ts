import { useNoticeStore } from '../stores/noticeStore.ts';
import { useHistoryStore } from '../stores/historyStore.ts';
import { deleteRun, listRuns } from './persistence.ts';
import { runLocks } from './runLocks.ts';

/** Reads the saved runs (IndexedDB) and which of them other tabs run (Web Locks) into the store. */
export async function refreshHistory(): Promise<void> {
  const runs = await listRuns();
  useHistoryStore.getState().listed(runs, await runLocks.runningElsewhere());
}

/** Deletes a saved run from this browser, and from the list. */
export async function removeSavedRun(id: string): Promise<void> {
  await deleteRun(id);
  if (useHistoryStore.getState().interrupted?.id === id) {
    useHistoryStore.getState().dismissInterrupted();
  }
  await refreshHistory();
}

/** Looks once, at start-up, for a run that was still going when the page closed. */
export async function findInterrupted(currentRunId?: string): Promise<void> {
  await refreshHistory();
  const { runs, runningElsewhere, setInterrupted } = useHistoryStore.getState();
  const unfinished = runs.filter(
    (run) => run.results.status === 'running' && run.id !== currentRunId,
  );
  setInterrupted(unfinished.find((run) => !runningElsewhere.has(run.id)));
  for (const run of unfinished.filter((r) => runningElsewhere.has(r.id))) {
    useNoticeStore
      .getState()
      .push('info', `“${run.results.spec.name}” is running in another tab of this browser.`);
    // Once that tab finishes it, closes or crashes, this tab may offer to resume it.
    void runLocks.whenFree(run.id).then(() => findInterrupted(currentRunId));
  }
}
