import { describe, expect, it } from 'vitest';
import { type ExperimentResults, parseSpec, resultsDocument } from '../engine/index.ts';
import {
  searchedPoint,
  seedResult,
  specFixture,
  TEST_ENVIRONMENT,
} from '../engine/testFixtures.ts';
import type { PointResult } from '../engine/results.ts';
import {
  judgeBelowParameters,
  judgeClaims,
  judgeGapCorrelation,
  judgeMoreEfficient,
} from './studyVerdict.ts';

/** A finished run whose points have these per-seed EMCs and parameter counts. */
function run(
  points: Array<{ emcs: number[]; parameterCount: number; width?: number } & Partial<PointResult>>,
  spec = specFixture({ search: { seeds: 3 } }),
): ExperimentResults {
  return resultsDocument({
    status: 'complete',
    spec,
    environment: TEST_ENVIRONMENT,
    dataset: 'gaussian',
    startedAt: '',
    finishedAt: null,
    points: points.map(({ emcs, ...rest }, index) => {
      const width = rest.width ?? index + 1;
      return searchedPoint(emcs, { index, width, ...rest }).point;
    }),
    probes: [],
  });
}

/** The point's seed `seedIndex` marked as only a lower bound of the given kind. */
function bounded(
  point: PointResult,
  seedIndex: number,
  kind: 'censored' | 'budgetLimited' | 'unverified',
): PointResult {
  const seeds = point.seeds.map((seed) =>
    seed.seedIndex !== seedIndex
      ? seed
      : seedResult({
          ...seed,
          censored: kind === 'censored',
          budgetLimited: kind === 'budgetLimited',
          verified: false,
        }),
  );
  return { ...point, seeds, verified: false, budgetLimited: kind === 'budgetLimited' };
}

const named = (label: string, results: ExperimentResults) => ({ label, results });

