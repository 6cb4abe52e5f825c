import type { ExperimentSpec, ProbeRecord, UserDataFile } from '../engine/index.ts';
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
  begin(spec: ExperimentSpec, runId: string): void;
  apply(messages: WorkerMessage[], now: number): void;
  setPhase(phase: 'stopping'): void;
  phase(): string;
  fail(message: string, now: number): void;
  markTerminated(message: string, now: number): void;
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

  constructor(
    private readonly createWorker: () => WorkerLike,
    private readonly run: RunSink,
    private readonly clock: Clock = realClock,
  ) {}

  start(
    spec: ExperimentSpec,
    backend: BackendChoice,
    options: {
      runId?: string;
      replay?: ProbeRecord[];
      userData?: UserDataFile;
      remembered?: BackendName;
    } = {},
  ): void {
    this.disposeWorker();
    this.pending = [];
    this.run.begin(spec, options.runId ?? newRunId());
    const worker = this.createWorker();
    this.worker = worker;
    worker.onmessage = (message) => this.enqueue(message.data);
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
    });
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

  /** Keeps what the worker reported before it failed, then shows the failure. */
  private crash(message: string): void {
    this.flush();
    this.run.fail(message, this.clock.now());
    this.disposeWorker();
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
    this.worker?.terminate();
    this.worker = undefined;
  }
}

function newRunId(): string {
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
