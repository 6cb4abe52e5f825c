import { saveRun } from './persistence.ts';
import { liveResults } from '../stores/liveResults.ts';
import { useRunStore } from '../stores/runStore.ts';
import { isActivePhase, type RunState } from '../stores/runTypes.ts';
import { useHistoryStore } from '../stores/historyStore.ts';

/** Saves at most this often while a run goes on (each finished probe is worth keeping). */
const SAVE_INTERVAL_MS = 500;

/**
 * Keeps the current run saved in IndexedDB as it progresses, so a reload or a crash loses
 * at most the probe in training. Runs shown from a link, a file or the history are not
 * measured here and are not re-saved.
 */
export function startAutosave(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSaved = '';
  const save = async (state: RunState) => {
    timer = undefined;
    const results = liveResults(state);
    if (!state.runId || state.viewing || !results) return;
    const fingerprint = `${state.runId}/${results.status}/${results.probes.length}/${results.points.length}`;
    if (fingerprint === lastSaved) return;
    lastSaved = fingerprint;
    try {
      // Update the history in memory: re-reading every saved run after each save would
      // parse them all twice a second while a run goes on.
      useHistoryStore.getState().upsert(await saveRun(state.runId, results));
    } catch (error) {
      console.warn('EMC Lab could not save the run in this browser:', error);
    }
  };
  return useRunStore.subscribe((state, previous) => {
    const finished = state.phase !== previous.phase && !isActivePhase(state.phase);
    const progressed =
      state.probes.length !== previous.probes.length ||
      state.points.length !== previous.points.length;
    if (finished) {
      clearTimeout(timer);
      void save(state);
    } else if (progressed && timer === undefined) {
      timer = setTimeout(() => void save(useRunStore.getState()), SAVE_INTERVAL_MS);
    }
  });
}
