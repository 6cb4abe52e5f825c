import { describe, expect, it } from 'vitest';
import { MAX_TRACE_MARKERS, thinned } from './SearchTrace.tsx';

describe('the search trace thinning its markers', () => {
  it('keeps a series at or under the bound as it is', () => {
    const series = Array.from({ length: MAX_TRACE_MARKERS }, (_, i) => i);
    expect(thinned(series)).toBe(series);
  });

  it('draws evenly spaced items past the bound, the first and the last among them, in order', () => {
    const series = Array.from({ length: 2500 }, (_, i) => i);
    const drawn = thinned(series);
    expect(drawn).toHaveLength(MAX_TRACE_MARKERS);
    expect(drawn[0]).toBe(0);
    expect(drawn.at(-1)).toBe(2499);
    expect(new Set(drawn).size).toBe(drawn.length);
    const gaps = drawn.slice(1).map((value, i) => value - (drawn[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(6);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(7);
    expect(thinned([1, 2, 3], 2)).toEqual([1, 3]);
  });
});
