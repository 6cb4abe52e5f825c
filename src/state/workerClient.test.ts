import { describe, expect, it } from 'vitest';
import { specFixture } from '../engine/testFixtures.ts';
import type { WorkerCommand, WorkerMessage } from '../worker/protocol.ts';
import {
  type Clock,
  FLUSH_INTERVAL_MS,
  type RunSink,
  STOP_GRACE_MS,
  TrainingWorkerClient,
  type WorkerLike,
} from './workerClient.ts';

class FakeWorker implements WorkerLike {
  onmessage: WorkerLike['onmessage'] = null;
  onmessageerror: WorkerLike['onmessageerror'] = null;
  onerror: WorkerLike['onerror'] = null;
  sent: WorkerCommand[] = [];
  terminated = false;
  postMessage(command: WorkerCommand): void {
    this.sent.push(command);
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(message: WorkerMessage): void {
    this.onmessage?.({ data: message } as MessageEvent<WorkerMessage>);
  }
}

/** Timers that fire only when the test advances time. */
class ManualClock implements Clock {
  private time = 0;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id as unknown as ReturnType<typeof setTimeout>;
  };
  clearTimeout = (timer: ReturnType<typeof setTimeout> | undefined) => {
    this.timers.delete(timer as unknown as number);
  };
  advance(ms: number): void {
    this.time += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= this.time) {
        this.timers.delete(id);
        timer.callback();
      }
    }
  }
}

function setup() {
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
