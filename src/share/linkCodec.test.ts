import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import {
  type ExperimentResults,
  type PointResult,
  type ProbeRecord,
  RESULTS_VERSION,
  type SeedResult,
} from '../engine/results.ts';
import {
  ACTIVATIONS,
  DATA_SOURCES,
  INPUT_KINDS,
  MODEL_FAMILIES,
  type ExperimentSpec,
  OPTIMIZERS,
  parseSpec,
  SPEC_VERSION,
} from '../engine/experiment/index.ts';
import { SHIPPED_DATASETS, SHIPPED_TABLES } from '../engine/data/catalog.ts';
import { createRng, type Rng } from '../engine/random.ts';
import { probeRecord, searchedPoint, seedResult } from '../engine/testFixtures.ts';
import { DEFAULT_SPEC } from '../stores/defaultSpec.ts';
import { decodeLink, encodeLink, MAX_LINK_CHARS } from './linkCodec.ts';
import { compactResults } from './compactResults.ts';
import { sweepPoints } from '../engine/experiment/sweepPoints.ts';
import { expandingLinkData } from './hostileLinks.ts';
import { DEFAULT_PATIENCE_STEPS, migrateSpec, readSpec } from '../engine/experiment/index.ts';

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)] as T;

/** A random valid spec: every field drawn within its bounds. */
/** Data of every kind of source, with the fields that source takes. */
function randomData(
  rng: Rng,
  source: (typeof DATA_SOURCES)[number],
  labels: 'true' | 'random',
): Record<string, unknown> {
  const common = {
    source,
    labels,
    labelNoise: labels === 'true' ? Math.round(rng.next() * 100) / 100 : 0,
  };
  if (source === 'gaussian') {
    return {
      ...common,
      inputShape: Array.from({ length: 1 + rng.int(3) }, () => 1 + rng.int(12)),
      classes: 2 + rng.int(20),
      poolSize: 1 + rng.int(5000),
      testSize: rng.int(1000),
    };
  }
  const inputs = pick(rng, INPUT_KINDS);
  if (source === 'csv' || source === 'images') {
    const rows = 2 + rng.int(5000);
    const poolSize = 1 + rng.int(rows - 1);
    return {
      ...common,
      inputs,
      file: `my data «${rng.int(100)}».${source === 'csv' ? 'csv' : 'zip'}`,
      sha256: Array.from({ length: 64 }, () => '0123456789abcdef'[rng.int(16)]).join(''),
      rows,
      classes: 2 + rng.int(20),
      inputShape: source === 'csv' ? [1 + rng.int(50)] : [28, 28, pick(rng, [1, 3])],
      ...(source === 'csv' && rng.int(2) === 0 ? { labelColumn: 'kind' } : {}),
      poolSize,
      testSize: rng.int(rows - poolSize + 1),
    };
  }
  const rows =
    source in SHIPPED_TABLES ? SHIPPED_TABLES[source as keyof typeof SHIPPED_TABLES].rows : 4000;
  const poolSize = 1 + rng.int(rows / 2);
  return { ...common, inputs, poolSize, testSize: rng.int(rows / 2) };
}

/**
 * A random valid spec. Draws that the memory estimate refuses (a wide model on a large full
 * batch, say) are drawn again: a link never carries a spec that does not validate.
 */
function randomSpec(rng: Rng): ExperimentSpec {
  for (;;) {
    const check = readSpec(randomSpecInput(rng));
    if (check.ok) return check.spec;
    const problems = check.errors.join('; ');
    if (!problems.includes('memory'))
      throw new Error(`the generator drew an invalid spec: ${problems}`);
  }
}

