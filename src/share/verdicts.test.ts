import { describe, expect, it } from 'vitest';
import { pointResult, probeRecord, seedResult, specFixture } from '../engine/testFixtures.ts';
import { describeExperiment, lowerBoundMark, lowerBoundsOf, probeVerdict } from './verdicts.ts';

describe('verdicts in words', () => {
  it('counts steps, with the epochs when mini-batches make them differ', () => {
    expect(probeVerdict(probeRecord({ steps: 3000, epochs: 120 }))).toBe(
      'fits (after 3,000 steps in 120 epochs)',
    );
  });

  it('tells an old plateau stop from a checked convergence', () => {
    const plateau = probeRecord({ fits: false, stopReason: 'plateau', converged: false });
    expect(probeVerdict(plateau)).toBe(
      'does not fit (loss plateau after 10 steps, not checked for convergence)',
    );
  });

  it('falls back to epochs when the steps are unknown (a link from before they were sent)', () => {
    const probe = probeRecord({ fits: false, stopReason: 'budget', steps: Number.NaN });
    expect(probeVerdict(probe)).toBe('inconclusive (step cap reached after 10 epochs)');
  });

  it('finds the widths whose EMC is a lower bound, and why', () => {
    const bounds = lowerBoundsOf({
      points: [
        pointResult({ width: 4 }),
        pointResult({ width: 8, budgetLimited: true }),
        pointResult({ width: 16, seeds: [seedResult({ bracket: [400, null], censored: true })] }),
      ],
    });
    expect([...bounds.budgetLimited]).toEqual([8]);
    expect([...bounds.censored]).toEqual([16]);
    expect([4, 8, 16].map((width) => lowerBoundMark(bounds, width))).toEqual(['', '≥ ', '≥ ']);
  });
});

describe('describeExperiment', () => {
  it('names the sweep as the engine names its models, with the data', () => {
    expect(
      describeExperiment(
        specFixture({ model: { family: 'mlp', depth: 1 }, sweep: { widths: [2, 6] } }),
      ),
    ).toBe('MLP 1×{2, 6} relu on gaussian [4], true labels, pool 20');
    expect(describeExperiment(specFixture())).toBe(
      'linear classifier on gaussian [4], true labels, pool 20',
    );
    const own = specFixture({
      data: { source: 'csv', file: 'blobs.csv', sha256: 'c'.repeat(64), rows: 60, inputShape: [2] },
    });
    expect(describeExperiment(own)).toBe('linear classifier on blobs.csv, true labels, pool 20');
  });
});
