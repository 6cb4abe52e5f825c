import { create } from 'zustand';
import { useNoticeStore } from './noticeStore.ts';
import { deleteRun, listRuns, type SavedRun } from './persistence.ts';
import { runLocks } from './runLocks.ts';

/** The saved runs, as the history panel and the resume banner show them. */
interface HistoryState {
  runs: SavedRun[];
  /** An interrupted run found when the page opened, until resumed or dismissed. */
  interrupted?: SavedRun;
  /** Ids of saved runs that another tab of this browser is running now: not to resume here. */
  runningElsewhere: ReadonlySet<string>;
  loaded: boolean;
  refresh(): Promise<void>;
  /** Puts a just-saved run at the top of the list, replacing its older version. */
  upsert(run: SavedRun): void;
  remove(id: string): Promise<void>;
  dismissInterrupted(): void;
  /** Looks once, at start-up, for a run that was still going when the page closed. */
  findInterrupted(currentRunId?: string): Promise<void>;
}

export const useHistoryStore = create<HistoryState>()((set, get) => ({
  runs: [],
  runningElsewhere: new Set(),
  loaded: false,
  refresh: async () =>
    set({
      runs: await listRuns(),
      runningElsewhere: await runLocks.runningElsewhere(),
      loaded: true,
    }),
  upsert: (run) => set((state) => ({ runs: [run, ...state.runs.filter((r) => r.id !== run.id)] })),
  remove: async (id) => {
    await deleteRun(id);
    if (get().interrupted?.id === id) set({ interrupted: undefined });
    await get().refresh();
  },
  dismissInterrupted: () => set({ interrupted: undefined }),
  findInterrupted: async (currentRunId) => {
    await get().refresh();
    const { runs, runningElsewhere } = get();
    const unfinished = runs.filter(
      (run) => run.results.status === 'running' && run.id !== currentRunId,
    );
    set({ interrupted: unfinished.find((run) => !runningElsewhere.has(run.id)) });
    for (const run of unfinished.filter((r) => runningElsewhere.has(r.id))) {
      useNoticeStore
        .getState()
        .push('info', `“${run.results.spec.name}” is running in another tab of this browser.`);
      // Once that tab finishes it, closes or crashes, this tab may offer to resume it.
      void runLocks.whenFree(run.id).then(() => get().findInterrupted(currentRunId));
    }
  },
}));
