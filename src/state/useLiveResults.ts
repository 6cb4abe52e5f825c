import { useMemo } from 'react';
import type { ExperimentResults } from '../engine/results.ts';
import { liveResults, useRunStore } from './runStore.ts';

/** The current run's results document, rebuilt only when the run state changes. */
export function useLiveResults(): ExperimentResults | undefined {
  const state = useRunStore();
  return useMemo(() => liveResults(state), [state]);
}
