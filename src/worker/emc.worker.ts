/// <reference lib="webworker" />
/**
 * The training worker: owns TensorFlow.js and runs the engine unchanged, so the page never
 * blocks while a model trains. Commands in, engine events out (see protocol.ts).
 */
import * as tf from '@tensorflow/tfjs';
import {
  type EngineEvent,
  type ExperimentResults,
  fetchDatasetFiles,
  measureGeneralization,
  RunCancelledError,
  runExperiment,
} from '../engine/index.ts';
import { type GpuDeviceLike, startBackend, timeBackends, watchGpuDevice } from './backends.ts';
import type { WorkerCommand, WorkerMessage } from './protocol.ts';
import { StepGate } from './stepGate.ts';

declare const self: DedicatedWorkerGlobalScope;

/** Epoch events faster than this are coalesced: drawing must never slow training. */
const EPOCH_EVENT_INTERVAL_MS = 50;

let gate: StepGate | undefined;

const post = (message: WorkerMessage) => self.postMessage(message);

self.onmessage = (message: MessageEvent<WorkerCommand>) => {
  const command = message.data;
  switch (command.kind) {
    case 'start':
      void start(command);
      break;
    case 'pause':
      gate?.pause();
      post({ kind: 'paused', paused: true });
      break;
    case 'resume':
      gate?.resume();
      post({ kind: 'paused', paused: false });
      break;
    case 'stop':
      gate?.stop();
      break;
    case 'ping':
      post({ kind: 'alive' });
      break;
    case 'time-backends':
      void timeBackends(command.candidates, command.spec, command.toBeatMs).then((timings) => {
        post({ kind: 'backend-timing', timings });
        // Every backend it started goes with it (a new worker returns all GPU memory).
        self.close();
      });
      break;
  }
};

/** Holds the page's life lock until this worker ends, however it ends (see LifeLocks). */
function holdLifeLock(name: string | undefined): void {
  if (!name || !('locks' in navigator)) return;
  void navigator.locks.request(name, () => {
    post({ kind: 'life-lock-held' });
    return new Promise<never>(() => {});
  });
}

async function start(command: Extract<WorkerCommand, { kind: 'start' }>) {
  if (gate) {
    post({ kind: 'fatal', message: 'A run is already in progress in this worker.' });
    return;
  }
  gate = new StepGate();
  holdLifeLock(command.lifeLock);
  // A lost GPU makes the next tfjs call fail with an obscure error (a buffer unmapped
  // during mapAsync, say): report the loss itself, and only the loss.
  let lostMessage: string | undefined;
  let device: GpuDeviceLike | undefined;
  let heldError: EngineEvent | undefined;
  let failure: unknown;
  try {
    tf.enableProdMode();
    // One of a pool's workers: the pool is the parallelism. A WASM thread pool in each (tfjs
    // starts 8 workers for one, its size half the cores) would only oversubscribe the cores.
    if (command.shard || command.measured) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const backend = await startBackend(command.backend, command.spec, command.remembered, {
      timeSoftwareLater: command.timeSoftwareLater,
    });
    post({ kind: 'backend', info: backend });
    device = watchGpuDevice((message) => {
      lostMessage = message;
      gate?.stop();
    });
    // For testing recovery by hand (DevTools, worker console) and in the browser tests.
    (self as unknown as { emcLabDebug?: object }).emcLabDebug = {
      loseGpuDevice: () => device?.destroy(),
      trainingHeld: () => gate?.holding ?? false,
    };
    const forward = throttleEpochs((event) => {
      if (lostMessage) return;
      if (event.kind === 'error') heldError = event;
      else post({ kind: 'engine', event });
    });
    const options = {
      onEvent: forward,
      control: gate.control,
      userData: command.userData,
      // Relative to the page, so the lab also works from a subfolder; the service worker caches them.
      files: fetchDatasetFiles(new URL(`${import.meta.env.BASE_URL}data/`, self.location.href)),
    };
    if (command.measured) await generalize(command.measured, options, forward);
    else {
      await runExperiment(command.spec, {
        ...options,
        replay: command.replay,
        shard: command.shard,
        environment: { adapter: backend.adapter, floatPrecision: backend.floatPrecision },
      });
    }
  } catch (error) {
    failure = error;
  } finally {
    gate.dispose();
    gate = undefined;
  }
  // The loss may be announced a while after the first failed GPU call, which the engine reports
  // as a failed probe (an error event) or a thrown error: wait for it before blaming the probe.
  if ((failure || heldError) && device && !lostMessage) {
    await Promise.race([device.lost, sleep(DEVICE_LOSS_GRACE_MS)]);
  }
  if (lostMessage) {
    post({
      kind: 'fatal',
      message: `${lostMessage} Finished probes are kept; resume on this or another backend.`,
    });
  } else if (heldError) {
    post({ kind: 'engine', event: heldError });
  } else if (failure && !(failure instanceof RunCancelledError)) {
    post({ kind: 'fatal', message: failure instanceof Error ? failure.message : String(failure) });
  }
}

/** The pool's last step: the merged sweep's generalization, then the whole run's end. */
async function generalize(
  measured: ExperimentResults,
  options: Parameters<typeof measureGeneralization>[1],
  forward: (event: EngineEvent) => void,
): Promise<void> {
  let results: ExperimentResults;
  try {
    results = await measureGeneralization(measured, options);
  } catch (error) {
    if (!(error instanceof RunCancelledError)) throw error;
    results = { ...measured, status: 'cancelled' };
  }
  forward({ kind: 'run-finished', results: { ...results, finishedAt: new Date().toISOString() } });
}

/**
 * How long a failed run waits for a device-loss notice that explains the failure (a busy
 * machine announced one more than 300 ms after the failed call).
 */
const DEVICE_LOSS_GRACE_MS = 3000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Forwards every event, but at most one epoch event per interval (always the latest one). */
function throttleEpochs(send: (event: EngineEvent) => void): (event: EngineEvent) => void {
  let lastSent = 0;
  let pending: EngineEvent | undefined;
  return (event) => {
    if (event.kind === 'epoch') {
      const now = performance.now();
      if (now - lastSent >= EPOCH_EVENT_INTERVAL_MS) {
        lastSent = now;
        pending = undefined;
        send(event);
      } else {
        pending = event;
      }
      return;
    }
    if (pending) {
      send(pending);
      pending = undefined;
    }
    send(event);
  };
}
