/**
 * One tab per saved run. Two tabs of the lab share the saved runs (IndexedDB): without a
 * lock both would offer to resume an interrupted run, and both would run it, each saving
 * over the other. A Web Lock per run id is held by the tab that runs it; the browser
 * releases it when that tab closes or crashes, so a run is never locked for good.
 */

/** What the lab needs of navigator.locks (an in-memory one in the unit tests). */
export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown> | unknown,
  ): Promise<unknown>;
  query(): Promise<{ held?: Array<{ name?: string }> }>;
}

const PREFIX = 'emc-lab-run:';

/** This tab's hold on the run it runs, and what it knows about the others' runs. */
export class RunLocks {
  private held: { runId: string; release: () => Promise<void> } | undefined;

  constructor(private readonly locks: LockManagerLike | undefined) {}

  /**
   * Takes the run's lock for this tab (letting go of the one it held for another run).
   * False when another tab holds it: that tab runs it. Without Web Locks, always true.
   */
  async hold(runId: string): Promise<boolean> {
    if (this.held?.runId === runId) return true;
    await this.release();
    if (!this.locks) return true;
    let letGo: () => void = () => undefined;
    const granted = await new Promise<boolean>((resolveGranted) => {
      const settled = this.locks?.request(PREFIX + runId, { ifAvailable: true }, (lock) => {
        resolveGranted(lock !== null);
        return lock === null ? undefined : new Promise<void>((resolve) => (letGo = resolve));
      });
      this.held = {
        runId,
        release: async () => {
          letGo();
          await settled;
        },
      };
    });
    if (!granted) this.held = undefined;
    return granted;
  }

  /** Lets other tabs run (or resume) this tab's run; resolves once the lock is free. */
  async release(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    await held?.release();
  }

  /** The ids of runs that other tabs of this browser are running now. */
  async runningElsewhere(): Promise<Set<string>> {
    if (!this.locks) return new Set();
    const { held = [] } = await this.locks.query();
    const ids = held
      .map((lock) => lock.name ?? '')
      .filter((name) => name.startsWith(PREFIX))
      .map((name) => name.slice(PREFIX.length))
      .filter((runId) => runId !== this.held?.runId);
    return new Set(ids);
  }

  /** Resolves when no tab runs `runId` any more (its tab finished it, closed or crashed). */
  async whenFree(runId: string): Promise<void> {
    await this.locks?.request(PREFIX + runId, {}, () => undefined);
  }
}

/** The lab's one RunLocks, on this browser's Web Locks when it has them. */
export const runLocks = new RunLocks(
  typeof navigator !== 'undefined' && 'locks' in navigator
    ? (navigator.locks as unknown as LockManagerLike)
    : undefined,
);
