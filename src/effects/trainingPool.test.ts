import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, ExperimentResults } from '../engine/index.ts';
import { specFixture } from '../engine/testFixtures.ts';
import type { BackendInfo, WorkerCommand, WorkerMessage } from '../worker/protocol.ts';
import { FakeWorker, ManualClock, shardMessages } from './testWorkers.ts';
import { poolSize, TrainingPool } from './trainingPool.ts';
import { FLUSH_INTERVAL_MS, type RunSink } from './workerClient.ts';

/** Two MLP widths × two seeds, warm start off: four independent (width, seed) jobs. */
const spec = specFixture({
  data: { inputShape: [5], classes: 2, labels: 'random', poolSize: 40, testSize: 10 },
  model: { family: 'mlp', depth: 1 },
  sweep: { widths: [1, 3] },
  train: { maxSteps: 300, patience: 15 },
  search: { precision: 0.2, seeds: 2, warmStart: false },
});

const info = (name: BackendInfo['name'], measurement?: string): BackendInfo => ({
  name,
  floatPrecision: 32,
  skipped: [],
  crossOriginIsolated: true,
  measurement,
  chosenBy: measurement ? 'measured' : undefined,
});

/** The messages of each of two workers on its shard, trained once by the engine (cpu). */
let twoShards: WorkerMessage[][];
beforeAll(async () => {
  twoShards = await shardMessages(spec, 2);
  // Training on a busy machine: the limit is for a hang, not a speed.
}, 120_000);

function setup() {
  const workers: FakeWorker[] = [];
  const applied: WorkerMessage[] = [];
  const clock = new ManualClock();
  let phase = 'idle';
  const failures: string[] = [];
  const sink: RunSink = {
    begin: () => {
      phase = 'starting';
    },
    apply: (messages) => {
      applied.push(...messages);
      for (const m of messages) {
        if (m.kind === 'engine' && m.event.kind === 'run-finished') phase = m.event.results.status;
      }
    },
    setPhase: (next) => {
      phase = next;
    },
    phase: () => phase,
    fail: (message) => {
      phase = 'failed';
      failures.push(message);
    },
    markTerminated: () => {
      phase = 'cancelled';
    },
  };
  const pool = new TrainingPool(
    () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    sink,
    clock,
  );
  const events = () => applied.flatMap((m) => (m.kind === 'engine' ? [m.event] : []));
  const finished = () =>
    events().flatMap((e) => (e.kind === 'run-finished' ? [e.results] : [])) as ExperimentResults[];
  const flush = () => clock.advance(FLUSH_INTERVAL_MS);
  return { pool, workers, applied, events, finished, failures, flush, phase: () => phase };
}

const startOf = (worker: FakeWorker | undefined) =>
  worker?.sent.find((c) => c.kind === 'start') as Extract<WorkerCommand, { kind: 'start' }>;

/** Worker `worker` posts its shard's messages, all but the backend (already sent) and the run's end. */
function training(messages: WorkerMessage[]): WorkerMessage[] {
  return messages.filter(
    (m) => m.kind === 'engine' && m.event.kind !== 'run-finished' && m.event.kind !== 'run-started',
  );
}

const runFinished = (messages: WorkerMessage[]) => messages.at(-1) as WorkerMessage;

