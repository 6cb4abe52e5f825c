import { create } from 'zustand';
import type { ExperimentResults } from '../engine/results.ts';

/**
 * A run saved in this browser (see effects/persistence.ts: IndexedDB). A run is saved as it
 * goes, with status "running"; one still "running" when the page opens was interrupted and
 * can be resumed from its last finished probe.
 */
export interface SavedRun {
  id: string;
  savedAt: string;
  results: ExperimentResults;
  /** Set when the run was saved by an older EMC Lab and its spec read in a new way. */
  migrationNotes?: string[];
}

/**
 * The saved runs, as the history panel and the resume banner show them. Reading, deleting
 * and looking for an interrupted run are effects (effects/savedRuns.ts); this store holds
 * what they found.
 */
interface HistoryState {
  runs: SavedRun[];
  /** An interrupted run found when the page opened, until resumed or dismissed. */
  interrupted?: SavedRun;
  /** Ids of saved runs that another tab of this browser is running now: not to resume here. */
  runningElsewhere: ReadonlySet<string>;
  loaded: boolean;
  /** The saved runs as just read, and which of them other tabs run now. */
  listed(runs: SavedRun[], runningElsewhere: ReadonlySet<string>): void;
  /** Puts a just-saved run at the top of the list, replacing its older version. */
  upsert(run: SavedRun): void;
  /** The interrupted run to offer (none: nothing to resume). */
  setInterrupted(run: SavedRun | undefined): void;
  dismissInterrupted(): void;
}

export const useHistoryStore = create<HistoryState>()((set) => ({
  runs: [],
  runningElsewhere: new Set(),
  loaded: false,
  listed: (runs, runningElsewhere) => set({ runs, runningElsewhere, loaded: true }),
  upsert: (run) => set((state) => ({ runs: [run, ...state.runs.filter((r) => r.id !== run.id)] })),
  setInterrupted: (run) => set({ interrupted: run }),
  dismissInterrupted: () => set({ interrupted: undefined }),
}));
