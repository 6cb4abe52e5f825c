import { BACKEND_ORDER, type BackendInfo, type BackendName } from '../worker/protocol.ts';

/**
 * What "auto" measured fastest, per model family, remembered in this browser
 * (localStorage): timing every backend costs seconds before the first point, and the
 * answer for an MLP on this machine does not change between runs. Only auto's own
 * measurements are kept; a backend picked by hand is not, and one that no longer starts
 * is measured again (and so replaced).
 */
const KEY_PREFIX = 'emc-lab.auto-backend.';

/** The minimal Storage the memory needs (localStorage, or a Map-backed fake in tests). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function browserStorage(): KeyValueStorage | undefined {
  try {
    return globalThis.localStorage;
  } catch (error) {
    // Storage disabled (privacy settings, sandboxed frame): auto simply measures every time.
    console.warn('localStorage is unavailable; auto will time the backends on every run', error);
    return undefined;
  }
}

export function rememberedBackend(
  family: string,
  storage: KeyValueStorage | undefined = browserStorage(),
): BackendName | undefined {
  const name = storage?.getItem(KEY_PREFIX + family);
  return BACKEND_ORDER.find((known) => known === name);
}

/** Keeps the backend auto has just measured fastest for this model family. */
export function noteBackendChoice(
  family: string,
  info: BackendInfo,
  storage: KeyValueStorage | undefined = browserStorage(),
): void {
  if (info.chosenBy === 'measured') storage?.setItem(KEY_PREFIX + family, info.name);
}
