import { describe, expect, it } from 'vitest';
import { specFixture } from '../engine/testFixtures.ts';
import type { WorkerCommand, WorkerMessage } from '../worker/protocol.ts';
import { FakeWorker, ManualClock } from './testWorkers.ts';
import {
  FLUSH_INTERVAL_MS,
  type LifeLocks,
  type RunSink,
  STOP_GRACE_MS,
  TrainingWorkerClient,
  type WatchdogTimings,
} from './workerClient.ts';

/** Web Locks held by fake workers: the test says when one comes free. */
class FakeLifeLocks implements LifeLocks {
  waiting = new Map<string, { free(): void; signal: AbortSignal }>();
  whenFree(name: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      this.waiting.set(name, { free: resolve, signal });
    });
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(watchdog: { timings?: WatchdogTimings; lifeLocks?: LifeLocks } = {}) {
  const workers: FakeWorker[] = [];
  const applied: WorkerMessage[][] = [];
  const events: string[] = [];
  let phase = 'idle';
  const sink: RunSink = {
    begin: (_, runId) => {
      phase = 'starting';
      events.push(`begin ${runId}`);
    },
    apply: (messages) => {
      applied.push(messages);
    },
    setPhase: (next) => {
      phase = next;
    },
    phase: () => phase,
    fail: (message) => {
      phase = 'failed';
      events.push(`fail ${message}`);
    },
    markTerminated: (message) => {
      phase = 'cancelled';
      events.push(`terminated ${message}`);
    },
  };
  const clock = new ManualClock();
  const client = new TrainingWorkerClient(
    () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    sink,
    clock,
    watchdog,
  );
  return { client, workers, applied, events, clock, setPhase: (p: string) => (phase = p) };
}

const paused = (value: boolean): WorkerMessage => ({ kind: 'paused', paused: value });

describe('TrainingWorkerClient', () => {
  it('starts each run in a fresh worker with the spec, backend and replay', () => {
    const { client, workers, events } = setup();
    const spec = specFixture();
    client.start(spec, 'wasm', { runId: 'run-1', replay: [] });
    client.start(spec, 'auto', { runId: 'run-2' });
    expect(workers).toHaveLength(2);
    expect(workers[0]?.terminated).toBe(true);
    expect(workers[1]?.sent).toEqual([{ kind: 'start', spec, backend: 'auto', replay: undefined }]);
    expect(events).toEqual(['begin run-1', 'begin run-2']);
  });

  it('applies worker messages in batches, at most every flush interval', () => {
    const { client, workers, applied, clock } = setup();
    client.start(specFixture(), 'cpu');
    const worker = workers[0] as FakeWorker;
    worker.emit(paused(true));
    worker.emit(paused(false));
    expect(applied).toEqual([]);
    clock.advance(FLUSH_INTERVAL_MS);
    expect(applied).toEqual([[paused(true), paused(false)]]);
  });

  it('applies at once and lets the worker go when the run ends', () => {
    const { client, workers, applied } = setup();
    client.start(specFixture(), 'cpu');
    const worker = workers[0] as FakeWorker;
    worker.emit(paused(true));
    worker.emit({ kind: 'fatal', message: 'no backend' });
    expect(applied).toEqual([[paused(true), { kind: 'fatal', message: 'no backend' }]]);
    expect(worker.terminated).toBe(true);
  });

  it('forwards pause and resume, and does nothing without a worker', () => {
    const { client, workers } = setup();
    client.pause();
    client.stop();
    client.start(specFixture(), 'cpu');
    client.pause();
    client.resume();
    expect(workers[0]?.sent.slice(1)).toEqual([{ kind: 'pause' }, { kind: 'resume' }]);
  });

  it('terminates a worker that does not confirm Stop within the grace time, keeping what it sent', () => {
    const { client, workers, applied, events, clock } = setup();
    client.start(specFixture(), 'cpu');
    const worker = workers[0] as FakeWorker;
    worker.emit(paused(false));
    client.stop();
    expect(worker.sent.at(-1)).toEqual({ kind: 'stop' });
    clock.advance(STOP_GRACE_MS - 1);
    expect(worker.terminated).toBe(false);
    clock.advance(1);
    expect(worker.terminated).toBe(true);
    expect(applied).toEqual([[paused(false)]]);
    expect(events.at(-1)).toContain(`did not stop within ${STOP_GRACE_MS} ms`);
  });

  it('does not terminate a worker whose run ended in time', () => {
    const { client, workers, events, clock, setPhase } = setup();
    client.start(specFixture(), 'cpu');
    client.stop();
    setPhase('cancelled');
    clock.advance(STOP_GRACE_MS);
    expect(workers[0]?.terminated).toBe(false);
    expect(events.some((e) => e.startsWith('terminated'))).toBe(false);
  });

  it('reports a crash with the reason after applying what came before', () => {
    const { client, workers, applied, events } = setup();
    client.start(specFixture(), 'cpu');
    const worker = workers[0] as FakeWorker;
    worker.emit(paused(true));
    worker.onerror?.({ message: 'boom', preventDefault: () => {} } as ErrorEvent);
    expect(applied).toEqual([[paused(true)]]);
    expect(events.at(-1)).toBe('fail The training worker crashed: boom');
    expect(worker.terminated).toBe(true);
  });
});

