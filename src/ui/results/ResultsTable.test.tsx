import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { pointResult, seedResult } from '../../engine/testFixtures.ts';
import { PointsTable } from './ResultsTable.tsx';

const measured = pointResult();
const limited = pointResult({
  index: 1,
  width: 8,
  model: 'MLP 1×8 relu',
  parameterCount: 108,
  emcMean: 96,
  budgetLimited: true,
  seeds: [seedResult({ emc: 96, bracket: [96, 102], budgetLimited: true })],
});

describe('the results table', () => {
  it('marks a budget-limited EMC with ≥ and says what it means and what to do', () => {
    const html = renderToStaticMarkup(<PointsTable points={[measured, limited]} />);
    expect(html).toContain('<tr data-budget-limited="true"><th scope="row">MLP 1×8 relu</th>');
    expect(html).toContain('≥ 96');
    expect(html).toContain('title="budget-limited: a lower bound; raise train.maxSteps"');
    expect(html).toContain('<tfoot>');
    expect(html).toContain('1 of 2 points is budget-limited: a lower bound; raise train.maxSteps');
  });

  it('adds no note when every EMC was measured', () => {
    const html = renderToStaticMarkup(<PointsTable points={[measured]} />);
    expect(html).not.toContain('budget-limited');
    expect(html).not.toContain('≥');
  });
});
