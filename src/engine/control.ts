/**
 * How a caller steers a running experiment. The engine consults it between training steps,
 * so cancel and pause take effect within one step.
 */
export interface RunControl {
  /** Aborting it stops the run at the next step with a RunCancelledError. */
  signal?: AbortSignal;
  /**
   * Awaited between steps. A worker uses it to yield to its message loop (so Stop and
   * Pause messages arrive while training) and to hold while paused.
   */
  betweenSteps?: () => Promise<void>;
}

export class RunCancelledError extends Error {
  constructor() {
    super('The run was stopped.');
    this.name = 'RunCancelledError';
  }
}

export async function checkpoint(control: RunControl | undefined): Promise<void> {
  if (control?.betweenSteps) await control.betweenSteps();
  if (control?.signal?.aborted) throw new RunCancelledError();
}
