import { useLocalDataStore } from '../effects/userDataStore.ts';
import { useEffect } from 'react';
import { startAutosave } from '../effects/autosave.ts';
import { useNoticeStore } from '../stores/noticeStore.ts';
import { findInterrupted } from '../effects/savedRuns.ts';
import { startUrlSync } from '../effects/urlSync.ts';

/**
 * Starts what lives beside the components: the link in the URL, saving runs to IndexedDB,
 * and the look for a run that was interrupted by a reload or a closed tab.
 */
export function useAppServices(): void {
  useEffect(() => {
    const stopUrlSync = startUrlSync();
    const stopAutosave = startAutosave();
    void useLocalDataStore.getState().refresh();
    findInterrupted().catch((error: unknown) =>
      useNoticeStore
        .getState()
        .push(
          'warn',
          `Saved runs cannot be read in this browser (${String(error)}); runs will not be kept.`,
        ),
    );
    return () => {
      stopUrlSync();
      stopAutosave();
    };
  }, []);
}
