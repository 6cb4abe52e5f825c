// Fakes for the worker client's and the pool's unit tests: workers and timers the test drives.
import type { ExperimentSpec } from '../engine/index.ts';
import { runExperiment } from '../engine/run.ts';
import type { WorkerCommand, WorkerMessage } from '../worker/protocol.ts';
import type { Clock, WorkerLike } from './workerClient.ts';

/** A worker that records the commands it is sent and posts what the test makes it. */
export class FakeWorker implements WorkerLike {
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
export class ManualClock implements Clock {
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
  /** Advances in steps of `step` ms, so that timers set by timers fire too. */
  run(ms: number, step = 1_000): void {
    for (let done = 0; done < ms; done += step) this.advance(Math.min(step, ms - done));
  }
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

/** Each worker's messages: its shard of the sweep, trained here, as the worker posts them. */
export async function shardMessages(
  spec: ExperimentSpec,
  workers: number,
): Promise<WorkerMessage[][]> {
  return Promise.all(
    Array.from({ length: workers }, async (_, i) => {
      const messages: WorkerMessage[] = [
        {
          kind: 'backend',
          info: { name: 'cpu', floatPrecision: 32, skipped: [], crossOriginIsolated: false },
        },
      ];
      await runExperiment(spec, {
        shard: { index: i + 1, count: workers },
        onEvent: (event) => messages.push({ kind: 'engine', event }),
      });
      return messages;
    }),
  );
}
