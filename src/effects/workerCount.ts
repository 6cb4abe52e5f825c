import { create } from 'zustand';
import type { KeyValueStorage } from './backendMemory.ts';

/**
 * How many training workers the lab runs at once on a CPU backend (see TrainingPool),
 * remembered in this browser (localStorage). Not part of the spec or the link: on the cpu
 * backend the results are the same, bit for bit, whatever the count.
 */
const KEY = 'emc-lab.training-workers';

/** Workers beyond this cost memory (each has its own data and models) for little gain. */
export const MAX_DEFAULT_WORKERS = 8;
/** What the setting offers at most. */
export const MAX_WORKERS = 16;

/** One worker per core, up to MAX_DEFAULT_WORKERS. */
export function defaultWorkers(cores = globalThis.navigator?.hardwareConcurrency): number {
  return Math.max(1, Math.min(Math.floor(cores || 1), MAX_DEFAULT_WORKERS));
}

/** The stored count, or undefined for the default (a value from elsewhere is checked). */
export function storedWorkers(storage: KeyValueStorage | undefined): number | undefined {
  const text = storage?.getItem(KEY);
  if (!text || !/^\d+$/.test(text)) return undefined;
  const count = Number(text);
  return count >= 1 && count <= MAX_WORKERS ? count : undefined;
}

function browserStorage(): KeyValueStorage | undefined {
  try {
    return globalThis.localStorage;
  } catch (error) {
    console.warn('localStorage is unavailable; the worker count will not be remembered', error);
    return undefined;
  }
}

interface WorkerCountState {
  /** undefined: the default, one per core (see defaultWorkers). */
  chosen: number | undefined;
  /** Sets the count (undefined: back to the default) and remembers it. */
  choose(count: number | undefined): void;
}

export const useWorkerCount = create<WorkerCountState>()((set) => ({
  chosen: storedWorkers(browserStorage()),
  choose: (count) => {
    const storage = browserStorage();
    if (count === undefined) storage?.removeItem(KEY);
    else storage?.setItem(KEY, String(count));
    set({ chosen: count });
  },
}));

/** The count a run gets: the chosen one, else the default. */
export function wantedWorkers(): number {
  return useWorkerCount.getState().chosen ?? defaultWorkers();
}
