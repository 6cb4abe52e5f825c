// What one probe reports, epoch by epoch and at its end: shared by the probe loops
// (fitProbe, stackedProbes) and the rules and records they consult (epochRules,
// convergenceRecord), which therefore do not import the loops.

import type { ProbeRecord } from '../resultsSchema.ts';

export { STOP_REASONS, type StopReason } from '../resultsSchema.ts';

export interface EpochMetrics {
  epoch: number;
  loss: number;
  /**
   * Accuracy on all N training samples. Exact (the full set in inference mode) when
   * `checked`; otherwise the epoch's running accuracy: each sample as the training step
   * that used it classified it, before that step's update.
   */
  accuracy: number;
  /** Whether this epoch ran the full fit check. */
  checked: boolean;
  /** The running accuracy, also on checked epochs (the bench's gate study compares them). */
  runningAccuracy: number;
}

/** What one probe found: its record in the results, before it is placed in the search. */
export type ProbeOutcome = Omit<
  ProbeRecord,
  'pointIndex' | 'seedIndex' | 'replayed' | 'verification'
>;
