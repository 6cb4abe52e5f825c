import { describe, expect, it } from 'vitest';
import { EXPECTED_DIRECTION, type LabelGapReport } from '../engine/generalization.ts';
import { formatLabelGap } from './labelGapTable.ts';

const report: LabelGapReport = {
  rows: [
    {
      width: 16,
      parameterCount: 12730,
      model: 'MLP 1×16 relu',
      emcTrue: 420,
      emcRandom: 96,
      emcGap: 324,
      trainAccuracy: 1,
      testAccuracy: 0.8,
      generalizationGap: 0.2,
      excluded: null,
    },
  ],
  sharedN: 120,
  correlation: null,
  correlatedRows: 1,
  leftOut: [],
  expectedDirection: EXPECTED_DIRECTION,
  agreement: 'too few points',
};

const none = { budgetLimited: new Set<number>(), censored: new Set<number>() };

describe('the label-gap table', () => {
  it('marks an EMC that is only a lower bound with ≥ and says why under the table', () => {
    const text = formatLabelGap(report, {
      true: none,
      random: { budgetLimited: new Set([16]), censored: new Set<number>() },
    });
    expect(text).toMatch(/^MLP 1×16 relu\s+12730\s+420\.0\s+≥ 96\.0\s+324\.0/m);
    expect(text).toContain('≥ budget-limited: a lower bound; raise train.maxSteps');
    expect(text).not.toContain('censored');
  });

  it('adds no marks or notes when every EMC was measured', () => {
    const text = formatLabelGap(report);
    expect(text).not.toContain('≥');
    expect(text).toMatch(/^MLP 1×16 relu\s+12730\s+420\.0\s+96\.0\s+324\.0\s+100\.0%\s+80\.0%/m);
    expect(text).not.toContain('left out of r:');
  });

  it('names the shared N and the expected direction, and claims no agreement without r', () => {
    const text = formatLabelGap(report);
    expect(text).toContain('Generalization measured at N = 120, shared by every width');
    expect(text).toContain(`expected: ${EXPECTED_DIRECTION}`);
    expect(text).toContain('needs at least 3 sweep points');
    expect(text).toMatch(/^agreement: Too few points/m);
    expect(text).not.toMatch(/agrees/);
  });

  it('says whether a measured r agrees with the paper', () => {
    expect(formatLabelGap({ ...report, correlation: -0.8123, agreement: 'agrees' })).toMatch(
      /r = -0\.812 \(1 points\)\.\nexpected: .*\nagreement: r < 0: agrees with the paper/,
    );
    expect(
      formatLabelGap({ ...report, correlation: 0.4, agreement: 'does not agree at this scale' }),
    ).toContain('agreement: r ≥ 0: does not agree with the paper at this scale');
  });

  it('marks a row left out of r and says why under the table', () => {
    const [row] = report.rows;
    if (!row) throw new Error('the fixture has a row');
    const text = formatLabelGap({
      ...report,
      rows: [{ ...row, excluded: 'censored' }],
      correlatedRows: 0,
      leftOut: [
        {
          width: 16,
          model: 'MLP 1×16 relu',
          reason: 'censored',
          explanation:
            'EMC(true) is censored: every N up to the pool fitted, so only a lower bound',
        },
      ],
    });
    expect(text).toMatch(/^MLP 1×16 relu.*\s+no\*$/m);
    expect(text).toContain('* MLP 1×16 relu left out of r: EMC(true) is censored');
  });

  it('says when a results file predates the shared-N measurement', () => {
    expect(formatLabelGap({ ...report, sharedN: null })).toContain(
      'Generalization was not measured at a shared N',
    );
  });
});
