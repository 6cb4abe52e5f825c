import { describe, expect, it } from 'vitest';
import { PlateauDetector } from './plateau.ts';

describe('PlateauDetector', () => {
  it('never fires while the loss keeps improving by more than minDelta', () => {
    const detector = new PlateauDetector(3, 0.01, 1);
    for (let epoch = 1; epoch <= 100; epoch++) {
      expect(detector.update(epoch, 0.95 ** epoch)).toBe(false);
    }
  });

  it('fires once the loss has stalled for `patience` steps and three readings', () => {
    const detector = new PlateauDetector(3, 0.01, 1);
    expect(detector.update(1, 1)).toBe(false);
    expect(detector.update(2, 0.995)).toBe(false); // better, but by less than 1%
    expect(detector.update(3, 0.999)).toBe(false);
    expect(detector.update(4, 0.999)).toBe(true);
  });

  it('restarts the patience window after a real improvement', () => {
    const detector = new PlateauDetector(2, 0.01, 1);
    detector.update(1, 1);
    detector.update(2, 1);
    expect(detector.update(3, 0.5)).toBe(false);
    expect(detector.update(4, 0.5)).toBe(false);
    expect(detector.update(5, 0.5)).toBe(true);
  });
});

describe('PlateauDetector in optimizer steps', () => {
  /** The optimizer steps after which a flat loss makes a plateau, read once per epoch. */
  function stepsToPlateau(stepsPerEpoch: number, patience = 500): number {
    const detector = new PlateauDetector(patience, 0.01);
    for (let epoch = 1; ; epoch++) {
      if (detector.update(epoch * stepsPerEpoch, 1)) return epoch * stepsPerEpoch;
    }
  }

  it('waits the same number of steps for full-batch GD (one step an epoch) as for batch 16', () => {
    const fullBatch = stepsToPlateau(1);
    const batch16AtN68 = stepsToPlateau(Math.ceil(68 / 16));
    const batch64AtN68 = stepsToPlateau(Math.ceil(68 / 64));
    expect(fullBatch).toBe(501);
    // Within one epoch of the same window: the window does not shrink with N or grow with batch.
    expect(batch16AtN68).toBeGreaterThanOrEqual(500);
    expect(batch16AtN68).toBeLessThanOrEqual(505);
    expect(batch64AtN68).toBeGreaterThanOrEqual(500);
    expect(batch64AtN68).toBeLessThanOrEqual(502);
  });

  it('judges a plateau on at least three readings when an epoch is longer than the patience', () => {
    // N = 20,000 at batch 16: 1,250 steps an epoch, more than the patience of 500.
    expect(stepsToPlateau(1250)).toBe(4 * 1250);
  });
});
