import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExperimentResults } from '../engine/results.ts';
import { liveResults } from './liveResults.ts';
import { useRunStore } from './runStore.ts';
import type { RunState } from './runTypes.ts';

/**
 * The current run's results document, rebuilt only when something it holds changes: a
 * probe or point finishing, the phase, not every epoch of the probe in training or every
 * log line (the share panel compresses a link from it).
 */
export function useLiveResults(): ExperimentResults | undefined {
  const slice = useRunStore(
    useShallow((state: RunState) => ({
      phase: state.phase,
      results: state.results,
      spec: state.spec,
      environment: state.environment,
      dataset: state.dataset,
      startedIso: state.startedIso,
      points: state.points,
      probes: state.probes,
      error: state.error,
    })),
  );
  return useMemo(() => liveResults(slice), [slice]);
}
