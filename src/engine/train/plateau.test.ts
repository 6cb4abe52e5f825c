import { describe, expect, it } from 'vitest';
import { PlateauDetector } from './plateau.ts';

describe('PlateauDetector', () => {
  it('never fires while the loss keeps improving by more than minDelta', () => {
    const detector = new PlateauDetector(3, 0.01);
    for (let epoch = 1; epoch <= 100; epoch++) {
      expect(detector.update(epoch, 0.95 ** epoch)).toBe(false);
    }
  });

  it('fires once the loss has stalled for `patience` epochs', () => {
    const detector = new PlateauDetector(3, 0.01);
    expect(detector.update(1, 1)).toBe(false);
    expect(detector.update(2, 0.995)).toBe(false); // better, but by less than 1%
    expect(detector.update(3, 0.999)).toBe(false);
    expect(detector.update(4, 0.999)).toBe(true);
  });

  it('restarts the patience window after a real improvement', () => {
    const detector = new PlateauDetector(2, 0.01);
    detector.update(1, 1);
    detector.update(2, 1);
    expect(detector.update(3, 0.5)).toBe(false);
    expect(detector.update(4, 0.5)).toBe(false);
    expect(detector.update(5, 0.5)).toBe(true);
  });
});