describe('more-efficient: EMC per parameter, pair by (seed, width index)', () => {
  it('reproduces when the better variant fits more per parameter in every pair, with its effect size', () => {
    const cnn = run([{ emcs: [40, 42, 44], parameterCount: 100 }]);
    const mlp = run([{ emcs: [20, 21, 22], parameterCount: 100 }]);
    const verdict = judgeMoreEfficient(named('CNN', cnn), named('MLP', mlp));
    expect(verdict).toMatchObject({ verdict: 'reproduces', pairs: 3, agree: 3, undecided: 0 });
    expect(verdict.effect).toContain('2×');
    expect(verdict.bounds).toEqual([]);
  });

  it('compares per parameter: more samples on twice the parameters is not more efficient', () => {
    const a = run([{ emcs: [30, 30, 30], parameterCount: 200 }]);
    const b = run([{ emcs: [20, 20, 20], parameterCount: 100 }]);
    const verdict = judgeMoreEfficient(named('A', a), named('B', b));
    expect(verdict).toMatchObject({ verdict: 'does not reproduce', agree: 0, disagree: 3 });
  });

  it('compares per trained parameter (a subspace’s d) or per bit (bits × trained parameters)', () => {
    const full = run([{ emcs: [80, 80, 80], parameterCount: 100 }]);
    const subspace = run([{ emcs: [12, 12, 12], parameterCount: 100, dimension: 10 }]);
    // Per weight of the network the subspace fits fewer; per trained parameter, more.
    expect(judgeMoreEfficient(named('d = 10', subspace), named('full', full))).toMatchObject({
      verdict: 'does not reproduce',
    });
    const perTrained = judgeMoreEfficient(
      named('d = 10', subspace),
      named('full', full),
      'trained-parameter',
    );
    expect(perTrained).toMatchObject({ verdict: 'reproduces', agree: 3 });
    expect(perTrained.statement).toBe(
      'more samples per trained parameter with d = 10 than with full',
    );
    expect(perTrained.effect).toContain('1.5×');
    // 4 bits keep 40 of float32's 80: half the EMC on an eighth of the bits, 4× per bit.
    const fourBits = run(
      [{ emcs: [40, 40, 40], parameterCount: 100 }],
      specFixture({
        search: { seeds: 3 },
        model: { family: 'mlp', depth: 0, precision: { bits: 4 } },
      }),
    );
    const perBit = judgeMoreEfficient(named('4 bits', fourBits), named('full', full), 'bit');
    expect(perBit).toMatchObject({ verdict: 'reproduces', agree: 3 });
    expect(perBit.effect).toContain('4×');
    expect(
      judgeClaims(
        [{ kind: 'more-efficient', better: '4 bits', worse: 'full', per: 'bit' }],
        new Map([
          ['4 bits', fourBits],
          ['full', full],
        ]),
      )[0],
    ).toMatchObject({ verdict: 'reproduces', claim: { per: 'bit' } });
  });

  it('does not reproduce when, every pair measured, the claim holds in only half of them', () => {
    const a = run([
      { emcs: [30, 10, 30], parameterCount: 100 },
      { emcs: [10, 30, 10], parameterCount: 100 },
    ]);
    const b = run([
      { emcs: [20, 20, 20], parameterCount: 100 },
      { emcs: [20, 20, 20], parameterCount: 100 },
    ]);
    expect(judgeMoreEfficient(named('A', a), named('B', b))).toMatchObject({
      verdict: 'does not reproduce',
      pairs: 6,
      agree: 3,
      disagree: 3,
    });
  });

  it('is inconclusive when lower bounds leave most pairs open', () => {
    const a = run([{ emcs: [30, 30, 30], parameterCount: 100 }]);
    const base = run([{ emcs: [20, 20, 20], parameterCount: 100 }]);
    const open = bounded(bounded(base.points[0] as PointResult, 0, 'censored'), 1, 'censored');
    const verdict = judgeMoreEfficient(named('A', a), named('B', { ...base, points: [open] }));
    expect(verdict).toMatchObject({ verdict: 'inconclusive', agree: 1, undecided: 2 });
    expect(verdict.reason).toContain('2 left open by lower bounds');
    expect(verdict.bounds.map((b) => [b.seedIndex, b.decides])).toEqual([
      [0, false],
      [1, false],
    ]);
  });

  it('is inconclusive with fewer than 3 pairs, whatever they say', () => {
    const a = run([{ emcs: [40, 40], parameterCount: 100 }]);
    const b = run([{ emcs: [20, 20], parameterCount: 100 }]);
    const verdict = judgeMoreEfficient(named('A', a), named('B', b));
    expect(verdict).toMatchObject({ verdict: 'inconclusive', agree: 2, pairs: 2 });
    expect(verdict.reason).toContain('at least 3');
  });

  it('counts a lower bound on the better side that already exceeds the other, and names it', () => {
    const base = run([{ emcs: [40, 40, 40], parameterCount: 100 }]);
    const point = bounded(base.points[0] as PointResult, 1, 'censored');
    const a = { ...base, points: [point] };
    const b = run([{ emcs: [20, 20, 20], parameterCount: 100 }]);
    const verdict = judgeMoreEfficient(named('A', a), named('B', b));
    expect(verdict).toMatchObject({ verdict: 'reproduces', agree: 3, undecided: 0 });
    expect(verdict.bounds).toEqual([
      expect.objectContaining({
        variant: 'A',
        seedIndex: 1,
        emc: 40,
        kind: 'censored',
        decides: true,
      }),
    ]);
    // The effect size rests on the pairs measured exactly on both sides only.
    expect(verdict.effect).toContain('2 pairs');
  });

  it('leaves a pair open when the bound is below the other side, and names the point', () => {
    const a = run([{ emcs: [40, 40, 40], parameterCount: 100 }]);
    const base = run([{ emcs: [20, 20, 20], parameterCount: 100 }]);
    const b = { ...base, points: [bounded(base.points[0] as PointResult, 0, 'budgetLimited')] };
    const verdict = judgeMoreEfficient(named('A', a), named('B', b));
    expect(verdict).toMatchObject({ agree: 2, undecided: 1, verdict: 'inconclusive' });
    expect(verdict.bounds).toEqual([
      expect.objectContaining({
        variant: 'B',
        seedIndex: 0,
        kind: 'budget-limited',
        decides: false,
      }),
    ]);
  });

  it('treats an unverified EMC as a lower bound: on the worse side at or above the better one it decides against', () => {
    const a = run([{ emcs: [20, 20, 20], parameterCount: 100 }]);
    const base = run([{ emcs: [25, 25, 25], parameterCount: 100 }]);
    const b = { ...base, points: [bounded(base.points[0] as PointResult, 2, 'unverified')] };
    const verdict = judgeMoreEfficient(named('A', a), named('B', b));
    expect(verdict).toMatchObject({ verdict: 'does not reproduce', disagree: 3 });
    expect(verdict.bounds).toEqual([
      expect.objectContaining({ seedIndex: 2, kind: 'unverified', decides: true }),
    ]);
  });

  it('pairs the i-th widths of two families, matched by parameter count, not equal widths', () => {
    const cnn = run([{ emcs: [50, 50, 50], parameterCount: 1000, width: 1 }]);
    const mlp = run([{ emcs: [20, 20, 20], parameterCount: 1000, width: 2 }]);
    expect(judgeMoreEfficient(named('CNN', cnn), named('MLP', mlp)).pairs).toBe(3);
  });
});

