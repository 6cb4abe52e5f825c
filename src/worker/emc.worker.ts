/// <reference lib="webworker" />
/**
 * The training worker: owns TensorFlow.js and runs the engine unchanged, so the page never
 * blocks while a model trains. Commands in, engine events out (see protocol.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { type EngineEvent, RunCancelledError, runExperiment } from '../engine/index.ts';
import { startBackend } from './backends.ts';
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
  }
};

async function start(command: Extract<WorkerCommand, { kind: 'start' }>) {
  if (gate) {
    post({ kind: 'fatal', message: 'A run is already in progress in this worker.' });
    return;
  }
  gate = new StepGate();
  let engineReported = false;
  try {
    tf.enableProdMode();
    const backend = await startBackend(command.backend);
    post({ kind: 'backend', info: backend });
    const forward = throttleEpochs((event) => {
      if (event.kind === 'error') engineReported = true;
      post({ kind: 'engine', event });
    });
    await runExperiment(command.spec, {
      onEvent: forward,
      control: gate.control,
      replay: command.replay,
      environment: { adapter: backend.adapter, floatPrecision: backend.floatPrecision },
    });
  } catch (error) {
    // The engine reports its own failures as an "error" event; report only the others.
    if (!(error instanceof RunCancelledError) && !engineReported) {
      post({ kind: 'fatal', message: error instanceof Error ? error.message : String(error) });
    }
  } finally {
    gate.dispose();
    gate = undefined;
  }
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
