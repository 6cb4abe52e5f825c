import type { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { EngineEvent, ExperimentResults } from '../engine/index.ts';
import { oneLineMessage } from './fatal.ts';
import { PartialResults } from './partialResults.ts';
import type { NodeBackend } from './backendSelection.ts';
import type { TrainingCommand, TrainingMessage, TrainingRequest } from './trainingThread.ts';

/**
 * How long an interrupted run may take to stop at its next step before its thread is ended
 * mid-step (a step of a large CNN on the CPU can take many seconds).
 */
export const STOP_GRACE_MS = 1000;

/**
 * The signals that stop a run and keep what it measured: Ctrl-C (SIGINT), a scheduler's or
 * `kill`'s request (SIGTERM), and the terminal going away (SIGHUP). Each is handled alike:
 * stop, write the results so far, exit 130.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Calls `handler` on every stop signal `from` emits; the returned function stops listening. */
export function onStopSignals(
  from: Pick<EventEmitter, 'on' | 'off'>,
  handler: () => void,
): () => void {
  for (const signal of STOP_SIGNALS) from.on(signal, handler);
  return () => {
    for (const signal of STOP_SIGNALS) from.off(signal, handler);
  };
}

export type TrainingOutcome =
  | { kind: 'finished'; results: ExperimentResults }
  /** Interrupted: the results so far (undefined when training had not started). */
  | { kind: 'interrupted'; results?: ExperimentResults }
  | { kind: 'failed'; stage: 'backend' | 'run'; message: string };

export interface TrainingHooks {
  /** The backend has started: `backend` is the one training runs on (auto's choice). */
  onBackend(measurement: string | undefined, backend: NodeBackend): void;
  onEvent(event: EngineEvent): void;
  onInterrupt(): void;
}

/**
 * Runs `request` in a training thread (trainingThread.ts), passing its events on. A stop
 * signal (STOP_SIGNALS) asks it to stop at its next step; if it has not within
 * STOP_GRACE_MS, the thread is ended and the results are rebuilt from the events it sent
 * (every probe it had finished). `interrupts` emits that signal: the process's own, or one
 * shared by several threads (run --jobs, which also stops them all when one fails).
 */
export function trainInThread(
  request: TrainingRequest,
  hooks: TrainingHooks,
  interrupts: Pick<EventEmitter, 'on' | 'off'> = process,
): Promise<TrainingOutcome> {
  const worker = new Worker(new URL('./trainingThread.mjs', import.meta.url), {
    workerData: request,
  });
  const partial = new PartialResults(request.shard);
  return new Promise<TrainingOutcome>((resolve) => {
    let outcome: TrainingOutcome | undefined;
    let interrupted = false;
    let grace: NodeJS.Timeout | undefined;
    let stopListening = () => {};
    const settle = (result: TrainingOutcome) => {
      if (outcome) return;
      outcome = result;
      stopListening();
      clearTimeout(grace);
      void worker.terminate();
      resolve(result);
    };
    const onInterrupt = () => {
      if (interrupted) return;
      interrupted = true;
      hooks.onInterrupt();
      worker.postMessage({ kind: 'stop' } satisfies TrainingCommand);
      grace = setTimeout(
        () => settle({ kind: 'interrupted', results: partial.document('cancelled') }),
        STOP_GRACE_MS,
      );
    };
    stopListening = onStopSignals(interrupts, onInterrupt);
    worker.on('message', (message: TrainingMessage) => {
      if (message.kind === 'backend') hooks.onBackend(message.measurement, message.backend);
      else if (message.kind === 'event') {
        partial.onEvent(message.event);
        hooks.onEvent(message.event);
      } else if (message.kind === 'finished') {
        settle(
          message.results.status === 'cancelled'
            ? { kind: 'interrupted', results: message.results }
            : message,
        );
      } else if (interrupted && message.stage === 'backend') {
        settle({ kind: 'interrupted' });
      } else settle(message);
    });
    worker.on('error', (error) =>
      settle({ kind: 'failed', stage: 'run', message: oneLineMessage(error) }),
    );
    worker.on('exit', () => {
      if (interrupted) settle({ kind: 'interrupted', results: partial.document('cancelled') });
      else settle({ kind: 'failed', stage: 'run', message: 'the training thread ended early' });
    });
  });
}
