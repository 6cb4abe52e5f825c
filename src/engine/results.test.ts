import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findNonMonotone, mean, sampleStd, seedCost } from './results.ts';
import { probeRecord } from './testFixtures.ts';
import { ENGINE_VERSION } from './version.ts';

const probe = (n: number, fits: boolean, seedIndex = 0) => probeRecord({ n, fits, seedIndex });

describe('results helpers', () => {
  it('computes mean and sample standard deviation', () => {
    expect(mean([2, 4, 6])).toBe(4);
    expect(sampleStd([2, 4, 6])).toBe(2);
    expect(sampleStd([5])).toBe(0);
  });

  it('keeps non-monotone outcomes: a larger N that fitted where a smaller one failed', () => {
    const probes = [probe(10, true), probe(20, false), probe(30, true), probe(25, false, 1)];
    expect(findNonMonotone(probes)).toEqual([{ fitted: 30, failed: 20, seedIndex: 0 }]);
    expect(findNonMonotone([probe(10, true), probe(20, false)])).toEqual([]);
  });

  it("sums a seed's search and verification trainings apart, from its probe records", () => {
    const probes = [
      probeRecord({ n: 10, steps: 100, wallMs: 200 }),
      probeRecord({ n: 20, steps: 300, wallMs: 400 }),
      probeRecord({ n: 20, steps: 1500, wallMs: 2500, verification: true }),
      probeRecord({ n: 20, steps: 7, wallMs: 9, seedIndex: 1, verification: true }),
      probeRecord({ n: 20, steps: 7, wallMs: 9, pointIndex: 1, verification: true }),
    ];
    expect(seedCost(probes, 0, 0)).toEqual({
      search: { trainings: 2, steps: 400, seconds: 0.6 },
      verification: { trainings: 1, steps: 1500, seconds: 2.5 },
    });
    expect(seedCost(probes, 2, 0).verification).toEqual({ trainings: 0, steps: 0, seconds: 0 });
  });

  it('records the package version as the engine version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(ENGINE_VERSION).toBe(pkg.version);
  });
});