describe('the watchdog', () => {
  const timings: WatchdogTimings = {
    pingIntervalMs: 1_000,
    silenceLimitMs: 10_000,
    longestSilenceFactor: 4,
  };
  const failures = (events: string[]) => events.filter((e) => e.startsWith('fail'));

  it('pings the worker and keeps one that answers, however long the run', () => {
    const { client, workers, events, clock } = setup({ timings });
    client.start(specFixture(), 'cpu');
    const worker = workers[0] as FakeWorker;
    for (let second = 0; second < 60; second++) {
      clock.advance(1_000);
      expect(worker.sent.at(-1)).toEqual({ kind: 'ping' });
      worker.emit({ kind: 'alive' });
    }
    expect(failures(events)).toEqual([]);
    expect(worker.terminated).toBe(false);
  });

  it('gives up a silent worker at the limit, keeping what it sent, and never forwards pings', () => {
    const { client, workers, applied, events, clock } = setup({ timings });
    client.start(specFixture(), 'cpu');
    const worker = workers[0] as FakeWorker;
    worker.emit(paused(false));
    worker.emit({ kind: 'alive' });
    clock.run(9_000);
    expect(worker.terminated).toBe(false);
    clock.run(1_000);
    expect(worker.terminated).toBe(true);
    expect(applied).toEqual([[paused(false)]]);
    expect(failures(events)).toEqual([
      'fail The training worker stopped answering (nothing for 10 s, hung or out of memory), so it was stopped.',
    ]);
  });

  it('waits longer once one step was long: the limit grows with the longest silence seen', () => {
    const { client, workers, events, clock } = setup({ timings });
    client.start(specFixture(), 'cpu');
    const worker = workers[0] as FakeWorker;
    clock.run(8_000); // one long step (shaders compiling), then an answer
    worker.emit({ kind: 'alive' });
    clock.run(31_000);
    expect(failures(events)).toEqual([]);
    clock.run(1_000);
    expect(failures(events)).toHaveLength(1);
    expect(worker.terminated).toBe(true);
  });

  it('does not count the time the page slept (a laptop lid closed) as the worker’s silence', () => {
    const { client, workers, events, clock } = setup({ timings });
    client.start(specFixture(), 'cpu');
    const worker = workers[0] as FakeWorker;
    clock.advance(600_000); // one late tick: the page was not running either
    expect(failures(events)).toEqual([]);
    expect(worker.sent.at(-1)).toEqual({ kind: 'ping' });
    worker.emit({ kind: 'alive' });
    clock.run(30_000);
    expect(failures(events)).toEqual([]);
  });

  it('reports at once a worker that ended without a word, once its life lock comes free', async () => {
    const lifeLocks = new FakeLifeLocks();
    const { client, workers, applied, events } = setup({ timings, lifeLocks });
    client.start(specFixture(), 'cpu');
    const worker = workers[0] as FakeWorker;
    const start = worker.sent[0] as Extract<WorkerCommand, { kind: 'start' }>;
    expect(start.lifeLock).toMatch(/^emc-lab-worker-/);
    worker.emit(paused(false));
    worker.emit({ kind: 'life-lock-held' });
    lifeLocks.waiting.get(start.lifeLock ?? '')?.free();
    await settle();
    expect(applied).toEqual([[paused(false)]]);
    expect(failures(events)).toEqual([
      'fail The training worker ended without reporting an error (closed, or stopped by the browser, e.g. for lack of memory).',
    ]);
    expect(worker.terminated).toBe(true);
  });

  it('does not watch a worker it let go: a finished run stops the watch and the pings', async () => {
    const lifeLocks = new FakeLifeLocks();
    const { client, workers, events, clock } = setup({ timings, lifeLocks });
    client.start(specFixture(), 'cpu');
    const worker = workers[0] as FakeWorker;
    worker.emit({ kind: 'life-lock-held' });
    worker.emit({ kind: 'fatal', message: 'no backend' });
    const watch = [...lifeLocks.waiting.values()][0];
    expect(watch?.signal.aborted).toBe(true);
    watch?.free();
    await settle();
    clock.run(60_000);
    expect(failures(events)).toEqual([]);
    expect(worker.sent.filter((c) => c.kind === 'ping')).toEqual([]);
  });
});
