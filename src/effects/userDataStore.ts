import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';
import { create } from 'zustand';
import { isUserSource } from '../engine/data/catalog.ts';
import type { UserDataFile } from '../engine/data/userData.ts';
import type { UserDataSummary } from '../engine/data/userDataSummary.ts';
import type { ExperimentSpec } from '../engine/experiment/index.ts';

/**
 * The user's own datasets, kept in this browser's IndexedDB under their SHA-256 and never
 * sent anywhere: a spec (and so a share link) names the data by file name and hash only.
 * A link to an experiment on data this browser does not hold asks for that file.
 */
interface StoredData {
  summary: UserDataSummary;
  file: UserDataFile;
  savedAt: string;
}

let idb: UseStore | undefined;
const datasets = () => (idb ??= createStore('emc-lab-data', 'datasets'));

interface LocalDataState {
  /** What is stored, by SHA-256 (the data itself stays in IndexedDB until a run needs it). */
  summaries: Record<string, UserDataSummary>;
  /** Whether IndexedDB has been read: until then, no data can be said to be missing. */
  ready: boolean;
  /** Set when IndexedDB cannot be used (private windows of some browsers). */
  unavailable?: string;
  refresh(): Promise<void>;
  /** Stores a loaded file; resolves once it is safely in IndexedDB. */
  add(file: UserDataFile, summary: UserDataSummary): Promise<void>;
  /** Deletes stored data from this browser. */
  forget(sha256: string): Promise<void>;
}

export const useLocalDataStore = create<LocalDataState>()((setState) => ({
  summaries: {},
  ready: false,
  refresh: async () => {
    try {
      const all = await entries<string, StoredData>(datasets());
      setState((state) => ({
        summaries: {
          ...Object.fromEntries(all.map(([sha256, stored]) => [sha256, stored.summary])),
          ...state.summaries,
        },
        ready: true,
      }));
    } catch (error) {
      setState({ unavailable: describeStorageError(error), ready: true });
    }
  },
  add: async (file, summary) => {
    const stored: StoredData = { summary, file, savedAt: new Date().toISOString() };
    try {
      await set(summary.sha256, stored, datasets());
    } catch (error) {
      // The data is still usable in this tab; only keeping it across reloads failed.
      setState({ unavailable: describeStorageError(error) });
    }
    kept.set(summary.sha256, file);
    setState((state) => ({ summaries: { ...state.summaries, [summary.sha256]: summary } }));
  },
  forget: async (sha256) => {
    kept.delete(sha256);
    try {
      await del(sha256, datasets());
    } catch (error) {
      setState({ unavailable: describeStorageError(error) });
    }
    setState((state) => {
      const { [sha256]: _, ...rest } = state.summaries;
      return { summaries: rest };
    });
  },
}));

// Files loaded in this tab, so a run works even where IndexedDB refused to store them.
const kept = new Map<string, UserDataFile>();

/** The stored data with this hash, for a run; undefined when this browser does not hold it. */
export async function storedUserData(sha256: string): Promise<UserDataFile | undefined> {
  const inTab = kept.get(sha256);
  if (inTab) return inTab;
  try {
    return (await get<StoredData>(sha256, datasets()))?.file;
  } catch {
    return undefined;
  }
}

function describeStorageError(error: unknown): string {
  return `This browser would not store your data (${error instanceof Error ? error.message : String(error)}); it stays usable until the tab is closed.`;
}

/**
 * Why a valid spec cannot run here: it trains on the user's data and this browser does not
 * hold it (an opened link, say). Undefined when it can run.
 */
export function useMissingUserData(spec: ExperimentSpec | undefined): string | undefined {
  const held = useLocalDataStore(
    (state) =>
      !state.ready || (spec?.data.sha256 !== undefined && spec.data.sha256 in state.summaries),
  );
  if (!spec || !isUserSource(spec.data.source) || held) return undefined;
  return `Load ${spec.data.file} (see Data) to run this experiment: it trains on data this browser does not hold.`;
}