function randomSpecInput(rng: Rng): unknown {
  const labels = pick(rng, ['true', 'random'] as const);
  const source = pick(rng, DATA_SOURCES);
  const data = randomData(rng, source, labels);
  // Image inputs (shipped, the user's, or gaussian with three dimensions) allow every family.
  const images =
    (data.inputShape as number[] | undefined)?.length === 3 || source in SHIPPED_DATASETS;
  const family = images && source !== 'gaussian' ? pick(rng, MODEL_FAMILIES) : 'mlp';
  const vit = family === 'vit';
  const heads = 1 + rng.int(2);
  const optimizer = pick(rng, OPTIMIZERS);
  // A random subspace (sometimes swept over dimensions), low-precision weights, or neither.
  const reparameterized = pick(rng, ['subspace', 'precision', 'none'] as const);
  const dimensions =
    reparameterized === 'subspace' && rng.next() < 0.5
      ? Array.from({ length: 1 + rng.int(3) }, () => 1 + rng.int(2000))
      : undefined;
  const widths = Array.from({ length: 1 + rng.int(dimensions ? 4 : 8) }, () =>
    family === 'mlp' ? 1 + rng.int(512) : heads * (1 + rng.int(16)),
  );
  const stackable = family === 'mlp' && optimizer !== 'shampoo' && reparameterized === 'none';
  return {
    version: SPEC_VERSION,
    name: `Spec ${rng.int(1e6)} «ünïcode» <b>&`,
    seed: rng.int(2 ** 31),
    data,
    model: {
      family,
      depth: rng.int(family === 'mlp' ? 6 : 3),
      activation: pick(rng, ACTIVATIONS),
      ...(vit ? { patchSize: pick(rng, [4, 7, 14]), heads, mlpRatio: 1 + rng.int(4) } : {}),
      ...(reparameterized === 'subspace'
        ? {
            subspace: {
              dimension: 1 + rng.int(5000),
              projection: pick(rng, ['sparse', 'dense'] as const),
            },
          }
        : {}),
      ...(reparameterized === 'precision'
        ? { precision: { bits: pick(rng, [2, 3, 4, 8, 16, 32]) } }
        : {}),
    },
    sweep: { widths, ...(dimensions ? { dimensions } : {}) },
    train: {
      optimizer,
      learningRate: rng.next() * 0.5 + 1e-4,
      batchSize: rng.next() < 0.3 ? 'full' : 1 + rng.int(512),
      maxSteps: 1 + rng.int(100_000),
      ...(rng.next() < 0.5 ? { maxEpochs: 1 + rng.int(5000) } : {}),
      gradTolerance: Math.max(1e-4, Math.round(rng.next() * 1000) / 1000),
      saddleTolerance: Math.round(rng.next() * 1000) / 1000,
      patience: 1 + rng.int(200),
      minDelta: rng.next() * 0.01,
      checkEvery: 1 + rng.int(5),
    },
    search: {
      precision: rng.next() * 0.5,
      seeds: 1 + rng.int(5),
      ...(stackable ? { parallel: 1 + rng.int(8) } : {}),
    },
  };
}

const hashOf = (payload: unknown) => `#e=${compressToEncodedURIComponent(JSON.stringify(payload))}`;

/**
 * A finished run of the spec, consistent with itself: one seed per width, EMC 3 × width,
 * and `extra` more fitting probes below the EMCs, spread over the points.
 */
function resultsFor(spec: ExperimentSpec, extra: number): ExperimentResults {
  const searched = sweepPoints(spec).map(({ width, dimension }, index) =>
    searchedPoint([width * 3], {
      index,
      width,
      ...(dimension === undefined ? {} : { dimension }),
      model: `MLP 1×${width} relu`,
      parameterCount: width * 10,
      wallMs: 1234.5,
    }),
  );
  const points = searched.map(({ point }) => point);
  const probes = searched.flatMap((s) => s.probes);
  for (let i = 0; i < extra; i++) {
    const point = points[i % points.length] as PointResult;
    const seed = point.seeds[0] as SeedResult;
    seed.probes++;
    probes.push(
      probeRecord({
        pointIndex: point.index,
        n: 1 + Math.floor(i / points.length),
        epochs: 40,
        steps: 40,
        wallMs: 300,
      }),
    );
  }
  for (const point of points) {
    for (const seed of point.seeds) seed.testAccuracy = 0.75;
  }
  return {
    format: 'emc-lab-results',
    version: RESULTS_VERSION,
    status: 'complete',
    spec,
    environment: {
      backend: 'webgpu',
      floatPrecision: 32,
      tfjsVersion: '4.22.0',
      engineVersion: '0.1.0',
      platform: 'test',
    },
    dataset: 'gaussian',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:01:00Z',
    points,
    probes,
  };
}

/** A results version 1 spec, as links written before version 2 carry it. */
const VERSION_ONE_SPEC = {
  version: 1,
  name: 'MLP width sweep on random labels',
  seed: 1,
  data: {
    source: 'gaussian',
    inputShape: [8],
    classes: 4,
    labels: 'random',
    labelNoise: 0,
    poolSize: 400,
    testSize: 0,
  },
  model: { family: 'mlp', depth: 1, activation: 'relu' },
  sweep: { widths: [4, 8] },
  train: {
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 'full',
    maxEpochs: 300,
    patience: 40,
    minDelta: 0.0001,
  },
  search: { precision: 0.1, seeds: 1 },
};

