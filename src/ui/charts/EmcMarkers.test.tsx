import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { pointResult, seedResult } from '../../engine/testFixtures.ts';
import { specFixture } from '../../engine/testFixtures.ts';
import { seedMarksOf, sweepParameterCounts, toDatum, tooltipText } from './EmcChart.tsx';
import {
  BudgetLimitedMarker,
  EmcDot,
  PinnedMarker,
  PROJECTOR_MARKER_SCALE,
  SeedMark,
  UnverifiedMarker,
} from './EmcMarkers.tsx';

/** A marker's markup, drawn inside an <svg> (which is left out). */
function inSvg(marker: ReactElement): string {
  return renderToStaticMarkup(<svg>{marker}</svg>).replace(/^<svg>|<\/svg>$/g, '');
}

describe('EMC chart markers', () => {
  it('are at least twice as large in projector mode, for the back of a room', () => {
    expect(PROJECTOR_MARKER_SCALE).toBeGreaterThanOrEqual(2);
    const scale = PROJECTOR_MARKER_SCALE;
    expect(inSvg(<EmcDot cx={100} cy={100} color="red" scale={scale} />)).toContain(
      `r="${6 * scale}"`,
    );
    expect(inSvg(<SeedMark cx={100} cy={100} color="red" scale={scale} />)).toContain(
      `r="${2.5 * scale}"`,
    );
    // The triangle's top corner sits r above its centre; the diamond's right corner r beside.
    expect(inSvg(<BudgetLimitedMarker cx={100} cy={100} color="red" scale={scale} />)).toContain(
      `points="100,${100 - 7 * scale} `,
    );
    expect(inSvg(<UnverifiedMarker cx={100} cy={100} color="red" scale={scale} />)).toContain(
      ` ${100 + 7 * scale},100 `,
    );
    // A pinned run's symbol, sized by its area: its path starts at its radius.
    const radius = (s?: number) =>
      Number(
        /d="M([\d.]+),0/.exec(
          inSvg(<PinnedMarker cx={100} cy={100} color="blue" scale={s} payload={{}} />),
        )?.[1],
      );
    expect(radius(scale)).toBeCloseTo(scale * radius(), 6);
  });

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

  it('draws an unverified point as a hollow diamond that says what it is', () => {
    const html = inSvg(
      <UnverifiedMarker cx={50} cy={40} color="#e63946" payload={{ model: 'MLP 1×8 relu' }} />,
    );
    expect(html).toMatch(/^<polygon class="emc-point unverified" data-unverified="true"/);
    expect(html).toContain('points="50,33 57,40 50,47 43,40"');
    expect(html).toContain('<title>MLP 1×8 relu: unverified (verdict not checked)</title>');
    const pinned = (unverified: boolean) =>
      inSvg(<PinnedMarker cx={5} cy={5} color="#2a9d8f" payload={{ unverified }} />);
    expect(pinned(true)).toContain('data-unverified="true"');
    expect(pinned(false)).not.toContain('unverified');
  });

  it("draws a seed's EMC as a small mark that is not counted as a point", () => {
    const html = inSvg(<SeedMark cx={3} cy={4} color="red" />);
    expect(html).toContain('class="emc-seed"');
    expect(html).not.toContain('emc-point');
    expect(inSvg(<SeedMark color="red" />)).toBe('<g></g>');
  });

  it('gives a point of several seeds its mean ± std and a mark per seed', () => {
    const point = pointResult({
      emcMean: 20,
      emcStd: 2,
      seeds: [
        seedResult({ seedIndex: 1, emc: 22, bracket: [22, 24] }),
        seedResult({ seedIndex: 0, emc: 18, bracket: [18, 30] }),
        seedResult({ seedIndex: 2, emc: 20, bracket: [20, 21] }),
      ],
    });
    const datum = toDatum(point);
    expect(datum.error).toEqual([2, 2]);
    expect(datum.seeds).toEqual([18, 22, 20]);
    expect(seedMarksOf([datum])).toEqual([
      { params: 56, emc: 18, point: datum },
      { params: 56, emc: 22, point: datum },
      { params: 56, emc: 20, point: datum },
    ]);
    expect(tooltipText(datum)).toBe('EMC 20 ± 2.0, 56 parameters; seeds: 18, 22, 20');
    // One seed: its bracket is the bar, and there is no separate seed mark.
    const single = toDatum(pointResult({ seeds: [seedResult({ emc: 20, bracket: [20, 22] })] }));
    expect(single.error).toEqual([0, 2]);
    expect(seedMarksOf([single])).toEqual([]);
    expect(tooltipText(single)).toBe('EMC 20, 56 parameters');
  });

  it('marks an unverified point in its datum and tooltip, never a budget-limited one', () => {
    const unverified = toDatum(
      pointResult({ verified: false, seeds: [seedResult({ verified: false })] }),
    );
    expect(unverified.unverified).toBe(true);
    expect(tooltipText(unverified)).toBe('EMC 20, unverified, 56 parameters');
    const limited = toDatum(
      pointResult({
        verified: false,
        budgetLimited: true,
        seeds: [seedResult({ verified: false, budgetLimited: true })],
      }),
    );
    expect(limited.unverified).toBe(false);
    expect(tooltipText(limited)).toBe('EMC ≥ 20, 56 parameters');
  });
});

