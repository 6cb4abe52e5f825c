import { describe, expect, it } from 'vitest';
import { type LockManagerLike, RunLocks } from './runLocks.ts';

/** Exclusive locks shared by the "tabs" of one test, as a browser shares them by origin. */
class MemoryLocks implements LockManagerLike {
  private held = new Set<string>();
  private queues = new Map<string, Array<() => void>>();

  async request(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<unknown> | unknown,
  ): Promise<unknown> {
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      await new Promise<void>((resolve) =>
        this.queues.set(name, [...(this.queues.get(name) ?? []), resolve]),
      );
    }
    this.held.add(name);
    try {
      return await callback({ name });
    } finally {
      this.held.delete(name);
      this.queues.get(name)?.shift()?.();
    }
  }

  async query() {
    return { held: [...this.held].map((name) => ({ name })) };
  }
}

describe('RunLocks', () => {
  it('lets only one tab run a saved run; the other learns it runs elsewhere', async () => {
    const browser = new MemoryLocks();
    const first = new RunLocks(browser);
    const second = new RunLocks(browser);
    expect(await first.hold('run-a')).toBe(true);
    expect(await second.hold('run-a')).toBe(false);
    expect(await second.runningElsewhere()).toEqual(new Set(['run-a']));
    expect(await first.runningElsewhere()).toEqual(new Set());
  });

  it('frees the run for another tab once its tab lets go, and says when', async () => {
    const browser = new MemoryLocks();
    const first = new RunLocks(browser);
    const second = new RunLocks(browser);
    await first.hold('run-a');
    let freed = false;
    const watch = second.whenFree('run-a').then(() => (freed = true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(freed).toBe(false);
    await first.release();
    await watch;
    expect(freed).toBe(true);
    expect(await second.hold('run-a')).toBe(true);
    expect(await first.runningElsewhere()).toEqual(new Set(['run-a']));
  });

  it('holds one run at a time per tab, and may take its own run again at once', async () => {
    const browser = new MemoryLocks();
    const tab = new RunLocks(browser);
    const other = new RunLocks(browser);
    expect(await tab.hold('run-a')).toBe(true);
    expect(await tab.hold('run-a')).toBe(true);
    await tab.release();
    expect(await tab.hold('run-a')).toBe(true);
    expect(await tab.hold('run-b')).toBe(true);
    expect(await other.runningElsewhere()).toEqual(new Set(['run-b']));
  });

  it('never blocks a run where the browser has no Web Locks', async () => {
    const tab = new RunLocks(undefined);
    expect(await tab.hold('run-a')).toBe(true);
    expect(await tab.runningElsewhere()).toEqual(new Set());
  });
});
