import { describe, expect, it } from 'vitest';
import { runExperiment } from '../engine/index.ts';
import { SPEC_VERSION } from '../engine/spec/index.ts';
import { parseResultsFile } from './resultsFile.ts';

const tinySpec = {
  version: 1,
  name: 'tiny',
  seed: 1,
  data: {
    source: 'gaussian',
    inputShape: [3],
    classes: 2,
    labels: 'random',
    poolSize: 20,
    testSize: 5,
  },
  model: { family: 'mlp', depth: 0 },
  sweep: { widths: [1] },
  train: {
    optimizer: 'adam',
    learningRate: 0.1,
    batchSize: 'full',
    maxEpochs: 50,
    patience: 10,
    minDelta: 0.001,
  },
  search: { precision: 0, seeds: 1 },
};

describe('results files', () => {
  it('reads back what the CLI and the lab write (JSON turns NaN into null)', async () => {
    const results = await runExperiment(tinySpec);
    const [first] = results.probes;
    if (!first) throw new Error('the run recorded no probe');
    results.probes[0] = { ...first, finalLoss: Number.NaN };
    const parsed = parseResultsFile(JSON.stringify(results, null, 2));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.results.points).toEqual(results.points);
    expect(Number.isNaN(parsed.results.probes[0]?.finalLoss)).toBe(true);
    expect(parsed.results.spec).toEqual(results.spec);
  });

  it.each([
    ['text that is not JSON', 'hello', 'not JSON'],
    ['JSON of another kind', '{"a":1}', 'not an EMC Lab results file'],
    [
      'a damaged document',
      '{"format":"emc-lab-results","version":1,"status":"complete"}',
      'damaged',
    ],
  ])('refuses %s with a clear message', (_, text, message) => {
    const parsed = parseResultsFile(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });

  it('refuses results whose experiment comes from a newer version', async () => {
    const results = await runExperiment(tinySpec);
    const future = { ...results, spec: { ...results.spec, version: SPEC_VERSION + 1 } };
    const parsed = parseResultsFile(JSON.stringify(future));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain('newer EMC Lab');
  });

  it('refuses out-of-range numbers inside the results', async () => {
    const results = await runExperiment(tinySpec);
    const bad = JSON.parse(JSON.stringify(results));
    bad.probes[0].finalAccuracy = 7;
    const parsed = parseResultsFile(JSON.stringify(bad));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain('probes.0.finalAccuracy');
  });
});
