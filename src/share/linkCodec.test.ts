import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../engine/results.ts';
import {
  ACTIVATIONS,
  DATA_SOURCES,
  INPUT_KINDS,
  MODEL_FAMILIES,
  type ExperimentSpec,
  OPTIMIZERS,
  parseSpec,
  SPEC_VERSION,
} from '../engine/spec/index.ts';
import { createRng, type Rng } from '../engine/random.ts';
import { DEFAULT_SPEC } from '../state/defaultSpec.ts';
import { decodeLink, encodeLink, MAX_LINK_CHARS } from './linkCodec.ts';
import { migrateSpec } from '../engine/spec/index.ts';

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)] as T;

/** A random valid spec: every field drawn within its bounds. */
function randomSpec(rng: Rng): ExperimentSpec {
  const labels = pick(rng, ['true', 'random'] as const);
  const source = pick(rng, DATA_SOURCES);
  const shipped = source !== 'gaussian';
  // Images (shipped, or gaussian with three dimensions) allow every family.
  const family = shipped ? pick(rng, MODEL_FAMILIES) : 'mlp';
  const vit = family === 'vit';
  const heads = 1 + rng.int(2);
  return parseSpec({
    version: SPEC_VERSION,
    name: `Spec ${rng.int(1e6)} «ünïcode» <b>&`,
    seed: rng.int(2 ** 31),
    data: shipped
      ? {
          source,
          inputs: pick(rng, INPUT_KINDS),
          labels,
          labelNoise: labels === 'true' ? Math.round(rng.next() * 100) / 100 : 0,
          poolSize: 1 + rng.int(2000),
          testSize: rng.int(2000),
        }
      : {
          source,
          inputShape: Array.from({ length: 1 + rng.int(3) }, () => 1 + rng.int(12)),
          classes: 2 + rng.int(20),
          labels,
          labelNoise: labels === 'true' ? Math.round(rng.next() * 100) / 100 : 0,
          poolSize: 1 + rng.int(5000),
          testSize: rng.int(1000),
        },
    model: {
      family,
      depth: rng.int(family === 'mlp' ? 6 : 3),
      activation: pick(rng, ACTIVATIONS),
      ...(vit ? { patchSize: pick(rng, [4, 7, 14]), heads, mlpRatio: 1 + rng.int(4) } : {}),
    },
    sweep: {
      widths: Array.from({ length: 1 + rng.int(8) }, () =>
        family === 'mlp' ? 1 + rng.int(512) : heads * (1 + rng.int(16)),
      ),
    },
    train: {
      optimizer: pick(rng, OPTIMIZERS),
      learningRate: rng.next() * 0.5 + 1e-4,
      batchSize: rng.next() < 0.3 ? 'full' : 1 + rng.int(512),
      maxEpochs: 1 + rng.int(5000),
      patience: 1 + rng.int(200),
      minDelta: rng.next() * 0.01,
      checkEvery: 1 + rng.int(5),
    },
    search: {
      precision: rng.next() * 0.5,
      seeds: 1 + rng.int(5),
      ...(family === 'mlp' ? { parallel: 1 + rng.int(8) } : {}),
    },
  });
}

const hashOf = (payload: unknown) => `#e=${compressToEncodedURIComponent(JSON.stringify(payload))}`;

function resultsFor(spec: ExperimentSpec, probes: number): ExperimentResults {
  return {
    format: 'emc-lab-results',
    version: 1,
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
    points: spec.sweep.widths.map((width, index) => ({
      index,
      width,
      model: `MLP 1×${width} relu`,
      parameterCount: width * 10,
      emcMean: width * 3,
      emcStd: 0,
      seeds: [
        {
          seedIndex: 0,
          seed: 7,
          emc: width * 3,
          bracket: [width * 3, width * 3 + 2],
          censored: false,
          probes: 6,
          testAccuracy: 0.75,
        },
      ],
      nonMonotone: [],
      wallMs: 1234.5,
    })),
    probes: Array.from({ length: probes }, (_, i) => ({
      pointIndex: 0,
      seedIndex: 0,
      n: 10 + i,
      fits: i % 2 === 0,
      stopReason: i % 2 === 0 ? 'fit' : 'plateau',
      epochs: 40,
      steps: 40,
      finalLoss: 0.1,
      finalAccuracy: i % 2 === 0 ? 1 : 0.95,
      testAccuracy: null,
      wallMs: 300,
    })),
  };
}

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
        return {
          seedIndex,
          seed: 0,
          emc,
          bracket: [emc, emc + rng.int(1e4)],
          censored: false,
          probes: rng.int(99),
          testAccuracy: rng.next(),
        };
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
  ])('refuses %s with a message naming the problem', (_, hash, message) => {
    const decoded = decodeLink(hash);
    expect(decoded.kind).toBe('error');
    if (decoded.kind === 'error') {
      expect(decoded.message).toContain(message);
      expect(decoded.message).toContain('The default experiment is shown instead.');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
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
      1: (spec: Record<string, unknown>) => ({ ...spec, renamed: spec.old, old: undefined }),
      2: (spec: Record<string, unknown>) => ({ ...spec, added: 'default' }),
    };
    const migrated = migrateSpec({ version: 1, old: 5 }, migrations, 3);
    expect(migrated).toEqual({
      ok: true,
      spec: { version: 3, renamed: 5, old: undefined, added: 'default' },
    });
  });

  it('says which version can no longer be read when a migration is missing', () => {
    expect(migrateSpec({ version: 1 }, {}, 2)).toEqual({
      ok: false,
      error: 'spec version 1 can no longer be read',
    });
  });

  it('leaves a current spec as it is', () => {
    expect(migrateSpec({ ...DEFAULT_SPEC })).toEqual({ ok: true, spec: { ...DEFAULT_SPEC } });
  });
});
