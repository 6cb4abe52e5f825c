import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { del, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { type ExperimentResults, RESULTS_VERSION } from '../engine/results.ts';
import { probeRecord, TEST_ENVIRONMENT } from '../engine/testFixtures.ts';
import { parseSpec } from '../engine/experiment/index.ts';
import { DEFAULT_SPEC } from '../stores/defaultSpec.ts';
import { deleteRun, listRuns, loadRun, saveRun } from './persistence.ts';

const results = (status: ExperimentResults['status'], probes: number): ExperimentResults => ({
  format: 'emc-lab-results',
  version: RESULTS_VERSION,
  status,
  spec: parseSpec(DEFAULT_SPEC),
  environment: TEST_ENVIRONMENT,
  dataset: 'gaussian',
  startedAt: '2026-11-23T08:00:00Z',
  finishedAt: null,
  points: [],
  probes: Array.from({ length: probes }, (_, i) =>
    probeRecord({ n: 10 + i, epochs: 3, steps: 3, finalLoss: Number.NaN, wallMs: 5 }),
  ),
});

// The saved runs are unfinished ('cancelled', 'running'): a 'complete' run without its points
// contradicts itself and is refused like any such results file.
describe('saved runs in IndexedDB', () => {
  it('saves, lists newest first, loads and deletes runs', async () => {
    await saveRun('a', results('cancelled', 2));
    await new Promise((r) => setTimeout(r, 5));
    await saveRun('b', results('running', 1));
    const runs = await listRuns();
    expect(runs.map((r) => r.id)).toEqual(['b', 'a']);
    const loaded = await loadRun('a');
    expect(loaded?.results.probes).toHaveLength(2);
    expect(Number.isNaN(loaded?.results.probes[0]?.finalLoss)).toBe(true);

    await saveRun('b', results('running', 4));
    expect((await loadRun('b'))?.results.probes).toHaveLength(4);

    await deleteRun('a');
    await deleteRun('b');
    expect(await listRuns()).toEqual([]);
  });

  it('loads a run saved by a version before results version 2 as the current version', async () => {
    await saveRun('a-current', results('running', 1));
    const { createStore } = await import('idb-keyval');
    const store = createStore('emc-lab', 'runs');
    const old = JSON.parse(
      readFileSync(new URL('../share/testdata/results-v1.json', import.meta.url), 'utf8'),
    );
    await set('old', { id: 'old', savedAt: '2026-11-01T00:00:00Z', results: old }, store);
    const loaded = await loadRun('old');
    expect(loaded?.results.version).toBe(RESULTS_VERSION);
    expect(loaded?.results.points.map((p) => p.budgetLimited)).toEqual([true, true]);
    expect(loaded?.results.probes.every((p) => p.gradNorm === null)).toBe(true);
    // Its patience counted epochs: the run says how it now reads, so it is not replayed.
    expect(loaded?.migrationNotes?.[0]).toMatch(/patience of \d+ epochs now reads as/);
    expect((await loadRun('a-current'))?.migrationNotes).toBeUndefined();
    await deleteRun('old');
    await deleteRun('a-current');
  });

  it('skips saved entries that no longer validate instead of failing', async () => {
    const { createStore } = await import('idb-keyval');
    const store = createStore('emc-lab', 'runs');
    await set(
      'broken',
      { id: 'broken', savedAt: 'x', results: { format: 'something else' } },
      store,
    );
    await set('junk', 42, store);
    await saveRun('good', results('cancelled', 1));
    expect((await listRuns()).map((r) => r.id)).toEqual(['good']);
    expect(await loadRun('broken')).toBeUndefined();
    await del('broken', store);
    await del('junk', store);
    await deleteRun('good');
  });
});
