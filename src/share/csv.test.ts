import { describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../engine/results.ts';
import { pointResult, probeRecord } from '../engine/testFixtures.ts';
import { pointsCsv, probesCsv } from './csv.ts';

const results = {
  points: [
    pointResult({
      model: '=HYPERLINK("x"), "quoted"',
      seeds: [
        {
          seedIndex: 0,
          seed: 1,
          emc: 20,
          bracket: [20, null],
          censored: true,
          probes: 5,
          testAccuracy: null,
        },
      ],
    }),
  ],
  probes: [probeRecord({ n: 20, epochs: 3, steps: 3, finalLoss: Number.NaN, wallMs: 4.6 })],
} as ExperimentResults;

describe('CSV export', () => {
  it('writes one row per point and seed, quoting text and defusing formulas', () => {
    const lines = pointsCsv(results).trim().split('\n');
    expect(lines[0]).toBe(
      'point,width,model,parameters,emc_mean,emc_std,seed,emc,bracket_low,bracket_high,censored,probes,test_accuracy',
    );
    expect(lines[1]).toBe(`0,4,"'=HYPERLINK(""x""), ""quoted""",56,20,0,0,20,20,,true,5,`);
  });

  it('writes one row per probe, leaving unknown numbers empty', () => {
    expect(probesCsv(results).trim().split('\n')[1]).toBe('0,0,20,true,fit,3,3,,1,,5');
  });
});
