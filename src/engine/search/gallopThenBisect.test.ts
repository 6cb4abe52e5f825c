import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { type FitOracle, gallopThenBisect, parallelGallopThenBisect } from './gallopThenBisect.ts';

/** A model that fits every N up to `threshold` and nothing above: the ideal, monotone case. */
function threshold(t: number): FitOracle & { calls: number[] } {
  const calls: number[] = [];
  const oracle = async (n: number) => {
    calls.push(n);
    return n <= t;
  };
  return Object.assign(oracle, { calls });
}

/** The paper's procedure: grow N by a fixed step until it fails. Its probe count, for comparison. */
function fixedStepProbes(t: number, step: number): number {
  return Math.floor(t / step) + 1;
}

describe('gallopThenBisect', () => {
  it.each([
    [100, 10],
    [100, 100],
    [100, 1000],
    [1, 50],
    [37, 1],
    [999, 999],
  ])('finds a monotone threshold of %i exactly from a start of %i', async (t, start) => {
    const oracle = threshold(t);
    const outcome = await gallopThenBisect(oracle, { start, max: 1000, precision: 0 });
    expect(outcome.emc).toBe(t);
    expect(outcome.bracket).toEqual([t, t + 1]);
    expect(outcome.censored).toBe(false);
    expect(outcome.probes).toBe(oracle.calls.length);
  });

  it('needs about 2·log2 probes, far fewer than growing N in fixed steps', async () => {
    const oracle = threshold(300);
    const outcome = await gallopThenBisect(oracle, { start: 10, max: 10_000, precision: 0 });
    // Gallop 10→20→40→80→160→320 (6 probes), then bisect a bracket of 160 (≤ 8 probes).
    expect(outcome.probes).toBeLessThanOrEqual(14);
    expect(outcome.probes * 3).toBeLessThan(fixedStepProbes(300, 5));
  });

  it('stops bisecting once the bracket is within the relative precision', async () => {
    const exact = await gallopThenBisect(threshold(1000), { start: 64, max: 5000, precision: 0 });
    const coarse = await gallopThenBisect(threshold(1000), {
      start: 64,
      max: 5000,
      precision: 0.02,
    });
    expect(coarse.probes).toBeLessThan(exact.probes);
    const [lo, hi] = coarse.bracket as [number, number];
    expect(lo).toBeLessThanOrEqual(1000);
    expect(hi).toBeGreaterThan(1000);
    expect(hi - lo).toBeLessThanOrEqual(Math.max(1, Math.floor(0.02 * lo)));
  });

  it('warm-started at the answer, needs only the probes that confirm it', async () => {
    const outcome = await gallopThenBisect(threshold(50), { start: 50, max: 1000, precision: 0 });
    // 50 fits, 100 fails, then bisect [50, 100] to [50, 51].
    expect(outcome.emc).toBe(50);
    expect(outcome.probes).toBeLessThanOrEqual(8);
  });

  it('reports a censored lower bound when even the whole pool fits', async () => {
    const always = threshold(Number.POSITIVE_INFINITY);
    const outcome = await gallopThenBisect(always, { start: 3, max: 200, precision: 0 });
    expect(outcome).toMatchObject({ emc: 200, bracket: [200, null], censored: true });
    expect(always.calls).toEqual([3, 6, 12, 24, 48, 96, 192, 200]);
  });

  it('reports EMC 0 when not even one sample fits', async () => {
    const never = threshold(0);
    const outcome = await gallopThenBisect(never, { start: 40, max: 200, precision: 0.02 });
    expect(outcome).toMatchObject({ emc: 0, bracket: [0, 1], censored: false });
    expect(never.calls).toEqual([40, 20, 10, 5, 2, 1]);
  });

  it('clamps a start beyond the pool to the pool size', async () => {
    const oracle = threshold(10);
    await gallopThenBisect(oracle, { start: 5000, max: 100, precision: 0 });
    expect(oracle.calls[0]).toBe(100);
  });

  it('ends near the threshold of a noisy oracle, with a bracket its own probes support', async () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 50; trial++) {
      // Fits with a probability that falls from 1 to 0 across [90, 110].
      const answers = new Map<number, boolean>();
      const noisy: FitOracle = async (n) => {
        const fits = rng.next() < Math.min(1, Math.max(0, (110 - n) / 20));
        answers.set(n, fits);
        return fits;
      };
      const outcome = await gallopThenBisect(noisy, { start: 16, max: 1000, precision: 0 });
      expect(outcome.emc).toBeGreaterThanOrEqual(45); // one unlucky failure halves the gallop at most
      expect(outcome.emc).toBeLessThan(110);
      expect(outcome.probes).toBeLessThanOrEqual(20);
      expect(answers.get(outcome.emc)).toBe(true);
      expect(answers.get(outcome.bracket[1] as number)).toBe(false);
    }
  });
});

