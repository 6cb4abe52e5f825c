import { useDeferredValue } from 'react';
import { useRunStore } from '../../stores/runStore.ts';
import type { RunState } from '../../stores/runTypes.ts';

const NO_PROBES: RunState['probes'] = [];
const NO_POINTS: RunState['points'] = [];

/**
 * The run's probes and points for the views that draw every probe (the search trace, the fit
 * transition). They render after the urgent update, in a render React may slice and
 * interrupt, so a shared link of thousands of probes does not hold the page in one long task
 * (the store's own updates render synchronously).
 */
export function useDeferredProbes(): RunState['probes'] {
  return useDeferredValue(
    useRunStore((state) => state.probes),
    NO_PROBES,
  );
}

export function useDeferredPoints(): RunState['points'] {
  return useDeferredValue(
    useRunStore((state) => state.points),
    NO_POINTS,
  );
}
