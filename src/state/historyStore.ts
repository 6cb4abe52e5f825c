import { create } from 'zustand';
import { deleteRun, listRuns, type SavedRun } from './persistence.ts';

/** The saved runs, as the history panel and the resume banner show them. */
interface HistoryState {
  runs: SavedRun[];
  /** An interrupted run found when the page opened, until resumed or dismissed. */
  interrupted?: SavedRun;
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
  loaded: false,
  refresh: async () => set({ runs: await listRuns(), loaded: true }),
  upsert: (run) => set((state) => ({ runs: [run, ...state.runs.filter((r) => r.id !== run.id)] })),
  remove: async (id) => {
    await deleteRun(id);
    if (get().interrupted?.id === id) set({ interrupted: undefined });
    await get().refresh();
  },
  dismissInterrupted: () => set({ interrupted: undefined }),
  findInterrupted: async (currentRunId) => {
    await get().refresh();
    const interrupted = get().runs.find(
      (run) => run.results.status === 'running' && run.id !== currentRunId,
    );
    set({ interrupted });
  },
}));
