import { describe, expect, it } from 'vitest';
import {
  directionAgreement,
  EXPECTED_DIRECTION,
  findLabelPair,
  labelGapReport,
  labelPairProblem,
  pearson,
} from './generalization.ts';
import {
  type ExperimentResults,
  type PointResult,
  RESULTS_FORMAT,
  RESULTS_VERSION,
} from './results.ts';
import { parseSpec } from './experiment/index.ts';
import { pointResult, seedResult } from './testFixtures.ts';

const spec = (labels: 'true' | 'random', overrides: Record<string, unknown> = {}) =>
  parseSpec({
    version: 3,
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

/**
 * A finished run whose points have these EMCs and (per point) test accuracies at the
 * shared N (the smallest EMC, as the engine measures them), train accuracy 1 there.
 */
function run(
  labels: 'true' | 'random',
  emcs: number[],
  accuracies: Array<number | null> = emcs.map(() => null),
  overrides: Record<string, unknown> = {},
): ExperimentResults {
  const sharedN = Math.min(...emcs);
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
        width: 2 ** (index + 1),
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
            verified: true,
            overturned: 0,
            probes: 5,
            // At each point's own EMC: the confounded accuracy the report must not use.
            testAccuracy: 0.5,
          },
        ],
        generalization: measuredAt(sharedN, accuracies[index] ?? null),
      }),
    ),
    probes: [],
  };
}

function measuredAt(n: number, testAccuracy: number | null): PointResult['generalization'] {
  return testAccuracy === null ? null : { n, trainAccuracy: 1, testAccuracy, fits: true };
}

/** The run with point `index` changed. */
function withPoint(
  results: ExperimentResults,
  index: number,
  change: (point: PointResult) => Partial<PointResult>,
): ExperimentResults {
  const points = results.points.map((p, i) => (i === index ? { ...p, ...change(p) } : p));
  return { ...results, points };
}

