import { describe, expect, it } from 'vitest';
import type { WorkerLike } from './workerClient.ts';
import { WorkerSupply } from './workerSupply.ts';

interface FakeWorker extends WorkerLike {
  id: number;
  terminated: boolean;
}

function factory() {
  const made: FakeWorker[] = [];
  const create = (): FakeWorker => {
    const worker: FakeWorker = {
      id: made.length,
      terminated: false,
      onmessage: null,
      onmessageerror: null,
      onerror: null,
      postMessage: () => undefined,
      terminate: () => {
        worker.terminated = true;
      },
    };
    made.push(worker);
    return worker;
  };
  return { made, create };
}

describe('workers started ahead', () => {
  it('hands out the spares it started before making new ones', () => {
    const { made, create } = factory();
    const supply = new WorkerSupply(create);
    supply.prepare(2);
    expect(made).toHaveLength(2);
    expect(supply.take()).toBe(made[0]);
    expect(supply.take()).toBe(made[1]);
    expect(made).toHaveLength(2);
    expect(supply.take()).toBe(made[2]);
    expect(supply.waiting).toBe(0);
  });

  it('tops up to the count asked, never past its limit', () => {
    const { made, create } = factory();
    const supply = new WorkerSupply(create, 3);
    supply.prepare(1);
    supply.prepare(2);
    expect(made).toHaveLength(2);
    supply.prepare(10);
    expect(supply.waiting).toBe(3);
    supply.prepare(1);
    expect(supply.waiting).toBe(3);
  });

  it('drops a spare that failed to load and ends the rest on discard', () => {
    const { made, create } = factory();
    const supply = new WorkerSupply(create);
    supply.prepare(3);
    made[1]?.onerror?.({ preventDefault: () => undefined } as ErrorEvent);
    expect(made[1]?.terminated).toBe(true);
    expect(supply.waiting).toBe(2);
    expect(supply.take()).toBe(made[0]);
    supply.discard();
    expect(made[2]?.terminated).toBe(true);
    expect(supply.waiting).toBe(0);
    expect(supply.take()).toBe(made[3]);
  });
});
