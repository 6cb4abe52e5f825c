import type { ConvergenceRecord } from './convergenceRecord.ts';
import type { CheckedEpoch } from './epochRules.ts';
import type { FusedProbeStep } from './fusedProbeStep.ts';

/** The half of a checked epoch that reads or moves the probe's model. */
export type ProbeModelHooks = Pick<
  CheckedEpoch,
  'countCorrect' | 'fullBatchLoss' | 'checkConvergence' | 'restartStall' | 'saddle' | 'escapeSaddle'
> & {
  /** Brings the model's variables up to date before something outside the epoch reads them. */
  syncModel(): void;
};

/**
 * A probe's model hooks, for a single probe and for each member of a stacked one alike. The
 * one place that knows the fused step keeps the weights outside the model while it trains:
 * every hook that reads the model syncs it first, and the one that moves it reloads after.
 */
export function probeModelHooks(
  convergence: ConvergenceRecord,
  fused: FusedProbeStep | undefined,
  countCorrect: () => Promise<number>,
): ProbeModelHooks {
  const syncModel = () => fused?.syncModel();
  return {
    syncModel,
    countCorrect: () => {
      syncModel();
      return countCorrect();
    },
    fullBatchLoss: () => {
      syncModel();
      return convergence.fullBatchLoss();
    },
    checkConvergence: () => {
      syncModel();
      fused?.flushStall(convergence);
      return convergence.check();
    },
    restartStall: () => {
      fused?.restartStall();
      convergence.restartStall();
    },
    saddle: convergence.saddle,
    escapeSaddle: async (found) => {
      syncModel();
      await convergence.escapeSaddle(found);
      fused?.reloadModel();
    },
  };
}
