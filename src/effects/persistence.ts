import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';
import type { ExperimentResults } from '../engine/results.ts';
import { parseResultsDocument } from '../share/resultsFile.ts';
import type { SavedRun } from '../stores/historyStore.ts';

/**
 * Runs saved in IndexedDB (idb-keyval): a reload or a closed tab loses nothing. A run is
 * saved as it goes, with status "running"; one still "running" when the page opens was
 * interrupted and can be resumed from its last finished probe (SavedRun: stores/historyStore.ts).
 */

let store: UseStore | undefined;
const runs = () => (store ??= createStore('emc-lab', 'runs'));

export async function saveRun(id: string, results: ExperimentResults): Promise<SavedRun> {
  const run: SavedRun = { id, savedAt: new Date().toISOString(), results };
  await set(id, run, runs());
  return run;
}

/** Every saved run, newest first; entries that no longer validate are skipped, not thrown. */
export async function listRuns(): Promise<SavedRun[]> {
  const all = await entries<string, unknown>(runs());
  const valid: SavedRun[] = [];
  for (const [, value] of all) {
    const run = readSavedRun(value);
    if (run) valid.push(run);
  }
  return valid.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

export async function loadRun(id: string): Promise<SavedRun | undefined> {
  return readSavedRun(await get(id, runs()));
}

export async function deleteRun(id: string): Promise<void> {
  await del(id, runs());
}

/** Saved data is read back like any file: validated, since older versions wrote it. */
function readSavedRun(value: unknown): SavedRun | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, savedAt, results } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof savedAt !== 'string') return undefined;
  const parsed = parseResultsDocument(results);
  if (!parsed.ok) return undefined;
  return parsed.migrationNotes
    ? { id, savedAt, results: parsed.results, migrationNotes: parsed.migrationNotes }
    : { id, savedAt, results: parsed.results };
}