describe('the empty EMC chart', () => {
  it('spans the parameter counts the sweep in the form will train, not a fixed range', () => {
    // MLP, one hidden layer, 8 inputs, 4 classes: (8 + 1)·w + (w + 1)·4 weights and biases.
    const spec = specFixture({
      data: { inputShape: [8], classes: 4 },
      model: { family: 'mlp', depth: 1 },
      sweep: { widths: [4, 8, 1000] },
    });
    expect(sweepParameterCounts(spec)).toEqual([56, 108, 13_004]);
  });

  it('spans the trained parameters, or their bits, of a random-subspace sweep on those axes', () => {
    const spec = specFixture({
      data: { inputShape: [8], classes: 4 },
      model: { family: 'mlp', depth: 1, subspace: { dimension: 4, projection: 'sparse' } },
      sweep: { widths: [4, 8], dimensions: [2, 16] },
    });
    expect(sweepParameterCounts(spec)).toEqual([56, 56, 108, 108]);
    expect(sweepParameterCounts(spec, 'trained-parameter')).toEqual([2, 16, 2, 16]);
    expect(sweepParameterCounts(spec, 'bit')).toEqual([64, 512, 64, 512]);
  });
});

describe('the EMC chart x axis', () => {
  it('places a subspace point at its d, or d × 32 bits, and says so in the tooltip', () => {
    const spec = specFixture({
      model: { family: 'mlp', depth: 1, subspace: { dimension: 16, projection: 'sparse' } },
    });
    const point = {
      ...pointResult({ seeds: [seedResult({ emc: 20, bracket: [20, 22] })] }),
      dimension: 16,
    };
    expect(toDatum(point, spec).params).toBe(56);
    const trained = toDatum(point, spec, 'trained-parameter');
    expect(trained.params).toBe(16);
    expect(trained.parameters).toBe(56);
    expect(tooltipText(trained)).toBe('EMC 20, 56 parameters (16 trained parameters)');
    expect(toDatum(point, spec, 'bit').params).toBe(512);
  });

  it('places rounded weights at bits × weights, and float32 weights at 32 bits each', () => {
    const rounded = specFixture({ model: { family: 'mlp', depth: 1, precision: { bits: 4 } } });
    const float = specFixture({ model: { family: 'mlp', depth: 1 } });
    const point = pointResult();
    expect(toDatum(point, rounded, 'bit').params).toBe(4 * 56);
    expect(toDatum(point, float, 'bit').params).toBe(32 * 56);
    expect(toDatum(point, rounded, 'trained-parameter').params).toBe(56);
    expect(tooltipText(toDatum(point, rounded, 'bit'))).toBe('EMC 20, 56 parameters (224 bits)');
  });
});
