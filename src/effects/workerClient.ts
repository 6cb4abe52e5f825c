import type {
  ExperimentResults,
  ExperimentSpec,
  ProbeRecord,
  ShardId,
  UserDataFile,
} from '../engine/index.ts';
import type {
  BackendChoice,
  BackendName,
  WorkerCommand,
  WorkerMessage,
} from '../worker/protocol.ts';

/** Worker messages are applied to the store in batches at most this often (≈10 per second). */
export const FLUSH_INTERVAL_MS = 100;
/**
 * A stopped worker that has not confirmed within this time is terminated. Stop normally
 * lands between two steps, but a step can be long (WebGL/WebGPU compile their shaders
 * synchronously during the first one): a person pressing Stop must not wait for that.
 */
export const STOP_GRACE_MS = 700;

/** What the client needs of a Worker (a fake one in the unit tests). */
export interface WorkerLike {
  onmessage: ((message: MessageEvent<WorkerMessage>) => void) | null;
  onmessageerror: (() => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  postMessage(command: WorkerCommand): void;
  terminate(): void;
}

/** Where the client reports to: the run store's actions, in the lab. */
export interface RunSink {
  /** `workers`: how many train the run's (width, seed) jobs at once (see TrainingPool). */
  begin(spec: ExperimentSpec, runId: string, workers?: number): void;
  apply(messages: WorkerMessage[], now: number): void;
  setPhase(phase: 'stopping'): void;
  phase(): string;
  fail(message: string, now: number): void;
  markTerminated(message: string, now: number): void;
}

/**
 * The watchdog's timings. A training step runs synchronously, so a busy worker answers no
 * ping until the step ends: only a silence far longer than any step seen so far in the run
 * (and at least `silenceLimitMs`) means it hangs. A worker that ended is told apart at once
 * by its life lock (see LifeLocks), not by waiting.
 */
export interface WatchdogTimings {
  pingIntervalMs: number;
  silenceLimitMs: number;
  /** The limit grows to this many times the longest silence the worker has ended so far. */
  longestSilenceFactor: number;
}

export const WATCHDOG_TIMINGS: WatchdogTimings = {
  pingIntervalMs: 5_000,
  silenceLimitMs: 120_000,
  longestSilenceFactor: 4,
};

export interface StartOptions {
  runId?: string;
  replay?: ProbeRecord[];
  userData?: UserDataFile;
  remembered?: BackendName;
  /** One of a pool's workers: only these (width, seed) jobs (see TrainingPool). */
  shard?: ShardId;
  /** The pool's last worker: the merged sweep, whose generalization it measures. */
  measured?: ExperimentResults;
  /** See the start command's timeSoftwareLater. */
  timeSoftwareLater?: boolean;
}

/**
 * Web Locks, as the watchdog uses them: a worker holds a lock for its whole life and the
 * browser releases it however the worker ends (self.close(), an out-of-memory kill), which
 * sends no error event to the page.
 */
export interface LifeLocks {
  /** Resolves once nobody holds `name`; rejects when `signal` aborts first. */
  whenFree(name: string, signal: AbortSignal): Promise<void>;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): ReturnType<typeof setTimeout>;
  clearTimeout(timer: ReturnType<typeof setTimeout> | undefined): void;
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer),
};

/**
 * The page's side of the training worker: one worker per run (WebGPU's buffer pool never
 * shrinks, so a new worker returns all GPU memory, and a stuck run can always be killed),
 * its messages applied to the run in batches, Stop with a deadline, crashes reported with
 * every finished probe kept.
 */