describe('parallelGallopThenBisect', () => {
  /** Batched threshold oracle; records each round's N. */
  function batchThreshold(t: number) {
    const rounds: number[][] = [];
    const oracle = async (ns: readonly number[]) => {
      rounds.push([...ns]);
      return ns.map((n) => n <= t);
    };
    return Object.assign(oracle, { rounds });
  }

  it('probes exactly what the sequential search probes when k = 1', async () => {
    for (const [t, start] of [
      [300, 10],
      [7, 500],
      [1000, 1000],
    ] as const) {
      const sequential = threshold(t);
      const single = await gallopThenBisect(sequential, { start, max: 1000, precision: 0.01 });
      const batched = batchThreshold(t);
      const parallel = await parallelGallopThenBisect(batched, {
        start,
        max: 1000,
        precision: 0.01,
        parallel: 1,
      });
      expect(batched.rounds.flat()).toEqual(sequential.calls);
      expect(parallel).toEqual(single);
      expect(parallel.rounds).toBe(parallel.probes);
    }
  });

  it.each([2, 3, 4, 8])(
    'finds every threshold exactly with k = %i, never probing more than k per round',
    async (k) => {
      for (const [t, start] of [
        [100, 10],
        [1, 50],
        [37, 1],
        [999, 999],
        [513, 700],
      ] as const) {
        const oracle = batchThreshold(t);
        const outcome = await parallelGallopThenBisect(oracle, {
          start,
          max: 1000,
          precision: 0,
          parallel: k,
        });
        expect(outcome.emc).toBe(t);
        expect(outcome.bracket).toEqual([t, t + 1]);
        expect(outcome.rounds).toBe(oracle.rounds.length);
        expect(oracle.rounds.every((ns) => ns.length <= k)).toBe(true);
        expect(outcome.probes).toBe(oracle.rounds.flat().length);
      }
    },
  );

  it('closes the bracket in fewer rounds than the sequential search needs probes', async () => {
    const sequential = await gallopThenBisect(threshold(3000), {
      start: 40,
      max: 20_000,
      precision: 0.01,
    });
    const parallel = await parallelGallopThenBisect(batchThreshold(3000), {
      start: 40,
      max: 20_000,
      precision: 0.01,
      parallel: 4,
    });
    expect(parallel.emc).toBeGreaterThanOrEqual(3000 - Math.floor(0.01 * 3000));
    expect(parallel.emc).toBeLessThanOrEqual(3000);
    // 14 sequential probes against 5–6 rounds of four.
    expect(parallel.rounds * 2).toBeLessThanOrEqual(sequential.rounds);
  });

  it('reports a censored lower bound when the pool size fits, and 0 when nothing fits', async () => {
    const censored = await parallelGallopThenBisect(batchThreshold(5000), {
      start: 100,
      max: 1000,
      precision: 0,
      parallel: 4,
    });
    expect(censored).toMatchObject({ emc: 1000, bracket: [1000, null], censored: true });
    const none = await parallelGallopThenBisect(batchThreshold(0), {
      start: 100,
      max: 1000,
      precision: 0,
      parallel: 4,
    });
    expect(none).toMatchObject({ emc: 0, bracket: [0, 1], censored: false });
  });
});
