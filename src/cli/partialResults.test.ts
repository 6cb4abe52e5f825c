import { beforeAll, describe, expect, it } from 'vitest';
import { type EngineEvent, type ExperimentResults, runExperiment } from '../engine/index.ts';
import { parseResultsFile } from '../share/resultsFile.ts';
import { PartialResults } from './partialResults.ts';

const SPEC = {
  version: 3,
  name: 'two widths',
  seed: 5,
  data: { source: 'gaussian', inputShape: [3], classes: 2, labels: 'random', poolSize: 12 },
  model: { family: 'mlp', depth: 1 },
  sweep: { widths: [1, 2] },
  train: { optimizer: 'adam', learningRate: 0.1, batchSize: 'full', maxSteps: 80, patience: 10 },
  search: { precision: 0.5, seeds: 1 },
};

const events: EngineEvent[] = [];
let results: ExperimentResults;

beforeAll(async () => {
  results = await runExperiment(SPEC, { onEvent: (event) => events.push(event) });
}, 600_000);

describe('PartialResults', () => {
  it('rebuilds from the events every finished probe and point the run itself returns', () => {
    const partial = new PartialResults();
    expect(partial.document('cancelled')).toBeUndefined();
    for (const event of events) partial.onEvent(event);
    const rebuilt = partial.document('cancelled');
    expect(rebuilt?.status).toBe('cancelled');
    expect(rebuilt?.probes).toEqual(results.probes);
    expect(rebuilt?.points).toEqual(results.points);
    expect(rebuilt?.spec).toEqual(results.spec);
    // What an interrupted run writes opens like any results file.
    expect(parseResultsFile(JSON.stringify(rebuilt)).ok).toBe(true);
  });

  it('holds only what had finished when the thread was ended mid-run', async () => {
    const events: EngineEvent[] = [];
    await runExperiment(SPEC, { onEvent: (event) => events.push(event) });
    const firstPoint = events.findIndex((event) => event.kind === 'point-finished');
    const partial = new PartialResults();
    for (const event of events.slice(0, firstPoint + 1)) partial.onEvent(event);
    const rebuilt = partial.document('cancelled');
    expect(rebuilt?.points.map((point) => point.width)).toEqual([1]);
    expect(rebuilt?.probes.length).toBe(
      events.slice(0, firstPoint).filter((event) => event.kind === 'probe-finished').length,
    );
    expect(parseResultsFile(JSON.stringify(rebuilt)).ok).toBe(true);
  });
});
