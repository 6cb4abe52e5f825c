/** Where a probe was when it failed: enough for a person to find it in the results. */
export interface ProbeContext {
  pointIndex: number;
  width: number;
  seedIndex: number;
  n: number;
}

/**
 * A training that failed for a reason other than not fitting (out of memory, a lost
 * device, a backend bug). Carries the probe it happened in; out-of-memory gets advice.
 */
export class ProbeFailedError extends Error {
  readonly outOfMemory: boolean;

  constructor(
    readonly probe: ProbeContext,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const outOfMemory =
      /out of memory|\boom\b|failed to allocate|allocation|array buffer allocation/i.test(reason);
    const where = `the probe with N = ${probe.n} (point ${probe.pointIndex + 1}, width ${probe.width}, seed ${probe.seedIndex + 1})`;
    super(
      outOfMemory
        ? `Out of memory in ${where}: ${reason}. Try a smaller batch, a narrower model, a smaller pool, or another backend.`
        : `Training failed in ${where}: ${reason}`,
    );
    this.name = 'ProbeFailedError';
    this.outOfMemory = outOfMemory;
  }
}
