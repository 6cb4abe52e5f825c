import { describe, expect, it } from 'vitest';
import { findLabelPair, labelGapReport, labelPairProblem, pearson } from './generalization.ts';
import { type ExperimentResults, RESULTS_FORMAT, RESULTS_VERSION } from './results.ts';
import { parseSpec } from './spec/index.ts';
import { pointResult } from './testFixtures.ts';

const spec = (labels: 'true' | 'random', overrides: Record<string, unknown> = {}) =>
  parseSpec({
    version: 2,
    name: `MNIST ${labels}`,
    seed: 1,
    data: { source: 'mnist', labels, poolSize: 500, testSize: 100, ...overrides },
    model: { family: 'mlp', depth: 1 },
    sweep: { widths: [2, 4, 8] },
    train: {
      optimizer: 'adam',
      learningRate: 0.01,
      batchSize: 32,
      maxSteps: 800,
      patience: 10,
      minDelta: 0.001,
    },
    search: { precision: 0.1, seeds: 1 },
  });

/** A finished run whose points have these EMCs and (per point) test accuracies. */
function run(
  labels: 'true' | 'random',
  emcs: number[],
  accuracies: Array<number | null> = emcs.map(() => null),
  overrides: Record<string, unknown> = {},
): ExperimentResults {
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    status: 'complete',
    spec: spec(labels, overrides),
    environment: {
      backend: 'cpu',
      floatPrecision: 32,
      tfjsVersion: '4.22.0',
      engineVersion: '0',
      platform: 'test',
    },
    dataset: 'MNIST',
    startedAt: '2026-11-23T00:00:00Z',
    finishedAt: '2026-11-23T00:01:00Z',
    points: emcs.map((emc, index) =>
      pointResult({
        index,
        width: [2, 4, 8][index] ?? 16,
        parameterCount: 1000 * (index + 1),
        emcMean: emc,
        seeds: [
          {
            seedIndex: 0,
            seed: 1,
            emc,
            bracket: [emc, emc + 1],
            censored: false,
            budgetLimited: false,
            probes: 5,
            testAccuracy: accuracies[index] ?? null,
          },
        ],
      }),
    ),
    probes: [],
  };
}

describe('label gap and generalization (finding 4)', () => {
  it('computes Pearson r, and refuses to for fewer than 3 points or a constant series', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 10);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 10);
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 10);
    expect(pearson([1, 2], [1, 2])).toBeNull();
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNull();
  });

  it('pairs points by width: EMC gap beside 1 − test accuracy, and their correlation', () => {
    const report = labelGapReport(
      run('true', [100, 200, 400], [0.7, 0.8, 0.85]),
      run('random', [20, 30, 50]),
    );
    expect(report.rows.map((r) => r.emcGap)).toEqual([80, 170, 350]);
    expect(report.rows.map((r) => r.generalizationGap)).toEqual([
      expect.closeTo(0.3, 10),
      expect.closeTo(0.2, 10),
      expect.closeTo(0.15, 10),
    ]);
    expect(report.correlation).toBeLessThan(-0.9);
  });

  it('says why two runs are not a true/random pair', () => {
    const truth = run('true', [1]);
    expect(labelPairProblem(run('random', [1]), run('random', [1]))).toBe(
      'the first run must use true labels',
    );
    expect(labelPairProblem(truth, run('true', [1]))).toBe('the second run must use random labels');
    expect(labelPairProblem(run('true', [1], [], { testSize: 0 }), run('random', [1]))).toMatch(
      /no test split/,
    );
    expect(labelPairProblem(truth, run('random', [1], [], { poolSize: 400 }))).toBe(
      'the runs differ in more than their labels: data.poolSize',
    );
    expect(() => labelGapReport(truth, run('true', [1]))).toThrow(/cannot compare/);
  });

  it('finds the latest true/random pair among finished runs, in either order', () => {
    const [a, b, c] = [
      run('random', [1]),
      run('true', [2]),
      run('true', [3], [], { poolSize: 400 }),
    ];
    expect(findLabelPair([a, b, c])).toEqual({ trueRun: b, randomRun: a });
    expect(findLabelPair([b, c])).toBeUndefined();
  });
});
