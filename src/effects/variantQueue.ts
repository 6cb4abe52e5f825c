import type { ExperimentSpec } from '../engine/experiment/index.ts';
import type { BackendChoice } from '../worker/protocol.ts';
import { useCompareStore } from '../stores/compareStore.ts';
import { useConfigStore } from '../stores/configStore.ts';
import { discardPreparedWorkers, prepareWorkers, startRun } from './runner.ts';
import { liveResults } from '../stores/liveResults.ts';
import { useRunStore } from '../stores/runStore.ts';

export interface QueuedVariant {
  label: string;
  spec: ExperimentSpec;
}

let queue: QueuedVariant[] = [];
let current: QueuedVariant | undefined;
let unsubscribe: (() => void) | undefined;

/**
 * Runs a preset's variants one after another, pinning each finished run with its label so
 * they overlay on the EMC chart as one comparison titled `title`. A stopped or failed run
 * ends the queue.
 */
export function runVariants(
  variants: QueuedVariant[],
  backend: BackendChoice,
  title?: string,
): void {
  cancelVariants();
  useCompareStore.getState().clear(title);
  queue = [...variants];
  unsubscribe = useRunStore.subscribe((state, previous) => {
    if (state.phase === previous.phase || !current) return;
    if (state.phase === 'finished') {
      const results = liveResults(state);
      if (results) useCompareStore.getState().pin(results, current.label);
      // Start the next run outside this store notification.
      setTimeout(() => next(backend), 0);
    } else if (state.phase === 'cancelled' || state.phase === 'failed') {
      cancelVariants();
    }
  });
  next(backend);
}

export function cancelVariants(): void {
  unsubscribe?.();
  unsubscribe = undefined;
  queue = [];
  current = undefined;
  discardPreparedWorkers();
}

function next(backend: BackendChoice): void {
  current = queue.shift();
  if (!current) {
    cancelVariants();
    return;
  }
  // The form shows the variant that runs, never a spec that no run on screen used.
  useConfigStore.getState().loadSpec(current.spec);
  const starting = current;
  void startRun(current.spec, backend).then(() => {
    // Once this run has taken its workers (a spare prepared earlier is its own): those of the
    // variant after it start while it trains, unless the queue ended meanwhile.
    const following = queue[0];
    if (following && current === starting) prepareWorkers(following.spec, backend);
  });
}
