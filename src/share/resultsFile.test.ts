import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../engine/index.ts';
import {
  type PointResult,
  type ProbeRecord,
  RESULTS_VERSION,
  resultsDocument,
  type SeedResult,
} from '../engine/results.ts';
import {
  probeRecord,
  searchedPoint,
  specFixture,
  TEST_ENVIRONMENT,
} from '../engine/testFixtures.ts';
import { SPEC_VERSION } from '../engine/experiment/index.ts';
import {
  MAX_RESULTS_FILE_BYTES,
  parseResultsDocument,
  parseResultsFile,
  resultsFileSizeProblem,
} from './resultsFile.ts';

const tinySpec = {
  version: SPEC_VERSION,
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
    maxSteps: 400,
    maxEpochs: 50,
    patience: 10,
    minDelta: 0.001,
  },
  search: { precision: 0, seeds: 1 },
};

/**
 * Written by the EMC Lab CLI before results version 2 (an MLP sweep with a 60-epoch budget,
 * two seeds): its probes stopped on "fit", "plateau" and "budget".
 */
const versionOneFile = readFileSync(new URL('./testdata/results-v1.json', import.meta.url), 'utf8');

describe('results files', () => {
  it('reads back what the CLI and the lab write (JSON turns NaN into null)', async () => {
    const results = await runExperiment(tinySpec);
    const [first] = results.probes;
    if (!first) throw new Error('the run recorded no probe');
    results.probes[0] = { ...first, finalLoss: Number.NaN };
    const parsed = parseResultsFile(JSON.stringify(results, null, 2));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.results.version).toBe(RESULTS_VERSION);
    expect(parsed.results.points).toEqual(results.points);
    expect(parsed.results.probes.slice(1)).toEqual(results.probes.slice(1));
    expect(Number.isNaN(parsed.results.probes[0]?.finalLoss)).toBe(true);
    expect(parsed.results.spec).toEqual(results.spec);
  });

  it('keeps what verification found, and reads a file from before it as unverified', async () => {
    const results = await runExperiment(tinySpec);
    const [seed] = results.points[0]?.seeds ?? [];
    expect(seed?.verified).toBe(true);
    expect(results.probes.some((p) => p.verification)).toBe(true);
    const parsed = parseResultsFile(JSON.stringify(results));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.results.points[0]?.verified).toBe(true);
    expect(parsed.results.points[0]?.seeds[0]).toMatchObject({ verified: true, overturned: 0 });
    expect(parsed.results.probes.map((p) => p.verification)).toEqual(
      results.probes.map((p) => p.verification),
    );

    // A version-2 file written before verification, with a version-2 spec.
    const earlier = {
      ...results,
      spec: { ...results.spec, version: 2, search: { ...results.spec.search, verify: undefined } },
      points: results.points.map(({ verified: _, ...point }) => ({
        ...point,
        // It counted only the search's probes: there were no verification probes.
        seeds: point.seeds.map(({ verified: _v, overturned: _o, ...s }) => ({
          ...s,
          probes: results.probes.filter(
            (p) => p.pointIndex === point.index && p.seedIndex === s.seedIndex && !p.verification,
          ).length,
        })),
      })),
      probes: results.probes
        .filter((p) => !p.verification)
        .map(({ verification: _, saddleEscapes: _s, ...p }) => p),
    };
    const old = parseResultsFile(JSON.stringify(earlier));
    if (!old.ok) throw new Error(old.error);
    expect(old.results.points.map((p) => p.verified)).toEqual([false]);
    expect(old.results.points[0]?.seeds[0]).toMatchObject({ verified: false, overturned: 0 });
    expect(old.migrationNotes?.[0]).toMatch(
      /patience of 10 epochs now reads as 500 optimizer steps/,
    );
  });

  it('keeps generalization at the shared N, and reads a version-2 file from before it as unmeasured', async () => {
    const results = await runExperiment(tinySpec);
    const measured = results.points[0]?.generalization;
    expect(measured?.n).toBe(results.points[0]?.seeds[0]?.emc);
    const parsed = parseResultsFile(JSON.stringify(results));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.results.points[0]?.generalization).toEqual(measured);

    const earlier = {
      ...results,
      points: results.points.map(({ generalization: _, ...point }) => point),
    };
    const old = parseResultsFile(JSON.stringify(earlier));
    if (!old.ok) throw new Error(old.error);
    expect(old.results.points.map((p) => p.generalization)).toEqual([null]);
  });

  it('reads a version-1 file as version 2, with what it never measured left unknown', () => {
    const parsed = parseResultsFile(versionOneFile);
    if (!parsed.ok) throw new Error(parsed.error);
    const { results } = parsed;
    expect(results.version).toBe(RESULTS_VERSION);
    expect(results.spec.version).toBe(SPEC_VERSION);
    expect(results.spec.train.maxEpochs).toBe(60);
    expect(new Set(results.probes.map((p) => p.stopReason))).toEqual(
      new Set(['fit', 'plateau', 'budget']),
    );
    for (const probe of results.probes) {
      expect(probe).toMatchObject({
        converged: false,
        gradNorm: null,
        initialGradNorm: null,
        hessianMin: null,
        hessianMax: null,
        saddle: false,
        extensions: 0,
      });
    }
    expect(results.points.every((p) => p.generalization === null)).toBe(true);
  });

  it('marks a version-1 seed budget-limited when its smallest failing N ran out of epochs', () => {
    const parsed = parseResultsFile(versionOneFile);
    if (!parsed.ok) throw new Error(parsed.error);
    const { points, probes } = parsed.results;
    const decisive = (pointIndex: number, seedIndex: number) => {
      const hi = points[pointIndex]?.seeds[seedIndex]?.bracket[1];
      return probes.find(
        (p) => p.pointIndex === pointIndex && p.seedIndex === seedIndex && p.n === hi,
      )?.stopReason;
    };
    // Point 2, seed 1: N = 7 stopped on a plateau, but N = 14 ran out of its budget: it
    // might fit, so the EMC of 6 is only a lower bound too (fitting need not be monotone)...
    expect(decisive(1, 0)).toBe('plateau');
    expect(points[1]?.seeds[0]?.budgetLimited).toBe(true);
    // ... while seed 2's N = 14 ran out of its epoch budget: 13 is only a lower bound.
    expect(decisive(1, 1)).toBe('budget');
    expect(points[1]?.seeds[1]?.budgetLimited).toBe(true);
    expect(points[1]?.budgetLimited).toBe(true);
    expect(points[0]?.seeds.map((s) => s.budgetLimited)).toEqual([true, true]);
  });

  it('keeps a version-1 file opened, saved again and read back as it was migrated', () => {
    const first = parseResultsFile(versionOneFile);
    if (!first.ok) throw new Error(first.error);
    const again = parseResultsFile(JSON.stringify(first.results));
    if (!again.ok) throw new Error(again.error);
    expect(again.results).toEqual(first.results);
  });

  it.each([
    ['text that is not JSON', 'hello', 'not JSON'],
    ['JSON of another kind', '{"a":1}', 'not an EMC Lab results file'],
    [
      'a damaged document',
      '{"format":"emc-lab-results","version":1,"status":"complete"}',
      'damaged',
    ],
    [
      'a document from a newer EMC Lab',
      `{"format":"emc-lab-results","version":${RESULTS_VERSION + 1}}`,
      'newer EMC Lab',
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

  it.each([
    ['a version-2 probe without its convergence fields', 'probes.0.converged', undefined],
    ['an unknown stop reason', 'probes.0.stopReason', 'gave up'],
    ['an infinite gradient norm', 'probes.0.gradNorm', 'Infinity'],
    ['a fractional extension count', 'probes.0.extensions', 1.5],
    ['a seed without budgetLimited', 'points.0.seeds.0.budgetLimited', undefined],
    ['a point without budgetLimited', 'points.0.budgetLimited', undefined],
  ])('refuses %s, naming the field', async (_, path, value) => {
    const results = JSON.parse(JSON.stringify(await runExperiment(tinySpec)));
    const keys = path.split('.');
    const last = keys.pop() as string;
    const parent = keys.reduce((object, key) => object[key], results);
    if (value === undefined) delete parent[last];
    else parent[last] = value === 'Infinity' ? Number.POSITIVE_INFINITY : value;
    // JSON cannot hold Infinity: check the document as IndexedDB would hand it back.
    const parsed = parseResultsDocument(results);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(path);
  });
});

describe('results that contradict themselves', () => {
  const spec = specFixture({
    data: { poolSize: 400 },
    sweep: { widths: [4] },
    search: { precision: 0.1, seeds: 2 },
  });
  /** A complete, consistent run of `spec`: EMC 100 and 120, each verified. */
  function document() {
    const { point, probes } = searchedPoint([100, 120], { width: 4 });
    return {
      ...resultsDocument({
        status: 'complete',
        spec,
        environment: TEST_ENVIRONMENT,
        dataset: 'gaussian',
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:01:00Z',
        points: [point],
        probes,
      }),
    };
  }
  type Edited = ReturnType<typeof document>;
  const seed = (results: Edited, index: number) => results.points[0]?.seeds[index] as SeedResult;

  it('reads the consistent run', () => {
    const parsed = parseResultsFile(JSON.stringify(document()));
    expect(parsed.ok ? 'ok' : parsed.error).toBe('ok');
  });

  it.each<[string, (results: Edited) => void, string]>([
    [
      'an EMC of 1e9 on a pool of 400',
      (r) => Object.assign(seed(r, 1), { emc: 1e9, bracket: [1e9, null], censored: true }),
      'points[0].seeds[1].emc: 1000000000 exceeds the pool size 400',
    ],
    [
      'a bracket [300, 3]',
      (r) => Object.assign(seed(r, 0), { emc: 300, bracket: [300, 3] }),
      'points[0].seeds[0].bracket: [300, 3] does not close on a fit below a failure',
    ],
    [
      'a bracket wider than the precision',
      (r) => Object.assign(seed(r, 0), { bracket: [100, 150] }),
      "points[0].seeds[0].bracket: [100, 150] is wider than the search's precision allows (10)",
    ],
    [
      'a probe on point 99 of a 1-width sweep',
      (r) => Object.assign(r.probes[0] as ProbeRecord, { pointIndex: 99 }),
      'probes[0].pointIndex: 99 is not a point of the sweep (it has 1 point)',
    ],
    [
      'a probe beyond the pool',
      (r) => Object.assign(r.probes[1] as ProbeRecord, { n: 401 }),
      'probes[1].n: 401 is outside the pool of 400 samples',
    ],
    [
      'a point on another width',
      (r) => Object.assign(r.points[0] as PointResult, { width: 8 }),
      "points[0].width: 8, but the spec's point 1 has width 4",
    ],
    [
      'a seed missing',
      (r) => (r.points[0] as PointResult).seeds.pop(),
      'points[0].seeds: seeds 1, but the search runs seeds 1, 2 of this point',
    ],
    [
      'an edited mean',
      (r) => Object.assign(r.points[0] as PointResult, { emcMean: 5_002.5 }),
      "points[0].emcMean: 5002.5, but its seeds' EMCs average 110",
    ],
    [
      'an EMC that no probe fitted',
      (r) => Object.assign(seed(r, 0), { emc: 95, bracket: [95, 101] }),
      'points[0].seeds[0].bracket: no probe of this seed fitted its low end 95',
    ],
    [
      'a budget limit the probes do not show',
      (r) => {
        Object.assign(seed(r, 0), { budgetLimited: true });
        Object.assign(r.points[0] as PointResult, { budgetLimited: true });
      },
      'points[0].seeds[0].budgetLimited: true, but its probes show false',
    ],
    [
      'a verified verdict without its verification',
      (r) => {
        r.probes = r.probes.filter((p) => !(p.verification && p.seedIndex === 0));
        seed(r, 0).probes--;
      },
      'points[0].seeds[0].verified: true, but no verification of its failure at 101 held',
    ],
    [
      'a probe count the probes do not show',
      (r) => Object.assign(seed(r, 1), { probes: 7 }),
      'points[0].seeds[1].probes: 7, but the results hold 3 probes of this seed',
    ],
    [
      'more probes than a search of the pool trains',
      (r) => {
        for (let n = 1; n <= 40; n++) r.probes.push(probeRecord({ n }));
        seed(r, 0).probes += 40;
      },
      'points[0].seeds[0].probes: 42 search probes, more than 22, the most a search of a pool of 400 can train',
    ],
  ])('refuses %s, naming the field', (_, edit, message) => {
    const results = document();
    edit(results);
    const parsed = parseResultsFile(JSON.stringify(results));
    expect(parsed.ok ? 'accepted' : parsed.error).toBe(
      `This results file contradicts itself: ${message}.`,
    );
  });
});

describe('results files past their limits', () => {
  const spec = specFixture({
    data: { poolSize: 400 },
    sweep: { widths: [4] },
    search: { precision: 0.1, seeds: 2 },
  });
  /** A document of `spec` whose probes are `count` copies of `probe` (never looked at one by one). */
  const withProbes = (count: number, probe: unknown, documentSpec: unknown = spec) => ({
    format: 'emc-lab-results',
    version: RESULTS_VERSION,
    status: 'complete',
    spec: documentSpec,
    points: [],
    probes: Array.from({ length: count }, () => probe),
  });

  it('refuses more probes than its experiment can train before checking any of them', () => {
    // 1 width × 2 seeds × each N of 400 searched and verified once: 1,600.
    const parsed = parseResultsDocument(withProbes(1_601, 'not a probe'));
    expect(parsed.ok ? 'read' : parsed.error).toBe(
      'This results file holds 1,601 probes, more than its experiment can train (at most 1,600: 1 width × 2 seeds, each N of a pool of 400 searched and verified once).',
    );
    // At the limit the count passes, and the document is checked field by field.
    const atLimit = parseResultsDocument(withProbes(1_600, 'not a probe'));
    expect(atLimit.ok ? 'read' : atLimit.error).toMatch(/^This results file is damaged: /);
  });

  it('refuses more probes than any results file holds, whatever its experiment', () => {
    const parsed = parseResultsDocument(withProbes(100_001, 'not a probe', { version: 99 }));
    expect(parsed.ok ? 'read' : parsed.error).toBe(
      'This results file holds 100,001 probes, more than any EMC Lab results file (at most 100,000).',
    );
  });

  it('names the size limit of a results file', () => {
    expect(resultsFileSizeProblem(MAX_RESULTS_FILE_BYTES)).toBeUndefined();
    expect(resultsFileSizeProblem(61_234_567)).toBe(
      'This file is 61.2 MB, larger than any EMC Lab results file (at most 50 MB); it was not read.',
    );
  });
});
