import { describe, expect, it } from 'vitest';
import { pointResult, probeRecord, seedResult } from '../engine/testFixtures.ts';
import { createRng, type Rng } from '../engine/random.ts';
import type { ProbeRecord } from '../engine/results.ts';
import { coverProbability, fitTransition } from './fitTransition.ts';

describe('coverProbability', () => {
  it('is 1 up to D points and 1/2 at N = 2D, as Cover counted', () => {
    expect(coverProbability(3, 3)).toBe(1);
    expect(coverProbability(4, 2)).toBeCloseTo(0.5, 12);
    expect(coverProbability(42, 21)).toBeCloseTo(0.5, 12);
    // C(3, 2) = 2 (1 + 2) = 6 of the 8 labellings of 3 points on a line (through the origin in R^2).
    expect(coverProbability(3, 2)).toBeCloseTo(6 / 8, 12);
  });

  it('falls from 1 to 0 around 2D, and stays finite for thousands of points', () => {
    expect(coverProbability(30, 21)).toBeGreaterThan(0.95);
    expect(coverProbability(60, 21)).toBeLessThan(0.05);
    expect(coverProbability(5000, 101)).toBeGreaterThanOrEqual(0);
    expect(coverProbability(5000, 101)).toBeLessThan(1e-100);
  });
});

describe('fitTransition', () => {
  const probes = [
    probeRecord({ seedIndex: 0, n: 10, fits: true }),
    probeRecord({ seedIndex: 0, n: 20, fits: false, stopReason: 'converged' }),
    probeRecord({ seedIndex: 0, n: 15, fits: true }),
    probeRecord({ seedIndex: 1, n: 10, fits: true }),
    probeRecord({ seedIndex: 1, n: 20, fits: true }),
    probeRecord({ seedIndex: 1, n: 40, fits: false, stopReason: 'budget' }),
    probeRecord({ pointIndex: 1, seedIndex: 0, n: 99, fits: true }),
  ];
  const point = pointResult({
    index: 0,
    seeds: [
      seedResult({ seedIndex: 0, emc: 15, bracket: [15, 20] }),
      seedResult({ seedIndex: 1, emc: 20, bracket: [20, 40] }),
    ],
  });

  it("lists every probe of the point, and only the point's, by N", () => {
    const { rows } = fitTransition(point, probes);
    expect(rows.map((r) => [r.seedIndex, r.n, r.outcome])).toEqual([
      [0, 10, 'fits'],
      [1, 10, 'fits'],
      [0, 15, 'fits'],
      [0, 20, 'no fit'],
      [1, 20, 'fits'],
      [1, 40, 'undecided'],
    ]);
  });

  it('counts the seeds that fit each N, from probes or from their brackets', () => {
    const { fractions, brackets } = fitTransition(point, probes);
    expect(brackets).toEqual([
      { seedIndex: 0, lo: 15, hi: 20 },
      { seedIndex: 1, lo: 20, hi: 40 },
    ]);
    expect(fractions).toEqual([
      { n: 10, known: 2, fitting: 2 },
      // Seed 1 did not probe 15, but fitted 20: it fits 15 as the search assumes.
      { n: 15, known: 2, fitting: 2 },
      { n: 20, known: 2, fitting: 1 },
      // Undecided at the cap for seed 1; seed 0 failed at 20, so fails at 40.
      { n: 40, known: 1, fitting: 0 },
    ]);
  });

  /** Many seeds' probes at random N around their brackets, as a long search would leave. */
  function randomPoint(rng: Rng, seeds: number, probesPerSeed: number) {
    const probes: ProbeRecord[] = [];
    const seedResults = Array.from({ length: seeds }, (_, seedIndex) => {
      const lo = 1 + rng.int(200);
      const hi = rng.next() < 0.2 ? null : lo + 1 + rng.int(20);
      for (let i = 0; i < probesPerSeed; i++) {
        const fits = rng.next() < 0.5;
        probes.push(
          probeRecord({
            seedIndex,
            n: 1 + rng.int(400),
            fits,
            stopReason: fits ? 'fit' : rng.next() < 0.3 ? 'budget' : 'converged',
          }),
        );
      }
      return seedResult({ seedIndex, emc: lo, bracket: [lo, hi] });
    });
    return { point: pointResult({ seeds: seedResults }), probes };
  }

  it('counts what probing every seed at every N would count (each seed looked up at each N)', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 40; trial++) {
      const { point, probes } = randomPoint(rng, 1 + rng.int(6), rng.int(60));
      const { rows, brackets, fractions } = fitTransition(point, probes);
      const expected = [...new Set(rows.map((r) => r.n))].map((n) => {
        let known = 0;
        let fitting = 0;
        for (const { seedIndex, lo, hi } of brackets) {
          const probed = rows.find((r) => r.seedIndex === seedIndex && r.n === n);
          const fits = probed
            ? probed.outcome === 'undecided'
              ? undefined
              : probed.fits
            : n <= lo
              ? true
              : hi !== null && n >= hi
                ? false
                : undefined;
          if (fits !== undefined) known++;
          if (fits) fitting++;
        }
        return { n, known, fitting };
      });
      expect(fractions).toEqual(expected);
    }
  });

  it('takes steps linear in the probes: 20 seeds × 1,000 probes stay within 20 steps a probe', () => {
    const { point, probes } = randomPoint(createRng(4), 20, 1000);
    // Spread N so that most probes have an N of their own, the case a per-N scan of every
    // seed's probes made quadratic (20,000 probes took 35 s).
    const spread = probes.map((p, i) => ({ ...p, n: 1 + ((i * 7919) % 40_000) }));
    const work = { steps: 0 };
    const { fractions } = fitTransition(point, spread, work);
    expect(fractions.length).toBeGreaterThan(10_000);
    expect(work.steps).toBeGreaterThan(spread.length);
    expect(work.steps).toBeLessThan(20 * spread.length);
  });
});
