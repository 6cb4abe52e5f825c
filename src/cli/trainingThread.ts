import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import {
  type EngineEvent,
  type ExperimentResults,
  type ExperimentSpec,
  measureGeneralization,
  type ProbeRecord,
  RunCancelledError,
  runExperiment,
  type ShardId,
  type UserDataFile,
} from '../engine/index.ts';
import { type NodeBackend, selectBackend } from './backendSelection.ts';
import { diskDatasetFiles } from './datasetFiles.ts';
import { oneLineMessage } from './fatal.ts';

/** What the training thread is started with (its workerData). */
export interface TrainingRequest {
  spec: ExperimentSpec;
  backend: NodeBackend;
  userData?: UserDataFile;
  shard?: ShardId;
  replay: ProbeRecord[];
  /**
   * The merged results of a sweep whose jobs ran apart (run --jobs): the thread measures
   * only their generalization (see measureGeneralization) instead of running the sweep.
   */
  measured?: ExperimentResults;
}

/** The training thread's messages to the CLI. */
export type TrainingMessage =
  /** `backend`: the one training runs on (auto's choice). */
  | { kind: 'backend'; backend: NodeBackend; measurement?: string }
  | { kind: 'event'; event: EngineEvent }
  | { kind: 'finished'; results: ExperimentResults }
  | { kind: 'failed'; stage: 'backend' | 'run'; message: string };

/** The CLI's one message to the training thread. */
export type TrainingCommand = { kind: 'stop' };

/**
 * One `emc-lab run`'s training, in a worker thread of its own: a step of a large model can
 * run for seconds without yielding, and a thread can be ended mid-step where an event loop
 * cannot be reached (the SIGINT handler of trainInThread.ts).
 */
async function train(request: TrainingRequest, port: NonNullable<typeof parentPort>) {
  const send = (message: TrainingMessage) => port.postMessage(message);
  const abort = new AbortController();
  port.on('message', (command: TrainingCommand) => {
    if (command.kind === 'stop') abort.abort();
  });
  let adapter: string | undefined;
  try {
    const selected = await selectBackend(request.backend, request.spec);
    adapter = selected.adapter;
    send({
      kind: 'backend',
      backend: tf.getBackend() as NodeBackend,
      measurement: selected.measurement,
    });
  } catch (error) {
    send({ kind: 'failed', stage: 'backend', message: oneLineMessage(error) });
    port.close();
    return;
  }
  const options = {
    onEvent: (event: EngineEvent) => send({ kind: 'event', event }),
    files: diskDatasetFiles(),
    userData: request.userData,
    control: {
      signal: abort.signal,
      // Lets the stop message in between steps (the steps themselves are synchronous).
      betweenSteps: () => new Promise<void>((resolve) => setImmediate(resolve)),
    },
  };
  const { measured } = request;
  try {
    const results = measured
      ? await measureGeneralization(measured, options)
      : await runExperiment(request.spec, {
          ...options,
          shard: request.shard,
          replay: request.replay,
          environment: adapter ? { adapter } : undefined,
        });
    send({ kind: 'finished', results });
  } catch (error) {
    if (measured && error instanceof RunCancelledError) {
      send({ kind: 'finished', results: { ...measured, status: 'cancelled' } });
    } else send({ kind: 'failed', stage: 'run', message: oneLineMessage(error) });
  } finally {
    port.close();
  }
}

if (parentPort) await train(workerData as TrainingRequest, parentPort);
