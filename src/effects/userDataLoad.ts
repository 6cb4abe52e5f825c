import { createStore, type StoreApi } from 'zustand';
import { useStore } from 'zustand';
import type { DataSpec } from '../engine/experiment/index.ts';
import type { UserDataFile, UserDataSummary } from '../engine/index.ts';
import { describeDataMismatch } from '../engine/data/userDataSummary.ts';
import { useConfigStore } from '../stores/configStore.ts';
import { type DataRead, readDataOffThread } from './dataReader.ts';
import { storedUserData, useLocalDataStore } from './userDataStore.ts';

/** The data an experiment names and this browser lacks (an opened link): only it may load. */
export type RequiredData = Pick<DataSpec, 'file' | 'sha256' | 'rows' | 'classes' | 'inputShape'>;

export interface DataLoadRequest {
  source: 'csv' | 'images';
  required?: RequiredData;
  /** The CSV's label column to read (absent: the reader's default, the last column). */
  labelColumn?: string;
}

/** What loading needs from outside: the reader's worker, the browser's store, the form. */
export interface DataLoadDeps {
  read(
    request: Parameters<typeof readDataOffThread>[0],
    onStage: (stage: string) => void,
  ): Promise<DataRead>;
  stored(sha256: string): Promise<UserDataFile | undefined>;
  keep(file: UserDataFile, summary: UserDataSummary): Promise<void>;
  apply(summary: UserDataSummary): void;
}

export interface DataLoadState {
  /** What is being done now ("Reading wine.csv…"), for a status line. */
  busy?: string;
  /** Why the last load changed nothing. */
  error?: string;
  /** Reads files the person chose (or dropped), checks them, stores them, fills the form. */
  choose(files: File[], request: DataLoadRequest): Promise<void>;
  /** Reads the stored data of `sha256` again with another label column. */
  relabel(sha256: string, column: string, request: DataLoadRequest): Promise<void>;
}

/**
 * The workflow of loading the user's own data: read it off the page's thread, check it
 * against the data an opened experiment names, keep it in this browser, and put its summary
 * into the form. A file that cannot be read, or is not the one named, changes nothing but the
 * error. The data panel renders this state and calls these actions.
 */
export function createDataLoadStore(deps: DataLoadDeps): StoreApi<DataLoadState> {
  return createStore<DataLoadState>()((set) => {
    async function load(
      name: string,
      source: Parameters<DataLoadDeps['read']>[0],
      { required }: DataLoadRequest,
    ): Promise<void> {
      set({ error: undefined, busy: `Reading ${name}…` });
      try {
        const read = await deps.read(source, (stage) => set({ busy: `${name}: ${stage}` }));
        if (!read.ok) return set({ error: read.error });
        const { file, summary } = read;
        const mismatch = required && describeDataMismatch(required, summary);
        if (mismatch) {
          return set({
            error: `${mismatch}. Load ${required.file}, or use other data instead.`,
          });
        }
        set({ busy: `Storing ${file.name} in this browser…` });
        await deps.keep(file, summary);
        deps.apply(summary);
      } catch (error) {
        // Storing can fail (a full disk, private browsing): say so, keep the form as it was.
        set({
          error: `The data could not be kept: ${error instanceof Error ? error.message : String(error)}`,
        });
      } finally {
        set({ busy: undefined });
      }
    }

    const readOptions = (request: DataLoadRequest) => {
      const [height = 0, width = 0] = request.required?.inputShape ?? [];
      return {
        labelColumn: request.labelColumn,
        // Images named by an experiment are read at its input size.
        size:
          request.required && request.source === 'images'
            ? ([height, width] as [number, number])
            : undefined,
      };
    };

    return {
      busy: undefined,
      error: undefined,
      choose: (files, request) =>
        load(
          files[0]?.name ?? 'your data',
          {
            source: request.source,
            chosen: { files, paths: files.map((file) => file.webkitRelativePath || file.name) },
            options: readOptions(request),
          },
          request,
        ),
      relabel: async (sha256, column, request) => {
        const file = await deps.stored(sha256);
        if (!file) {
          set({ error: 'The data is no longer stored in this browser; choose it again.' });
          return;
        }
        const withColumn = { ...request, labelColumn: column };
        await load(
          file.name,
          { source: request.source, stored: file, options: readOptions(withColumn) },
          withColumn,
        );
      },
    };
  });
}

/** The lab's data loading: the reader's worker, IndexedDB and the form's store. */
export const dataLoadStore = createDataLoadStore({
  read: readDataOffThread,
  stored: storedUserData,
  keep: (file, summary) => useLocalDataStore.getState().add(file, summary),
  apply: (summary) => useConfigStore.getState().applyUserData(summary),
});

export function useDataLoad<T>(select: (state: DataLoadState) => T): T {
  return useStore(dataLoadStore, select);
}
