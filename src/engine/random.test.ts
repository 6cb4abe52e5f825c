import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, permutation } from './random.ts';

describe('seeded randomness', () => {
  it('repeats the same stream for the same seed', () => {
    const a = createRng(5);
    const b = createRng(5);
    const draw = (rng: ReturnType<typeof createRng>) => [rng.next(), rng.int(100), rng.normal()];
    expect(draw(a)).toEqual(draw(b));
    expect(draw(createRng(6))).not.toEqual(draw(createRng(5)));
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const rng = createRng(1);
    const values = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('permutes every index exactly once', () => {
    const order = permutation(1000, createRng(3));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...order.subarray(0, 10)]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('derives independent seeds per purpose', () => {
    expect(deriveSeed(1, 'data')).toBe(deriveSeed(1, 'data'));
    expect(deriveSeed(1, 'data')).not.toBe(deriveSeed(1, 'init'));
    expect(deriveSeed(1, 'repeat', 0)).not.toBe(deriveSeed(1, 'repeat', 1));
    expect(deriveSeed(1, 'data')).not.toBe(deriveSeed(2, 'data'));
  });
});
