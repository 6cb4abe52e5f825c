import { describe, expect, it } from 'vitest';
import { parseSpec } from '../engine/experiment/index.ts';
import { resultsDocument } from '../engine/results.ts';
import { searchedPoint } from '../engine/testFixtures.ts';
import { DEFAULT_SPEC } from '../stores/defaultSpec.ts';
import { comparisonDocument, parseResultsOrComparison } from './comparisonFile.ts';

function finishedRun(name: string, emc: number) {
  const spec = parseSpec({ ...DEFAULT_SPEC, name, sweep: { widths: [4] } });
  const { point, probes } = searchedPoint([emc], { width: 4, parameterCount: 40 });
  return resultsDocument({
    status: 'complete',
    spec,
    environment: {
      backend: 'wasm',
      floatPrecision: 32,
      tfjsVersion: '4.22.0',
      engineVersion: 'test',
      platform: 'test',
    },
    dataset: 'gaussian',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:01:00Z',
    points: [point],
    probes,
  });
}

describe('comparison files', () => {
  const sgd = finishedRun('SGD', 12);
  const gd = finishedRun('GD', 9);
  const comparison = {
    title: 'Finding 3',
    runs: [
      { label: 'SGD', results: sgd },
      { label: 'GD', results: gd },
    ],
  };

  it('hold every run and read back as they were written, the last run as current', () => {
    const parsed = parseResultsOrComparison(JSON.stringify(comparisonDocument(comparison)));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.comparison).toEqual(comparison);
    expect(parsed.results).toEqual(gd);
  });

  it('still read a single results file, with no comparison', () => {
    const parsed = parseResultsOrComparison(JSON.stringify(sgd));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.comparison).toBeUndefined();
    expect(parsed.results).toEqual(sgd);
  });

  it('refuse a comparison with a damaged run, naming it', () => {
    const document = comparisonDocument(comparison);
    const broken = { ...document, runs: [document.runs[0], { label: 'GD', results: { x: 1 } }] };
    const parsed = parseResultsOrComparison(JSON.stringify(broken));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.error).toMatch(/^Run 2 \(“GD”\): This is not an EMC Lab results file/);
  });

  it('refuse a comparison from a newer version and one without runs', () => {
    const newer = parseResultsOrComparison(
      JSON.stringify({ ...comparisonDocument(comparison), version: 2 }),
    );
    expect(newer.ok || newer.error).toMatch(/newer EMC Lab/);
    const empty = parseResultsOrComparison(
      JSON.stringify({ ...comparisonDocument(comparison), runs: [] }),
    );
    expect(empty.ok || empty.error).toMatch(/1 to 8 runs/);
  });
});
