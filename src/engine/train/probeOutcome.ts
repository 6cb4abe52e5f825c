// What one probe reports, epoch by epoch and at its end: shared by the probe loops
// (fitProbe, stackedProbes) and the rules and records they consult (epochRules,
// convergenceRecord), which therefore do not import the loops.

/**
 * Why a probe ended. "fit": all N right. "converged": the loss stopped improving at a
 * minimum that misclassifies some sample (small gradient, no saddle): a real "does not
 * fit". "diverged": the loss is no longer finite, the procedure fails. "budget": the step
 * cap ran out while the run was inconclusive: a failure to decide, not a failure to fit.
 * "plateau" only appears in results of EMC Lab before version 2, which stopped on a
 * loss plateau without checking the gradient.
 */
export const STOP_REASONS = ['fit', 'converged', 'budget', 'diverged', 'plateau'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

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

export interface ProbeOutcome {
  n: number;
  fits: boolean;
  stopReason: StopReason;
  epochs: number;
  steps: number;
  finalLoss: number;
  finalAccuracy: number;
  /** Held-out accuracy of the trained model, when the dataset has a test split. */
  testAccuracy: number | null;
  wallMs: number;
  /** A converged no-fit: loss plateau, small gradient, no saddle. */
  converged: boolean;
  /** Full-batch gradient norm at the end (null when the loss diverged). */
  gradNorm: number | null;
  /**
   * Norm of the mean step gradient over the last stall, the one the convergence check
   * judged (null when no plateau was checked).
   */
  stallGradNorm: number | null;
  /** Full-batch gradient norm at initialization: the scale gradNorm is judged on. */
  initialGradNorm: number | null;
  /** Extreme Hessian eigenvalues from the last convergence check that measured them. */
  hessianMin: number | null;
  hessianMax: number | null;
  /** That check found a saddle (a markedly negative eigenvalue). */
  saddle: boolean;
  /** Times the budget was doubled because the run was inconclusive at its end. */
  extensions: number;
  /** Learning rate at the end (lower than the spec's after reductions on plateaus). */
  finalLearningRate: number;
}