describe('share links', () => {
  it('round-trips 300 random specs exactly', () => {
    const rng = createRng(42);
    for (let i = 0; i < 300; i++) {
      const spec = randomSpec(rng);
      const decoded = decodeLink(encodeLink(spec).fragment);
      expect(decoded).toEqual({ kind: 'ok', spec });
    }
  });

  it('embeds results so the receiver sees points and probes without a run', () => {
    const spec = parseSpec(DEFAULT_SPEC);
    const results = resultsFor(spec, 20);
    const link = encodeLink(spec, results);
    expect(link.embedded).toBe('points+probes');
    expect(link.fragment.length).toBeLessThanOrEqual(MAX_LINK_CHARS);
    const decoded = decodeLink(link.fragment);
    if (decoded.kind !== 'ok') throw new Error(JSON.stringify(decoded));
    expect(decoded.results?.points.map((p) => [p.width, p.emcMean, p.seeds[0]?.bracket])).toEqual(
      results.points.map((p) => [p.width, p.emcMean, p.seeds[0]?.bracket]),
    );
    expect(decoded.results?.probes.map((p) => [p.n, p.fits, p.stopReason])).toEqual(
      results.probes.map((p) => [p.n, p.fits, p.stopReason]),
    );
    expect(decoded.results?.points[0]?.seeds[0]?.testAccuracy).toBe(0.75);
  });

  it('carries a subspace sweep: each point keeps its dimension, the spec its reparameterization', () => {
    const spec = parseSpec({
      ...DEFAULT_SPEC,
      model: { ...DEFAULT_SPEC.model, subspace: { dimension: 10, projection: 'sparse' } },
      sweep: { widths: [4, 8], dimensions: [5, 50] },
      train: { ...DEFAULT_SPEC.train, optimizer: 'shampoo' },
      search: { ...DEFAULT_SPEC.search, parallel: 1 },
    });
    const results = resultsFor(spec, 4);
    const decoded = decodeLink(encodeLink(spec, results).fragment);
    if (decoded.kind !== 'ok') throw new Error(JSON.stringify(decoded));
    expect(decoded.spec).toEqual(spec);
    expect(decoded.results?.points.map((p) => [p.width, p.dimension])).toEqual([
      [4, 5],
      [4, 50],
      [8, 5],
      [8, 50],
    ]);
    const precise = parseSpec({
      ...DEFAULT_SPEC,
      model: { ...DEFAULT_SPEC.model, precision: { bits: 4 } },
      search: { ...DEFAULT_SPEC.search, parallel: 1 },
    });
    expect(decodeLink(encodeLink(precise).fragment)).toEqual({ kind: 'ok', spec: precise });
  });

  it('round-trips budget-limited seeds and converged probes, leaving the unsent unknown', () => {
    const spec = parseSpec(DEFAULT_SPEC);
    const results = resultsFor(spec, 4);
    const [first, second] = results.points;
    if (!first || !second) throw new Error('the default spec sweeps several widths');
    // Point 2's smallest failing N ran out of budget, undecided: budget-limited, unverified.
    const { width, model, parameterCount } = second;
    const undecided = searchedPoint([24], {
      index: 1,
      width,
      model,
      parameterCount,
      undecided: true,
    });
    results.points[1] = undecided.point;
    results.probes = [
      ...results.probes.filter((p) => p.pointIndex !== 1),
      ...undecided.probes.map((p) =>
        p.fits ? p : { ...p, steps: 2500, extensions: 3, wallMs: 900 },
      ),
    ];
    const decoded = decodeLink(encodeLink(spec, results).fragment);
    if (decoded.kind !== 'ok' || !decoded.results) throw new Error(JSON.stringify(decoded));
    const { points, probes, version } = decoded.results;
    expect(version).toBe(RESULTS_VERSION);
    expect(points.map((p) => p.budgetLimited).slice(0, 2)).toEqual([false, true]);
    expect(points[1]?.seeds[0]?.budgetLimited).toBe(true);
    expect(points[0]?.seeds[0]?.budgetLimited).toBe(first.seeds[0]?.budgetLimited);
    expect(probes.map((p) => [p.stopReason, p.converged, p.steps, p.extensions])).toEqual(
      results.probes.map((p) => [p.stopReason, p.converged, p.steps, p.extensions]),
    );
    expect(probes[1]).toMatchObject({ stopReason: 'converged', converged: true });
    for (const probe of probes) {
      expect(probe).toMatchObject({
        gradNorm: null,
        initialGradNorm: null,
        hessianMin: null,
        hessianMax: null,
      });
      expect(Number.isNaN(probe.finalLoss)).toBe(true);
    }
  });

  it('round-trips verified and overturned seeds, verification probes and saddle escapes', () => {
    const spec = parseSpec(DEFAULT_SPEC);
    const results = resultsFor(spec, 4);
    const [first, second] = results.points;
    if (!first || !second) throw new Error('the default spec sweeps several widths');
    // Two verdicts below the EMC were overturned: failures that fitted when trained longer.
    results.points[0] = {
      ...first,
      verified: true,
      seeds: first.seeds.map((s) => ({
        ...s,
        verified: true,
        overturned: 2,
        probes: s.probes + 4,
      })),
    };
    for (const n of [10, 11]) {
      results.probes.push(
        probeRecord({ n, fits: false }),
        probeRecord({ n, fits: true, verification: true }),
      );
    }
    results.points[1] = {
      ...second,
      verified: false,
      seeds: second.seeds.map((s) => ({ ...s, verified: false, overturned: 0 })),
    };
    // The verification of N = 13 spent its longer budget without fitting: the verdict held.
    results.probes[2] = probeRecord({
      n: 13,
      fits: false,
      stopReason: 'budget',
      converged: false,
      verification: true,
    });
    results.probes[3] = { ...(results.probes[3] as ProbeRecord), saddleEscapes: 3 };
    const decoded = decodeLink(encodeLink(spec, results).fragment);
    if (decoded.kind !== 'ok' || !decoded.results) throw new Error(JSON.stringify(decoded));
    const { points, probes } = decoded.results;
    expect(points.slice(0, 2).map((p) => p.verified)).toEqual([true, false]);
    expect(points[0]?.seeds.map((s) => [s.verified, s.overturned])).toEqual([[true, 2]]);
    expect(points[1]?.seeds.map((s) => [s.verified, s.overturned])).toEqual([[false, 0]]);
    expect(probes.map((p) => [p.verification, p.saddleEscapes])).toEqual(
      results.probes.map((p) => [p.verification, p.saddleEscapes]),
    );
  });

  it('reads a link from before verification as unverified, never as verified', () => {
    const spec = parseSpec(DEFAULT_SPEC);
    const compact = compactResults(resultsFor(spec, 2), true);
    // Cut every tuple back to what links carried before verification.
    const old = {
      ...compact,
      // Without their verification probes, which links before verification never held.
      points: compact.points.map((p) => {
        const seeds = (p[4] as number[][]).map((s) => [
          ...s.slice(0, 3),
          (s[3] as number) - 1,
          ...s.slice(4, 7),
        ]);
        return [...p.slice(0, 4), seeds, ...p.slice(5)];
      }),
      probes: compact.probes?.filter((p) => p[11] !== 1).map((p) => p.slice(0, 11)),
    };
    const fragment = `#e=${compressToEncodedURIComponent(JSON.stringify({ spec, results: old }))}`;
    const decoded = decodeLink(fragment);
    if (decoded.kind !== 'ok' || !decoded.results) throw new Error(JSON.stringify(decoded));
    expect(decoded.results.points.every((p) => !p.verified)).toBe(true);
    expect(decoded.results.probes.every((p) => !p.verification && p.saddleEscapes === 0)).toBe(
      true,
    );
  });

  it('opens a version-2 link and says how it read its patience', () => {
    const v2 = { ...DEFAULT_SPEC, version: 2, train: { ...DEFAULT_SPEC.train, patience: 40 } };
    const fragment = `#e=${compressToEncodedURIComponent(JSON.stringify({ spec: v2 }))}`;
    const decoded = decodeLink(fragment);
    if (decoded.kind !== 'ok') throw new Error(JSON.stringify(decoded));
    expect(decoded.spec.version).toBe(3);
    expect(decoded.migrationNotes?.[0]).toMatch(
      /patience of 40 epochs now reads as 500 optimizer steps/,
    );
  });

  it('round-trips non-monotone pairs, every seed and the float precision', () => {
    const spec = parseSpec(DEFAULT_SPEC);
    const results = resultsFor(spec, 4);
    results.environment = { ...results.environment, backend: 'webgl', floatPrecision: 16 };
    results.points = results.points.map((p, i) => ({
      ...p,
      seeds: p.seeds.map((s) => ({ ...s, seed: 1_234_567 + i })),
      nonMonotone: i === 1 ? [{ fitted: 30, failed: 24, seedIndex: 0 }] : [],
    }));
    const decoded = decodeLink(encodeLink(spec, results).fragment);
    if (decoded.kind !== 'ok' || !decoded.results) throw new Error(JSON.stringify(decoded));
    expect(decoded.results.environment.floatPrecision).toBe(16);
    expect(decoded.results.points.map((p) => p.nonMonotone)).toEqual(
      results.points.map((p) => p.nonMonotone),
    );
    expect(decoded.results.points.map((p) => p.seeds.map((s) => s.seed))).toEqual(
      results.points.map((p) => p.seeds.map((s) => s.seed)),
    );
  });

  it('leaves what an older link did not carry unknown, and derives what its probes show', () => {
    const old = decodeLink(
      hashOf({
        spec: VERSION_ONE_SPEC,
        results: {
          status: 'cancelled',
          backend: 'wasm',
          points: [[4, 40, 14, 0, [[14, 14, 15, 3, null, 0]], 900, 'MLP 1×4 relu']],
          probes: [
            [0, 0, 10, 0, 4, 80, 100, 0.9, 1],
            [0, 0, 14, 1, 0, 80, 100, 1, 0],
            [0, 0, 15, 0, 4, 300, 300, 0.93, 1],
          ],
        },
      }),
    );
    if (old.kind !== 'ok' || !old.results) throw new Error(JSON.stringify(old));
    expect(old.results.environment.floatPrecision).toBeNull();
    expect(old.results.points[0]?.seeds[0]?.seed).toBeNaN();
    // 14 fitted where 10 had not: the pair the engine would have recorded.
    expect(old.results.points[0]?.nonMonotone).toEqual([{ fitted: 14, failed: 10, seedIndex: 0 }]);
  });

  it('round-trips generalization at the shared N, and a point without it as null', () => {
    const spec = parseSpec(DEFAULT_SPEC);
    const results = resultsFor(spec, 4);
    const measured = { n: 24, trainAccuracy: 1, testAccuracy: 0.6875, fits: true };
    results.points = results.points.map((p, i) => ({
      ...p,
      generalization: i === 1 ? null : { ...measured, fits: i === 0 },
    }));
    const decoded = decodeLink(encodeLink(spec, results).fragment);
    if (decoded.kind !== 'ok' || !decoded.results) throw new Error(JSON.stringify(decoded));
    expect(decoded.results.points.map((p) => p.generalization)).toEqual(
      results.points.map((p) => p.generalization),
    );
  });

  it('still opens results links written before budget limits, judging them by their probes', () => {
    const point = (width: number, seeds: (number | null)[][]) => [
      width,
      40,
      seeds[0]?.[0],
      0,
      seeds,
      900,
      `MLP 1×${width} relu`,
    ];
    const old = decodeLink(
      hashOf({
        spec: VERSION_ONE_SPEC,
        results: {
          status: 'complete',
          backend: 'webgl',
          points: [point(4, [[12, 12, 13, 2, null]]), point(8, [[20, 20, 22, 2, null]])],
          probes: [
            // [point, seed, n, fits, stop reason (v1: fit, plateau, budget, diverged), epochs, ms, accuracy]
            [0, 0, 12, 1, 0, 80, 100, 1],
            [0, 0, 13, 0, 2, 300, 300, 0.93],
            [1, 0, 20, 1, 0, 90, 100, 1],
            [1, 0, 22, 0, 1, 150, 200, 0.95],
          ],
        },
      }),
    );
    if (old.kind !== 'ok' || !old.results) throw new Error(JSON.stringify(old));
    expect(old.spec.train.maxEpochs).toBe(300);
    // Point 1's decisive N = 13 ran out of epochs; point 2's N = 22 stopped on a plateau.
    expect(old.results.points.map((p) => p.budgetLimited)).toEqual([true, false]);
    expect(old.results.points.map((p) => p.generalization)).toEqual([null, null]);
    expect(old.results.probes.map((p) => p.stopReason)).toEqual([
      'fit',
      'budget',
      'fit',
      'plateau',
    ]);
    expect(old.results.probes.every((p) => !p.converged && Number.isNaN(p.steps))).toBe(true);

    const withoutProbes = decodeLink(
      hashOf({
        spec: VERSION_ONE_SPEC,
        results: {
          status: 'complete',
          backend: 'webgl',
          points: [point(4, [[12, 12, 13, 2, null]]), point(8, [[20, 20, 22, 2, null]])],
        },
      }),
    );
    if (withoutProbes.kind !== 'ok') throw new Error(JSON.stringify(withoutProbes));
    expect(withoutProbes.results?.points[0]?.budgetLimited).toBe(false);
  });

  it('drops the probes, then all results, and says so when the link would exceed 8 KB', () => {
    const spec = parseSpec(DEFAULT_SPEC);
    const many = encodeLink(spec, resultsFor(spec, 3000));
    expect(many.embedded).toBe('points');
    expect(many.note).toMatch(/search trace was left out/);
    const wide = parseSpec({
      ...DEFAULT_SPEC,
      sweep: { widths: Array.from({ length: 32 }, (_, i) => i + 1) },
    });
    const huge = resultsFor(wide, 0);
    const rng = createRng(1);
    for (const point of huge.points) {
      point.seeds = Array.from({ length: 20 }, (_, seedIndex) => {
        const emc = rng.int(1e6);
        return seedResult({
          seedIndex,
          seed: 0,
          emc,
          bracket: [emc, emc + rng.int(1e4)],
          probes: rng.int(99),
          testAccuracy: rng.next(),
        });
      });
    }
    const tooBig = encodeLink(wide, huge);
    expect(tooBig.embedded).toBe('spec');
    expect(tooBig.note).toMatch(/too large to embed/);
  });

  it('treats an empty fragment as no link', () => {
    expect(decodeLink('')).toEqual({ kind: 'none' });
    expect(decodeLink('#')).toEqual({ kind: 'none' });
  });

  it.each([
    ['a fragment without the experiment', '#foo=bar', 'has no experiment in it'],
    [
      'a truncated link',
      `${hashOf({ spec: parseSpec(DEFAULT_SPEC) }).slice(0, 60)}`,
      'truncated or corrupted',
    ],
    ['garbage data', '#e=%%%%', 'truncated or corrupted'],
    ['compressed non-JSON', `#e=${compressToEncodedURIComponent('{not json')}`, 'not valid JSON'],
    ['JSON without a spec', hashOf({ hello: 1 }), 'holds no experiment spec'],
    [
      'a spec from the future',
      hashOf({ spec: { ...DEFAULT_SPEC, version: SPEC_VERSION + 1 } }),
      'made by a newer EMC Lab',
    ],
    [
      'a spec without a version',
      hashOf({ spec: { ...DEFAULT_SPEC, version: undefined } }),
      'no valid version',
    ],
    [
      'an out-of-range field',
      hashOf({ spec: { ...DEFAULT_SPEC, seed: -5 } }),
      'seed: must be at least 0',
    ],
    [
      'an unknown field',
      hashOf({ spec: { ...DEFAULT_SPEC, onload: 'alert(1)' } }),
      'unknown field "onload"',
    ],
    [
      'a prototype-polluting key',
      `#e=${compressToEncodedURIComponent(`{"spec":${JSON.stringify(DEFAULT_SPEC).replace('{', '{"__proto__":{"polluted":1},')}}`)}`,
      'unknown field "__proto__"',
    ],
    [
      'extra top-level parts',
      hashOf({ spec: DEFAULT_SPEC, script: '<script>' }),
      'unknown parts: script',
    ],
    ['a huge fragment', `#e=${'A'.repeat(300_000)}`, 'more than any EMC Lab link'],
    [
      'a 3 KB link that expands to 2 M characters',
      `#e=${expandingLinkData(2000)}`,
      'its data expands to more than 1,000,000 characters',
    ],
  ])('refuses %s with a message naming the problem', (_, hash, message) => {
    const decoded = decodeLink(hash);
    expect(decoded.kind).toBe('error');
    if (decoded.kind === 'error') {
      expect(decoded.message).toContain(message);
      expect(decoded.message).toContain('The default experiment is shown instead.');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  /** The default experiment on a pool of 400 (the messages below name it). */
  const pool400 = () =>
    parseSpec({ ...DEFAULT_SPEC, data: { ...DEFAULT_SPEC.data, poolSize: 400 } });

  it('keeps the experiment but ignores results that contradict themselves, naming the field', () => {
    const spec = pool400();
    const results = resultsFor(spec, 0);
    const seed = results.points[0]?.seeds[0] as SeedResult;
    Object.assign(seed, { emc: 1e9, bracket: [1e9, null], censored: true });
    const decoded = decodeLink(encodeLink(spec, results).fragment);
    if (decoded.kind !== 'ok') throw new Error(JSON.stringify(decoded));
    expect(decoded.spec).toEqual(spec);
    expect(decoded.results).toBeUndefined();
    expect(decoded.warning).toBe(
      'The results embedded in this link contradict themselves (points[0].seeds[0].emc: 1000000000 exceeds the pool size 400) and were ignored; run it to see them.',
    );
  });

  it('ignores a link whose probes are more than its searches could train', () => {
    const spec = pool400();
    const results = resultsFor(spec, 0);
    // A probe at every N the pool has left: far more than a search of 400 samples trains.
    const seed = results.points[0]?.seeds[0] as SeedResult;
    for (let n = 14; n <= 400; n++) results.probes.push(probeRecord({ n }));
    seed.probes += 387;
    const fragment = `#e=${compressToEncodedURIComponent(JSON.stringify({ spec, results: compactResults(results, true) }))}`;
    const decoded = decodeLink(fragment);
    if (decoded.kind !== 'ok') throw new Error(JSON.stringify(decoded));
    expect(decoded.results).toBeUndefined();
    expect(decoded.warning).toContain(
      '(points[0].seeds[0].probes: 389 search probes, more than 22, the most a search of a pool of 400 can train)',
    );
  });

  it('keeps the experiment but ignores damaged embedded results, with a warning', () => {
    const decoded = decodeLink(
      hashOf({
        spec: DEFAULT_SPEC,
        results: { status: 'complete', backend: 'x', points: [[1, 2, 'three']] },
      }),
    );
    expect(decoded.kind).toBe('ok');
    if (decoded.kind === 'ok') {
      expect(decoded.results).toBeUndefined();
      expect(decoded.warning).toMatch(/damaged and were ignored/);
    }
  });
});

describe('spec migrations', () => {
  it('applies one migration per version, in order, up to the current version', () => {
    const migrations = {
      1: (spec: Record<string, unknown>) => ({
        spec: { ...spec, renamed: spec.old, old: undefined },
      }),
      2: (spec: Record<string, unknown>) => ({
        spec: { ...spec, added: 'default' },
        note: 'added a field',
      }),
    };
    const migrated = migrateSpec({ version: 1, old: 5 }, migrations, 3);
    expect(migrated).toEqual({
      ok: true,
      spec: { version: 3, renamed: 5, old: undefined, added: 'default' },
      notes: ['added a field'],
    });
  });

  it('reads a version-2 patience of epochs as that many epochs at the pool, in optimizer steps', () => {
    const v2 = {
      ...DEFAULT_SPEC,
      version: 2,
      data: { source: 'gaussian', inputShape: [10], classes: 2, poolSize: 2000 },
      train: { ...DEFAULT_SPEC.train, batchSize: 64, patience: 30 },
    };
    const check = readSpec(v2);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    // 30 epochs of ceil(2000 / 64) = 32 steps: the most patient the old spec ever was.
    expect(check.spec.train.patience).toBe(960);
    expect(check.spec.search.verify).toBe(true);
    expect(check.migrationNotes?.[0]).toMatch(
      /patience of 30 epochs now reads as 960 optimizer steps/,
    );
  });

  it('never makes a version-2 spec less patient than the default, and says so', () => {
    const fullBatch = {
      ...DEFAULT_SPEC,
      version: 2,
      train: { ...DEFAULT_SPEC.train, batchSize: 'full', patience: 40 },
    };
    const check = readSpec(fullBatch);
    expect(check.ok && check.spec.train.patience).toBe(DEFAULT_PATIENCE_STEPS);
    expect(check.ok && check.migrationNotes?.[0]).toMatch(/raised to the default of 500/);
  });

  it('says which version can no longer be read when a migration is missing', () => {
    expect(migrateSpec({ version: 1 }, {}, 2)).toEqual({
      ok: false,
      error: 'spec version 1 can no longer be read',
    });
  });

  it('leaves a current spec as it is', () => {
    expect(migrateSpec({ ...DEFAULT_SPEC })).toEqual({
      ok: true,
      spec: { ...DEFAULT_SPEC },
      notes: [],
    });
  });
});

describe('comparison links', () => {
  const variant = (name: string, batchSize: number | 'full') =>
    parseSpec({ ...DEFAULT_SPEC, name, train: { ...DEFAULT_SPEC.train, batchSize } });
  const sgd = resultsFor(variant('SGD', 16), 6);
  const gd = resultsFor(variant('GD', 'full'), 6);
  // The second run is also the current one, as after a preset's last variant.
  const comparison = {
    title: 'Finding 3: SGD vs full-batch GD',
    runs: [
      { label: 'SGD, batch 16', results: sgd },
      { label: 'full-batch GD', results: gd },
    ],
  };
  const shape = (results: ExperimentResults | undefined) =>
    results?.points.map((p) => [p.width, p.emcMean, p.seeds.map((s) => s.bracket)]);

  it('carries every run with its label and spec, the current one once and shown as current', () => {
    const link = encodeLink(gd.spec, gd, comparison);
    expect(link.comparedRuns).toBe(2);
    expect(link.embedded).toBe('points+probes');
    expect(link.fragment.length).toBeLessThanOrEqual(MAX_LINK_CHARS);
    const decoded = decodeLink(link.fragment);
    if (decoded.kind !== 'ok') throw new Error(JSON.stringify(decoded));
    expect(decoded.comparison?.title).toBe('Finding 3: SGD vs full-batch GD');
    expect(decoded.comparison?.runs.map((r) => r.label)).toEqual([
      'SGD, batch 16',
      'full-batch GD',
    ]);
    expect(decoded.comparison?.runs.map((r) => r.results.spec)).toEqual([sgd.spec, gd.spec]);
    expect(decoded.comparison?.runs.map((r) => shape(r.results))).toEqual([shape(sgd), shape(gd)]);
    expect(decoded.comparison?.runs[0]?.results.probes).toHaveLength(sgd.probes.length);
    // The very object: the chart recognizes the current run among the pinned ones.
    expect(decoded.results).toBe(decoded.comparison?.runs[1]?.results);
  });

  it('adds the current run when it is not among the compared ones', () => {
    const current = resultsFor(variant('Adam', 32), 0);
    const decoded = decodeLink(encodeLink(current.spec, current, comparison).fragment);
    if (decoded.kind !== 'ok') throw new Error(JSON.stringify(decoded));
    expect(decoded.comparison?.runs).toHaveLength(2);
    expect(shape(decoded.results)).toEqual(shape(current));
    expect(decoded.comparison?.runs.some((r) => r.results === decoded.results)).toBe(false);
  });

  it('drops the search traces, then the comparison, and says so when the link would exceed 8 KB', () => {
    const long = (name: string, batchSize: number) => resultsFor(variant(name, batchSize), 1500);
    const a = long('a', 8);
    const b = long('b', 16);
    const traced = encodeLink(b.spec, b, {
      runs: [
        { label: 'a', results: a },
        { label: 'b', results: b },
      ],
    });
    expect(traced.embedded).toBe('points');
    expect(traced.comparedRuns).toBe(2);
    expect(traced.note).toMatch(/search traces were left out/);
    const many = Array.from({ length: 8 }, (_, i) => {
      const spec = parseSpec({
        ...variant(`run ${i}`, i + 1),
        sweep: { widths: Array.from({ length: 32 }, (_, w) => w + 1 + i) },
      });
      return { label: `run ${i}`, results: resultsFor(spec, 0) };
    });
    const last = many[7]?.results as ExperimentResults;
    const single = encodeLink(last.spec, last, { runs: many });
    expect(single.comparedRuns).toBeUndefined();
    expect(single.note).toMatch(/comparison is too large to embed.*current run only/);
    const decoded = decodeLink(single.fragment);
    if (decoded.kind !== 'ok') throw new Error(JSON.stringify(decoded));
    expect(decoded.comparison).toBeUndefined();
    expect(decoded.spec).toEqual(last.spec);
  });

  it('still opens links written before comparisons, with no comparison', () => {
    const fragment = hashOf({ spec: gd.spec, results: compactResults(gd, true) });
    const decoded = decodeLink(fragment);
    if (decoded.kind !== 'ok') throw new Error(JSON.stringify(decoded));
    expect(decoded.comparison).toBeUndefined();
    expect(shape(decoded.results)).toEqual(shape(gd));
  });

  it('ignores the whole comparison, naming the run, when one run contradicts itself', () => {
    const broken = resultsFor(variant('broken', 8), 0);
    Object.assign(broken.points[0]?.seeds[0] as SeedResult, {
      emc: 1e9,
      bracket: [1e9, null],
      censored: true,
    });
    const decoded = decodeLink(
      encodeLink(gd.spec, gd, {
        runs: [
          { label: 'broken', results: broken },
          { label: 'GD', results: gd },
        ],
      }).fragment,
    );
    if (decoded.kind !== 'ok') throw new Error(JSON.stringify(decoded));
    expect(decoded.spec).toEqual(gd.spec);
    expect(decoded.comparison).toBeUndefined();
    expect(decoded.results).toBeUndefined();
    expect(decoded.warning).toMatch(/\(run 1, “broken”\) contradict themselves/);
  });

  it('ignores a comparison whose current run is out of range or given twice', () => {
    const runs = [{ label: 'GD', spec: gd.spec, results: compactResults(gd, false) }];
    for (const payload of [
      { spec: gd.spec, comparison: { runs, current: 3 } },
      { spec: gd.spec, results: compactResults(gd, false), comparison: { runs, current: 0 } },
      { spec: gd.spec, comparison: { runs, extra: 1 } },
      {
        spec: gd.spec,
        comparison: { runs: [{ label: 'GD', spec: { version: 99 }, results: runs[0]?.results }] },
      },
    ]) {
      const decoded = decodeLink(hashOf(payload));
      if (decoded.kind !== 'ok') throw new Error(JSON.stringify(decoded));
      expect(decoded.comparison).toBeUndefined();
      expect(decoded.warning).toMatch(/comparison embedded in this link is damaged/);
    }
  });
});