describe('below-parameters (finding 1)', () => {
  it('reproduces when every seed fits fewer samples than its parameters', () => {
    const runs = new Map([['MLP', run([{ emcs: [40, 42, 45], parameterCount: 1000 }])]]);
    const verdict = judgeBelowParameters(runs);
    expect(verdict).toMatchObject({ verdict: 'reproduces', agree: 3, pairs: 3 });
    expect(verdict.effect).toContain('0.042');
  });

  it('does not reproduce when the EMCs reach the parameter count', () => {
    const runs = new Map([['MLP', run([{ emcs: [120, 130, 125], parameterCount: 100 }])]]);
    expect(judgeBelowParameters(runs)).toMatchObject({
      verdict: 'does not reproduce',
      disagree: 3,
    });
  });

  it('counts a lower bound at or above the parameters against the claim, one below it as open', () => {
    const base = run([
      { emcs: [40, 40, 40], parameterCount: 100 },
      { emcs: [40, 40, 40], parameterCount: 100 },
    ]);
    const above = bounded({ ...(base.points[0] as PointResult) }, 0, 'censored');
    above.seeds = above.seeds.map((s) => (s.seedIndex === 0 ? { ...s, emc: 150 } : s));
    const below = bounded(base.points[1] as PointResult, 1, 'budgetLimited');
    const runs = new Map([['MLP', { ...base, points: [above, below] }]]);
    const verdict = judgeBelowParameters(runs);
    expect(verdict).toMatchObject({ pairs: 6, agree: 4, disagree: 1, undecided: 1 });
    expect(verdict.bounds.map((b) => [b.emc, b.kind, b.decides])).toEqual([
      [150, 'censored', true],
      [40, 'budget-limited', false],
    ]);
  });
});

describe('gap-predicts-generalization (finding 4)', () => {
  const spec = (labels: 'true' | 'random') =>
    parseSpec({
      version: 3,
      seed: 1,
      data: {
        source: 'gaussian',
        inputShape: [4],
        classes: 2,
        labels,
        poolSize: 200,
        testSize: 50,
      },
      model: { family: 'mlp', depth: 1 },
      sweep: { widths: [1, 2, 3, 4, 5] },
      train: { optimizer: 'adam', learningRate: 0.01, batchSize: 4 },
      search: { precision: 0.1, seeds: 3, warmStart: false },
    });
  /** Five models whose EMC gap grows while their generalization gap shrinks (or grows). */
  function pair(direction: 1 | -1) {
    const widths = [1, 2, 3, 4, 5];
    const trueRun = run(
      widths.map((width) => ({
        width,
        emcs: [20 + 10 * width, 20 + 10 * width, 20 + 10 * width],
        parameterCount: 100 * width,
        generalization: {
          n: 20,
          trainAccuracy: 1,
          testAccuracy: direction === 1 ? 0.5 + 0.08 * width : 0.95 - 0.08 * width,
          fits: true,
        },
      })),
      spec('true'),
    );
    const randomRun = run(
      widths.map((width) => ({ width, emcs: [20, 20, 20], parameterCount: 100 * width })),
      spec('random'),
    );
    return [named('true labels', trueRun), named('random labels', randomRun)] as const;
  }

  it("reproduces at r below the paper's −0.8, with r and the pair count reported", () => {
    const verdict = judgeGapCorrelation(...pair(1));
    expect(verdict.verdict).toBe('reproduces');
    expect(verdict.correlation?.r).toBeCloseTo(-1, 5);
    expect(verdict.correlation?.rows).toBe(5);
    expect(verdict).toMatchObject({ agree: 15, pairs: 15 });
    expect(verdict.effect).toContain('r = -1.00 (paper: r < -0.8)');
  });

  it('does not reproduce at a positive r', () => {
    expect(judgeGapCorrelation(...pair(-1)).verdict).toBe('does not reproduce');
  });

  it('leaves a model with a lower-bound EMC out of r, names it, and needs 5 models in r', () => {
    const [trueRun, randomRun] = pair(1);
    const points = trueRun.results.points.map((p, i) => (i === 0 ? bounded(p, 0, 'censored') : p));
    const verdict = judgeGapCorrelation(
      { ...trueRun, results: { ...trueRun.results, points } },
      randomRun,
    );
    expect(verdict.verdict).toBe('inconclusive');
    expect(verdict.correlation?.rows).toBe(4);
    expect(verdict.correlation?.leftOut.map((row) => row.reason)).toEqual(['censored']);
    expect(verdict.bounds).toEqual([expect.objectContaining({ width: 1, kind: 'censored' })]);
  });

  it('is inconclusive, saying why, when the runs differ in more than their labels', () => {
    const [trueRun, randomRun] = pair(1);
    const other = { ...randomRun.results, spec: { ...randomRun.results.spec, seed: 9 } };
    const verdict = judgeGapCorrelation(trueRun, { ...randomRun, results: other });
    expect(verdict.verdict).toBe('inconclusive');
    expect(verdict.reason).toContain('seed');
  });
});

describe('judgeClaims', () => {
  it('refuses a claim naming a variant the study does not have', () => {
    expect(() =>
      judgeClaims([{ kind: 'more-efficient', better: 'CNN', worse: 'MLP' }], new Map()),
    ).toThrow('no variant "CNN"');
  });
});
