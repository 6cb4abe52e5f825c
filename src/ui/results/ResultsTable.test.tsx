import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { pointResult, seedResult } from '../../engine/testFixtures.ts';
import { UNVERIFIED_NOTE } from '../../share/verdicts.ts';
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

  it('marks an unverified EMC with a tag and a foot note that count them', () => {
    const unverified = pointResult({
      index: 2,
      width: 16,
      model: 'MLP 1×16 relu',
      verified: false,
      emcMean: 40,
      seeds: [seedResult({ emc: 40, verified: false })],
    });
    const html = renderToStaticMarkup(<PointsTable points={[measured, unverified]} />);
    expect(html).toContain('data-unverified="true"><th scope="row">MLP 1×16 relu</th>');
    expect(html).toContain('40 (unverified)');
    expect(html).toContain(`class="unverified-tag" title="${escape(UNVERIFIED_NOTE)}"`);
    expect(html).toContain(`1 of 2 points is ${escape(UNVERIFIED_NOTE)}.`);
    expect(html).not.toContain('budget-limited');
  });

  it('does not call a budget-limited point unverified too', () => {
    const html = renderToStaticMarkup(<PointsTable points={[{ ...limited, verified: false }]} />);
    expect(html).toContain('budget-limited');
    expect(html).not.toContain('unverified');
  });

  it("says how many of a point's seed verdicts verification overturned", () => {
    const overturned = pointResult({
      seeds: [seedResult({ overturned: 2 }), seedResult({ seedIndex: 1, overturned: 1 })],
    });
    const html = renderToStaticMarkup(<PointsTable points={[overturned, limited]} />);
    expect(html).toContain('3 verdicts overturned by verification');
    expect(html.match(/overturned by verification/g)).toHaveLength(1);
    const one = renderToStaticMarkup(
      <PointsTable points={[pointResult({ seeds: [seedResult({ overturned: 1 })] })]} />,
    );
    expect(one).toContain('1 verdict overturned by verification');
    expect(renderToStaticMarkup(<PointsTable points={[measured]} />)).not.toContain('overturned');
  });
});

/** Text as React writes it into markup. */
function escape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
