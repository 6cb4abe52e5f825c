import { describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../engine/results.ts';
import { pointResult, probeRecord, seedResult } from '../engine/testFixtures.ts';
import { pointsCsv, probesCsv } from './csv.ts';

const results = {
  points: [
    pointResult({
      model: '=HYPERLINK("x"), "quoted"',
      seeds: [seedResult({ bracket: [20, null], censored: true, probes: 5 })],
    }),
    pointResult({
      index: 1,
      width: 8,
      parameterCount: 108,
      emcMean: 45,
      emcStd: 7.07,
      budgetLimited: true,
      generalization: { n: 20, trainAccuracy: 1, testAccuracy: 0.625, fits: true },
      seeds: [
        seedResult({ emc: 40, bracket: [40, 44], probes: 6 }),
        seedResult({ seedIndex: 1, emc: 50, bracket: [50, 52], budgetLimited: true, probes: 7 }),
      ],
    }),
  ],
  probes: [
    probeRecord({ n: 20, epochs: 3, steps: 3, finalLoss: Number.NaN, wallMs: 4.6 }),
    probeRecord({
      n: 22,
      fits: false,
      epochs: 400,
      steps: 400,
      gradNorm: 0.004,
      initialGradNorm: 0.8,
      hessianMin: -0.001,
      hessianMax: 3.5,
      extensions: 2,
    }),
    probeRecord({
      pointIndex: 1,
      seedIndex: 1,
      n: 52,
      fits: false,
      stopReason: 'budget',
      converged: false,
      epochs: 250,
      steps: 4000,
      gradNorm: 0.2,
      hessianMin: null,
      hessianMax: null,
      extensions: 3,
    }),
  ],
} as ExperimentResults;

describe('CSV export', () => {
  it('writes one row per point and seed, quoting text and defusing formulas', () => {
    const lines = pointsCsv(results).trim().split('\n');
    expect(lines[0]).toBe(
      'point,width,model,parameters,emc_mean,emc_std,seed,emc,bracket_low,bracket_high,censored,probes,test_accuracy,budget_limited,point_budget_limited,gen_n,gen_train_accuracy,gen_test_accuracy,verified,overturned,point_verified',
    );
    expect(lines[1]).toBe(
      `0,4,"'=HYPERLINK(""x""), ""quoted""",56,20,0,0,20,20,,true,5,,false,false,,,,true,0,true`,
    );
  });

  it('flags budget-limited seeds, and their point, in columns of their own', () => {
    const lines = pointsCsv(results).trim().split('\n');
    expect(lines[2]).toMatch(/^1,8,MLP 1×4 relu,108,45,7.07,0,40,40,44,false,6,,false,true,/);
    expect(lines[3]).toMatch(/^1,8,MLP 1×4 relu,108,45,7.07,1,50,50,52,false,7,,true,true,/);
  });

  it("writes the point's generalization at the shared N on each of its rows, compared across widths", () => {
    const lines = pointsCsv(results).trim().split('\n');
    expect(lines[1]).toMatch(/,,,,true,0,true$/);
    expect(lines[2]).toMatch(/,20,1,0\.625,true,0,true$/);
    expect(lines[3]).toMatch(/,20,1,0\.625,true,0,true$/);
  });

  it('writes one row per probe with its convergence check, leaving unknown numbers empty', () => {
    const lines = probesCsv(results).trim().split('\n');
    expect(lines[0]).toBe(
      'point,seed,n,fits,stop_reason,epochs,steps,final_loss,final_accuracy,test_accuracy,wall_ms,converged,grad_norm,initial_grad_norm,stall_grad_norm,hessian_min,hessian_max,saddle,extensions,verification,saddle_escapes',
    );
    expect(lines[1]).toBe('0,0,20,true,fit,3,3,,1,,5,false,0.05,1,,,,false,0,false,0');
    expect(lines[2]).toBe(
      '0,0,22,false,converged,400,400,0.1,0.9,,100,true,0.004,0.8,0.001,-0.001,3.5,false,2,false,0',
    );
    expect(lines[3]).toBe(
      '1,1,52,false,budget,250,4000,0.1,0.9,,100,false,0.2,1,0.001,,,false,3,false,0',
    );
  });

  it('adds verification at the end of each row, after the columns that were there before', () => {
    const checked = {
      points: [
        pointResult({
          verified: false,
          seeds: [
            seedResult({ verified: true, overturned: 2 }),
            seedResult({ seedIndex: 1, verified: false, overturned: 0 }),
          ],
        }),
      ],
      probes: [probeRecord({ n: 22, verification: true, saddleEscapes: 3 })],
    } as ExperimentResults;
    const [header, first, second] = pointsCsv(checked).trim().split('\n');
    const columns = (header ?? '').split(',');
    expect(columns.slice(0, 18)).toEqual(
      (pointsCsv(results).split('\n')[0] ?? '').split(',').slice(0, 18),
    );
    expect(columns.slice(18)).toEqual(['verified', 'overturned', 'point_verified']);
    expect(first).toMatch(/,true,2,false$/);
    expect(second).toMatch(/,false,0,false$/);
    const probes = probesCsv(checked).trim().split('\n');
    expect(probes[0]).toMatch(/,extensions,verification,saddle_escapes$/);
    expect(probes[1]).toMatch(/,false,0,true,3$/);
  });
});
