import type { RunControl } from '../engine/index.ts';

/** Longest stretch of training between two looks at the message queue. */
const YIELD_EVERY_MS = 16;

/**
 * Pause, resume and stop for a run in a worker. Training steps are synchronous, so the
 * worker sees Stop or Pause messages only when the loop yields to its event loop: this
 * yields every few milliseconds (a MessageChannel round trip, not setTimeout, which
 * browsers clamp to 4 ms) and holds between steps while paused.
 */
export class StepGate {
  private readonly abort = new AbortController();
  private resumeWaiters: Array<() => void> = [];
  private paused = false;
  private lastYield = performance.now();
  private readonly channel = new MessageChannel();
  private readonly yielded: Array<() => void> = [];

  constructor() {
    this.channel.port1.onmessage = () => this.yielded.shift()?.();
  }

  readonly control: RunControl = {
    signal: this.abort.signal,
    betweenSteps: () => this.betweenSteps(),
  };

  pause(): void {
    this.paused = true;
  }

  /** Training is parked between two steps, waiting for Resume or Stop. */
  get holding(): boolean {
    return this.resumeWaiters.length > 0;
  }

  resume(): void {
    this.paused = false;
    for (const wake of this.resumeWaiters.splice(0)) wake();
  }

  stop(): void {
    this.abort.abort();
    this.resume();
  }

  /** Closes the yield channel (an open port would keep a worker or Node process alive). */
  dispose(): void {
    this.channel.port1.close();
    this.channel.port2.close();
  }

  private async betweenSteps(): Promise<void> {
    if (performance.now() - this.lastYield >= YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => {
        this.yielded.push(resolve);
        this.channel.port2.postMessage(null);
      });
      this.lastYield = performance.now();
    }
    while (this.paused && !this.abort.signal.aborted) {
      await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
    }
  }
}