describe('the lab’s training pool', () => {
  it('has one worker on a GPU backend or for a warm-start chain, else no more than the sweep has jobs', () => {
    expect(poolSize(spec, 'wasm', 8)).toBe(4);
    expect(poolSize(spec, 'cpu', 3)).toBe(3);
    expect(poolSize(spec, 'auto', 2, 'wasm')).toBe(2);
    expect(poolSize(spec, 'webgpu', 8)).toBe(1);
    expect(poolSize(spec, 'webgl', 8)).toBe(1);
    expect(poolSize(spec, 'auto', 8, 'webgpu')).toBe(1);
    const chained = { ...spec, search: { ...spec.search, warmStart: true } };
    expect(poolSize(chained, 'wasm', 8)).toBe(1);
    const oneWidth = { ...chained, sweep: { ...spec.sweep, widths: [3] } };
    expect(poolSize(oneWidth, 'wasm', 8)).toBe(2);
  });

  it('starts the first worker alone, the others on its backend choice, each on its own shard', () => {
    const { pool, workers, applied, flush } = setup();
    pool.start(spec, 'auto', { workers: 2 });
    expect(workers).toHaveLength(1);
    expect(startOf(workers[0])).toMatchObject({ backend: 'auto', shard: { index: 1, count: 2 } });
    workers[0]?.emit({ kind: 'backend', info: info('wasm', 'wasm was fastest') });
    flush(); // the client applies messages in batches
    expect(workers).toHaveLength(2);
    expect(startOf(workers[1])).toMatchObject({ backend: 'wasm', shard: { index: 2, count: 2 } });
    workers[1]?.emit({ kind: 'backend', info: info('wasm') });
    flush();
    // The run shows one backend: the one the first worker chose, with auto's measurement.
    const backends = applied.filter((m) => m.kind === 'backend');
    expect(backends).toEqual([{ kind: 'backend', info: info('wasm', 'wasm was fastest') }]);
  });

  it('reports every worker’s probes as they come, and ends with the generalization measured in one more worker', () => {
    const { pool, workers, events, finished, flush } = setup();
    pool.start(spec, 'wasm', { workers: 2, runId: 'run-1' });
    workers[0]?.emit({ kind: 'backend', info: info('wasm') });
    flush(); // the client applies messages in batches
    const [first, second] = twoShards as [WorkerMessage[], WorkerMessage[]];
    for (const m of training(first)) workers[0]?.emit(m);
    flush();
    const fromFirst = events().filter((e) => e.kind === 'probe-finished').length;
    expect(fromFirst).toBeGreaterThan(0);
    for (const m of training(second)) workers[1]?.emit(m);
    flush();
    expect(events().filter((e) => e.kind === 'probe-finished').length).toBeGreaterThan(fromFirst);
    // Every point, once both seeds of it are in.
    expect(events().filter((e) => e.kind === 'point-finished')).toHaveLength(2);
    workers[0]?.emit(runFinished(first));
    expect(workers).toHaveLength(2);
    workers[1]?.emit(runFinished(second));
    // Both shards are in: one more worker measures the merged sweep's generalization.
    expect(workers).toHaveLength(3);
    const last = startOf(workers[2]);
    expect(last.backend).toBe('wasm');
    expect(last.shard).toBeUndefined();
    expect(last.measured?.status).toBe('complete');
    expect(last.measured?.points).toHaveLength(2);
    expect(finished()).toEqual([]);
    const done: ExperimentResults = { ...(last.measured as ExperimentResults) };
    workers[2]?.emit({ kind: 'engine', event: { kind: 'run-finished', results: done } });
    expect(finished()).toEqual([done]);
  });

  it('pause, resume and stop reach every worker; the run ends cancelled once all have stopped', () => {
    const { pool, workers, finished, phase, flush } = setup();
    pool.start(spec, 'wasm', { workers: 2 });
    pool.pause();
    workers[0]?.emit({ kind: 'backend', info: info('wasm') });
    flush(); // the client applies messages in batches
    // Started after the pause: paused as well.
    for (const worker of workers) expect(worker.sent.at(-1)).toEqual({ kind: 'pause' });
    pool.resume();
    for (const worker of workers) expect(worker.sent.at(-1)).toEqual({ kind: 'resume' });
    pool.stop();
    for (const worker of workers) expect(worker.sent.at(-1)).toEqual({ kind: 'stop' });
    expect(phase()).toBe('stopping');
    const [first, second] = twoShards as [WorkerMessage[], WorkerMessage[]];
    const cancelled = (messages: WorkerMessage[], probes: number): WorkerMessage => {
      const end = (runFinished(messages) as Extract<WorkerMessage, { kind: 'engine' }>)
        .event as Extract<EngineEvent, { kind: 'run-finished' }>;
      const results = {
        ...end.results,
        status: 'cancelled' as const,
        points: [],
        probes: end.results.probes.slice(0, probes),
      };
      return { kind: 'engine', event: { kind: 'run-finished', results } };
    };
    workers[0]?.emit(cancelled(first, 2));
    expect(finished()).toEqual([]);
    workers[1]?.emit(cancelled(second, 1));
    const [results] = finished();
    expect(results?.status).toBe('cancelled');
    expect(results?.probes).toHaveLength(3);
    // No generalization for a stopped run.
    expect(workers).toHaveLength(2);
  });

  it('a crashed worker stops the others and fails the run, every reported probe kept', () => {
    const { pool, workers, events, failures, phase, flush } = setup();
    pool.start(spec, 'wasm', { workers: 2 });
    workers[0]?.emit({ kind: 'backend', info: info('wasm') });
    flush(); // the client applies messages in batches
    const probes = (messages: WorkerMessage[] | undefined) =>
      (messages ?? []).filter((m) => m.kind === 'engine' && m.event.kind === 'probe-finished');
    // Not flushed yet: the crash must not lose them.
    workers[0]?.emit(probes(twoShards[0])[0] as WorkerMessage);
    workers[1]?.emit(probes(twoShards[1])[0] as WorkerMessage);
    workers[1]?.onerror?.({ message: 'out of memory', preventDefault: () => {} } as ErrorEvent);
    expect(phase()).toBe('failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('The training worker crashed: out of memory');
    expect(failures[0]).toContain('worker 2 of 2');
    expect(workers.every((w) => w.terminated)).toBe(true);
    expect(events().filter((e) => e.kind === 'probe-finished')).toHaveLength(2);
  });

  it('auto choosing a GPU narrows the pool to one worker that runs the whole sweep', () => {
    const { pool, workers, applied, flush } = setup();
    pool.start(spec, 'auto', { workers: 2 });
    workers[0]?.emit({ kind: 'backend', info: info('webgpu', 'webgpu was fastest') });
    flush(); // the client applies messages in batches
    expect(workers[0]?.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    const single = startOf(workers[1]);
    expect(single.backend).toBe('webgpu');
    expect(single.shard).toBeUndefined();
    workers[1]?.emit({ kind: 'backend', info: info('webgpu') });
    flush();
    const shown = applied.filter((m) => m.kind === 'backend').at(-1);
    expect(shown).toEqual({ kind: 'backend', info: info('webgpu', 'webgpu was fastest') });
  });
});
