import { describe, expect, it } from 'vitest';
import type { LabelGapReport } from '../engine/generalization.ts';
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
      testAccuracy: 0.8,
      generalizationGap: 0.2,
    },
  ],
  correlation: null,
};

describe('the label-gap table', () => {
  it('marks an EMC that is only a lower bound with ≥ and says why under the table', () => {
    const none = { budgetLimited: new Set<number>(), censored: new Set<number>() };
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
    expect(text).toMatch(/^MLP 1×16 relu\s+12730\s+420\.0\s+96\.0\s+324\.0/m);
  });
});
