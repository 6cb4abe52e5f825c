import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { pointResult, seedResult } from '../../engine/testFixtures.ts';
import { toDatum } from './EmcChart.tsx';
import { BudgetLimitedMarker, EmcDot, PinnedMarker } from './EmcMarkers.tsx';

/** A marker's markup, drawn inside an <svg> (which is left out). */
function inSvg(marker: ReactElement): string {
  return renderToStaticMarkup(<svg>{marker}</svg>).replace(/^<svg>|<\/svg>$/g, '');
}

describe('EMC chart markers', () => {
  it('draws a budget-limited point as a hollow triangle that says what it is', () => {
    // Inside an <svg>, as recharts draws it: React hoists a <title> elsewhere to the page's.
    const html = inSvg(
      <BudgetLimitedMarker cx={50} cy={40} color="#e63946" payload={{ model: 'MLP 1×8 relu' }} />,
    );
    expect(html).toMatch(/^<polygon class="emc-point budget-limited" data-budget-limited="true"/);
    expect(html).toContain('fill="#fff" stroke="#e63946"');
    expect(html).toContain('<title>MLP 1×8 relu: budget-limited (lower bound)</title>');
  });

  it('keeps measured points as filled dots, and draws nothing off the axes', () => {
    expect(inSvg(<EmcDot cx={1} cy={2} color="red" />)).toBe(
      '<circle class="emc-point" cx="1" cy="2" r="6" fill="red"></circle>',
    );
    expect(inSvg(<BudgetLimitedMarker color="red" />)).toBe('<g></g>');
  });

  it("gives pinned runs' budget-limited points the same triangle", () => {
    const pinned = (budgetLimited: boolean) =>
      inSvg(<PinnedMarker cx={5} cy={5} color="#2a9d8f" payload={{ budgetLimited }} />);
    expect(pinned(true)).toContain('data-budget-limited="true"');
    expect(pinned(false)).not.toContain('budget-limited');
  });

  it('carries the flag from the point to the chart datum', () => {
    const limited = pointResult({
      budgetLimited: true,
      seeds: [seedResult({ budgetLimited: true })],
    });
    expect(toDatum(limited).budgetLimited).toBe(true);
    expect(toDatum(pointResult()).budgetLimited).toBe(false);
  });
});