export class TrainingWorkerClient {
  private worker: WorkerLike | undefined;
  private pending: WorkerMessage[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private stopTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private lastHeard = 0;
  private longestSilence = 0;
  /** Silence while the page itself was awake (see heartbeat). */
  private awakeSilence = 0;
  private lastTick = 0;
  private lifeLock: string | undefined;
  private lifeLockWatch: AbortController | undefined;

  constructor(
    private readonly createWorker: () => WorkerLike,
    private readonly run: RunSink,
    private readonly clock: Clock = realClock,
    private readonly watchdog: { timings?: WatchdogTimings; lifeLocks?: LifeLocks } = {},
  ) {}

  start(spec: ExperimentSpec, backend: BackendChoice, options: StartOptions = {}): void {
    this.disposeWorker();
    this.pending = [];
    this.run.begin(spec, options.runId ?? newRunId());
    const worker = this.createWorker();
    this.worker = worker;
    this.lifeLock = this.watchdog.lifeLocks ? `emc-lab-worker-${newRunId()}` : undefined;
    worker.onmessage = (message) => {
      if (worker === this.worker) this.receive(worker, message.data);
    };
    worker.onmessageerror = () =>
      this.crash('The training worker sent a message that could not be read.');
    worker.onerror = (event) => {
      event.preventDefault();
      this.crash(`The training worker crashed: ${event.message || 'unknown error'}`);
    };
    worker.postMessage({
      kind: 'start',
      spec,
      backend,
      remembered: options.remembered,
      replay: options.replay,
      userData: options.userData,
      shard: options.shard,
      measured: options.measured,
      lifeLock: this.lifeLock,
      timeSoftwareLater: options.timeSoftwareLater,
    });
    this.lastHeard = this.clock.now();
    this.lastTick = this.lastHeard;
    this.longestSilence = 0;
    this.awakeSilence = 0;
    this.heartbeat(worker);
  }

  pause(): void {
    this.worker?.postMessage({ kind: 'pause' });
  }

  resume(): void {
    this.worker?.postMessage({ kind: 'resume' });
  }

  /** Asks the worker to stop after the current step; kills it if it does not answer in time. */
  stop(): void {
    if (!this.worker) return;
    this.run.setPhase('stopping');
    this.worker.postMessage({ kind: 'stop' });
    this.clock.clearTimeout(this.stopTimer);
    this.stopTimer = this.clock.setTimeout(() => {
      this.flush();
      if (this.run.phase() === 'stopping') {
        this.disposeWorker();
        this.run.markTerminated(
          `The worker did not stop within ${STOP_GRACE_MS} ms (busy in one long step), so it was terminated; finished probes are kept.`,
          this.clock.now(),
        );
      }
    }, STOP_GRACE_MS);
  }

  /**
   * Lets the worker go at once, without a word to the run: what it had reported is applied,
   * nothing after (the pool ends its other workers so when one fails).
   */
  abandon(): void {
    this.flush();
    this.disposeWorker();
  }

  /** Keeps what the worker reported before it failed, then shows the failure. */
  private crash(message: string): void {
    this.flush();
    this.run.fail(message, this.clock.now());
    this.disposeWorker();
  }

  private receive(worker: WorkerLike, message: WorkerMessage): void {
    const now = this.clock.now();
    this.longestSilence = Math.max(this.longestSilence, now - this.lastHeard);
    this.lastHeard = now;
    this.awakeSilence = 0;
    if (message.kind === 'alive') return;
    if (message.kind === 'life-lock-held') {
      this.watchLifeLock(worker);
      return;
    }
    this.enqueue(message);
  }

  /**
   * Pings the worker; gives it up when it has been silent far longer than it ever was. A
   * late tick (the laptop slept, a background tab's timers were throttled) counts as two
   * intervals at most: the worker could not answer while the page was not running either.
   */
  private heartbeat(worker: WorkerLike): void {
    const timings = this.watchdog.timings ?? WATCHDOG_TIMINGS;
    this.pingTimer = this.clock.setTimeout(() => {
      if (worker !== this.worker) return;
      const now = this.clock.now();
      this.awakeSilence += Math.min(now - this.lastTick, 2 * timings.pingIntervalMs);
      this.lastTick = now;
      const silence = this.awakeSilence;
      const limit = Math.max(
        timings.silenceLimitMs,
        timings.longestSilenceFactor * this.longestSilence,
      );
      if (silence >= limit) {
        this.crash(
          `The training worker stopped answering (nothing for ${Math.round(silence / 1000)} s, hung or out of memory), so it was stopped.`,
        );
        return;
      }
      worker.postMessage({ kind: 'ping' });
      this.heartbeat(worker);
    }, timings.pingIntervalMs);
  }

  /** Once the worker holds its life lock, that lock coming free means the worker is gone. */
  private watchLifeLock(worker: WorkerLike): void {
    const locks = this.watchdog.lifeLocks;
    const name = this.lifeLock;
    if (!locks || !name || this.lifeLockWatch) return;
    const watch = new AbortController();
    this.lifeLockWatch = watch;
    locks.whenFree(name, watch.signal).then(
      () => {
        if (worker !== this.worker) return;
        this.crash(
          'The training worker ended without reporting an error (closed, or stopped by the browser, e.g. for lack of memory).',
        );
      },
      // Aborted: the client let this worker go on purpose.
      () => undefined,
    );
  }

  private enqueue(message: WorkerMessage): void {
    this.pending.push(message);
    const ends =
      message.kind === 'fatal' ||
      (message.kind === 'engine' &&
        (message.event.kind === 'run-finished' || message.event.kind === 'error'));
    if (ends) {
      this.flush();
      this.disposeWorker();
      return;
    }
    this.flushTimer ??= this.clock.setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  private flush(): void {
    this.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.run.apply(batch, this.clock.now());
  }

  private disposeWorker(): void {
    this.clock.clearTimeout(this.stopTimer);
    this.clock.clearTimeout(this.pingTimer);
    this.lifeLockWatch?.abort();
    this.lifeLockWatch = undefined;
    this.worker?.terminate();
    this.worker = undefined;
  }
}

/** A fresh id for a run's history entry (and its tab lock). */
export function newRunId(): string {
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