describe('label gap and generalization (finding 4)', () => {
  it('computes Pearson r, and refuses to for fewer than 3 points or a constant series', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 10);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 10);
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 10);
    expect(pearson([1, 2], [1, 2])).toBeNull();
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNull();
  });

  it('pairs points by width: EMC gap beside the generalization gap at the shared N, and their correlation', () => {
    const report = labelGapReport(
      run('true', [100, 200, 400], [0.7, 0.8, 0.85]),
      run('random', [20, 30, 50]),
    );
    expect(report.sharedN).toBe(100);
    expect(report.rows.map((r) => r.emcGap)).toEqual([80, 170, 350]);
    expect(report.rows.map((r) => r.testAccuracy)).toEqual([0.7, 0.8, 0.85]);
    expect(report.rows.map((r) => r.generalizationGap)).toEqual([
      expect.closeTo(0.3, 10),
      expect.closeTo(0.2, 10),
      expect.closeTo(0.15, 10),
    ]);
    expect(report.rows.every((r) => r.excluded === null)).toBe(true);
    expect(report.correlation).toBeLessThan(-0.9);
    expect(report.correlatedRows).toBe(3);
    expect(report.leftOut).toEqual([]);
  });

  it('takes the generalization gap as train accuracy − test accuracy at the shared N', () => {
    const truth = withPoint(run('true', [100, 200, 400], [0.7, 0.8, 0.85]), 1, () => ({
      generalization: { n: 100, trainAccuracy: 0.98, testAccuracy: 0.8, fits: false },
    }));
    const row = labelGapReport(truth, run('random', [20, 30, 50])).rows[1];
    expect(row?.trainAccuracy).toBe(0.98);
    expect(row?.generalizationGap).toBeCloseTo(0.18, 10);
  });

  it('keeps budget-limited and censored rows in the table but out of r, and says why', () => {
    const truth = withPoint(
      run('true', [100, 200, 400, 800, 900], [0.7, 0.8, 0.85, 0.5, 0.6]),
      4,
      (p) => ({ seeds: [seedResult({ ...p.seeds[0], bracket: [900, null], censored: true })] }),
    );
    const random = withPoint(run('random', [20, 30, 50, 60, 70]), 3, (p) => ({
      budgetLimited: true,
      seeds: p.seeds.map((s) => ({ ...s, budgetLimited: true })),
    }));
    const report = labelGapReport(truth, random);
    expect(report.rows).toHaveLength(5);
    expect(report.rows.map((r) => r.excluded)).toEqual([
      null,
      null,
      null,
      'budget-limited',
      'censored',
    ]);
    // Still shown with their EMCs.
    expect(report.rows[3]).toMatchObject({ emcTrue: 800, emcRandom: 60 });
    expect(report.rows[4]).toMatchObject({ emcTrue: 900, emcRandom: 70 });
    expect(report.leftOut).toEqual([
      {
        width: 16,
        model: expect.any(String),
        reason: 'budget-limited',
        explanation: expect.stringMatching(/^EMC\(random\) is budget-limited/),
      },
      {
        width: 32,
        model: expect.any(String),
        reason: 'censored',
        explanation: expect.stringMatching(/^EMC\(true\) is censored/),
      },
    ]);
    // r over the three measured rows alone: the two outliers would have turned it positive.
    expect(report.correlatedRows).toBe(3);
    expect(report.correlation).toBeCloseTo(pearson([80, 170, 350], [0.3, 0.2, 0.15]) as number, 10);
    expect(report.agreement).toBe('agrees');
  });

  it('gives every reason when one EMC is budget-limited and the other censored', () => {
    const truth = withPoint(run('true', [100, 200, 400], [0.7, 0.8, 0.85]), 2, (p) => ({
      seeds: p.seeds.map((s) => ({ ...s, bracket: [400, null], censored: true })),
    }));
    const random = withPoint(run('random', [20, 30, 50]), 2, (p) => ({
      budgetLimited: true,
      seeds: p.seeds.map((s) => ({ ...s, budgetLimited: true })),
    }));
    const [leftOut] = labelGapReport(truth, random).leftOut;
    expect(leftOut?.reason).toBe('budget-limited');
    expect(leftOut?.explanation).toMatch(
      /^EMC\(random\) is budget-limited: .*; EMC\(true\) is censored: /,
    );
  });

  it('leaves rows without a measurement at the shared N out of r', () => {
    const truth = withPoint(run('true', [100, 200, 400], [0.7, 0.8, 0.85]), 2, () => ({
      generalization: null,
    }));
    const report = labelGapReport(truth, run('random', [20, 30, 50]));
    expect(report.rows[2]).toMatchObject({ excluded: 'not measured', testAccuracy: null });
    expect(report.correlation).toBeNull();
    expect(report.agreement).toBe('too few points');
    expect(report.leftOut.map((r) => r.reason)).toEqual(['not measured']);
  });

  it('reads results from before the shared-N measurement as unmeasured, never as agreeing', () => {
    const report = labelGapReport(run('true', [100, 200, 400]), run('random', [20, 30, 50]));
    expect(report.sharedN).toBeNull();
    expect(report.rows.every((r) => r.excluded === 'not measured')).toBe(true);
    expect(report.rows.every((r) => r.testAccuracy === null)).toBe(true);
    expect(report.correlation).toBeNull();
    expect(report.agreement).toBe('too few points');
  });

  it('refuses to compare rows measured at another N than the shared one', () => {
    const truth = withPoint(run('true', [100, 200, 400], [0.7, 0.8, 0.85]), 2, () => ({
      generalization: { n: 400, trainAccuracy: 1, testAccuracy: 0.9, fits: true },
    }));
    const report = labelGapReport(truth, run('random', [20, 30, 50]));
    expect(report.sharedN).toBe(100);
    expect(report.rows[2]).toMatchObject({ excluded: 'other N', testAccuracy: null });
    expect(report.leftOut[0]?.explanation).toContain('N = 400, not at the shared N = 100');
  });

  it('states the direction the paper found: a larger label gap, a smaller generalization gap', () => {
    const report = labelGapReport(
      run('true', [100, 200, 400], [0.7, 0.8, 0.85]),
      run('random', [20, 30, 50]),
    );
    expect(report.expectedDirection).toBe(EXPECTED_DIRECTION);
    expect(EXPECTED_DIRECTION).toMatch(
      /larger EMC\(true\) − EMC\(random\).*smaller generalization gap.*negative/,
    );
    // Generalization worsening as the label gap grows runs against it.
    const against = labelGapReport(
      run('true', [100, 200, 400], [0.85, 0.8, 0.7]),
      run('random', [20, 30, 50]),
    );
    expect(against.correlation).toBeGreaterThan(0);
    expect(against.agreement).toBe('does not agree at this scale');
  });

  it('words the agreement by the sign of r, and never claims it without an r', () => {
    expect(directionAgreement(-0.4, 5)).toBe('agrees');
    expect(directionAgreement(0.4, 5)).toBe('does not agree at this scale');
    expect(directionAgreement(0, 5)).toBe('does not agree at this scale');
    expect(directionAgreement(null, 2)).toBe('too few points');
    expect(directionAgreement(null, 4)).toBe('no spread');
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
