import type { ExperimentSpec, ProbeRecord } from '../engine/index.ts';
import type { BackendChoice, WorkerCommand, WorkerMessage } from '../worker/protocol.ts';
import { useRunStore } from './runStore.ts';

/** Worker messages are applied to the store in batches at most this often (≈10 per second). */
const FLUSH_INTERVAL_MS = 100;
/**
 * A stopped worker that has not confirmed within this time is terminated. Stop normally
 * lands between two steps, but a step can be long (WebGL/WebGPU compile their shaders
 * synchronously during the first one): a person pressing Stop must not wait for that.
 */
const STOP_GRACE_MS = 700;

let worker: Worker | undefined;
let pending: WorkerMessage[] = [];
let flushTimer: ReturnType<typeof setTimeout> | undefined;
let stopTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Starts a run in a fresh worker. One worker per run: WebGPU's buffer pool never shrinks,
 * so a new worker per run returns all GPU memory, and a stuck run can always be killed.
 */
export function startRun(
  spec: ExperimentSpec,
  backend: BackendChoice,
  options: { runId?: string; replay?: ProbeRecord[] } = {},
): void {
  disposeWorker();
  useRunStore.getState().begin(spec, options.runId ?? newRunId());
  worker = new Worker(new URL('../worker/emc.worker.ts', import.meta.url), {
    type: 'module',
    name: 'emc-training',
  });
  worker.onmessage = (message: MessageEvent<WorkerMessage>) => enqueue(message.data);
  worker.onmessageerror = () => crash('The training worker sent a message that could not be read.');
  worker.onerror = (event) => {
    event.preventDefault();
    crash(`The training worker crashed: ${event.message || 'unknown error'}`);
  };
  send({ kind: 'start', spec, backend, replay: options.replay });
}

function newRunId(): string {
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function pauseRun(): void {
  send({ kind: 'pause' });
}

export function resumeRun(): void {
  send({ kind: 'resume' });
}

/** Asks the worker to stop after the current step; kills it if it does not answer in time. */
export function stopRun(): void {
  if (!worker) return;
  useRunStore.getState().setPhase('stopping');
  send({ kind: 'stop' });
  clearTimeout(stopTimer);
  stopTimer = setTimeout(() => {
    flush();
    if (useRunStore.getState().phase === 'stopping') {
      disposeWorker();
      useRunStore
        .getState()
        .markTerminated(
          `The worker did not stop within ${STOP_GRACE_MS} ms (busy in one long step), so it was terminated; finished probes are kept.`,
          performance.now(),
        );
    }
  }, STOP_GRACE_MS);
}

/** Keeps what the worker reported before it failed, then shows the failure. */
function crash(message: string): void {
  flush();
  useRunStore.getState().fail(message, performance.now());
  disposeWorker();
}

function send(command: WorkerCommand): void {
  worker?.postMessage(command);
}

function enqueue(message: WorkerMessage): void {
  pending.push(message);
  const ends =
    message.kind === 'fatal' ||
    (message.kind === 'engine' &&
      (message.event.kind === 'run-finished' || message.event.kind === 'error'));
  if (ends) {
    flush();
    disposeWorker();
    return;
  }
  flushTimer ??= setTimeout(flush, FLUSH_INTERVAL_MS);
}

function flush(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  if (pending.length === 0) return;
  const batch = pending;
  pending = [];
  useRunStore.getState().apply(batch, performance.now());
}

function disposeWorker(): void {
  clearTimeout(stopTimer);
  worker?.terminate();
  worker = undefined;
}
