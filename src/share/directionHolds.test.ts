import { describe, expect, it } from 'vitest';
import { pointResult, seedResult } from '../engine/testFixtures.ts';
import { directionCounts, directionHolds } from './verdicts.ts';

/** A run's points: per width, the seeds' EMCs in seed order. */
function run(emcs: Record<number, number[]>) {
  return Object.entries(emcs).map(([width, seeds], index) =>
    pointResult({
      index,
      width: Number(width),
      seeds: seeds.map((emc, seedIndex) => seedResult({ seedIndex, emc })),
    }),
  );
}

const labels = { a: 'SGD, batch 16', b: 'full batch' };

describe('whether a direction holds pair by pair', () => {
  it('counts every (seed, width) pair where the first run fits more', () => {
    const sgd = run({ 4: [30, 32, 31], 8: [60, 64, 62] });
    const gd = run({ 4: [20, 22, 21], 8: [40, 44, 42] });
    expect(directionCounts(sgd, gd)).toEqual({ more: 6, fewer: 0, ties: 0, pairs: 6 });
    expect(directionHolds(sgd, gd, labels)).toBe(
      'SGD, batch 16 fits more than full batch in 6 of 6 (seed, width) pairs.',
    );
  });

  it('counts ties and the other direction apart', () => {
    const a = run({ 4: [30, 20, 25], 8: [60, 64] });
    const b = run({ 4: [20, 20, 26], 8: [50, 70] });
    expect(directionCounts(a, b)).toEqual({ more: 2, fewer: 2, ties: 1, pairs: 5 });
    expect(directionHolds(a, b, labels)).toBe(
      'SGD, batch 16 fits more than full batch in 2 of 5 (seed, width) pairs; fewer in 2, ties in 1.',
    );
  });

  it('pairs only the widths, and the seeds, that both runs measured', () => {
    // Width 16 only in a, width 2 only in b; seed 2 of width 8 only in b.
    const a = run({ 4: [30], 8: [60, 61], 16: [90] });
    const b = run({ 2: [5], 4: [30], 8: [50, 50, 50] });
    expect(directionCounts(a, b)).toEqual({ more: 2, fewer: 0, ties: 1, pairs: 3 });
    expect(directionHolds(a, b, labels)).toBe(
      'SGD, batch 16 fits more than full batch in 2 of 3 (seed, width) pairs; ties in 1.',
    );
    // Seeds are paired by their index, not by their order in the list.
    const shuffled = [
      pointResult({
        width: 8,
        seeds: [seedResult({ seedIndex: 1, emc: 61 }), seedResult({ seedIndex: 0, emc: 60 })],
      }),
    ];
    expect(directionCounts(shuffled, run({ 8: [60, 50] }))).toEqual({
      more: 1,
      fewer: 0,
      ties: 1,
      pairs: 2,
    });
  });

  it('says so when the runs share no pair, and names one pair in the singular', () => {
    expect(directionHolds(run({ 4: [30] }), run({ 8: [30] }), labels)).toBe(
      'SGD, batch 16 and full batch share no (seed, width) pair to compare.',
    );
    expect(directionHolds(run({ 4: [31] }), run({ 4: [30] }), labels)).toBe(
      'SGD, batch 16 fits more than full batch in 1 of 1 (seed, width) pair.',
    );
  });
});
