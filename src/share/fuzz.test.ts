import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../engine/random.ts';
import {
  type ExperimentResults,
  type PointResult,
  type ProbeRecord,
  RESULTS_VERSION,
} from '../engine/results.ts';
import { searchedPoint } from '../engine/testFixtures.ts';
import { readSpec } from '../engine/experiment/index.ts';
import { DEFAULT_SPEC } from '../stores/defaultSpec.ts';
import { decodeLink, encodeLink } from './linkCodec.ts';
import { parseResultsFile } from './resultsFile.ts';
import { parseSpec } from '../engine/experiment/index.ts';

/** Values a hostile or broken input might put anywhere. */
const NASTY: unknown[] = [
  null,
  undefined,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -1,
  0,
  1e308,
  -0,
  2 ** 53,
  '',
  'full',
  '<script>alert(1)</script>',
  '__proto__',
  'x'.repeat(10_000),
  [],
  [1, 2, 3],
  Array(5000).fill(7),
  {},
  { __proto__: { polluted: true } },
  true,
];

function mutate(value: unknown, rng: Rng, depth = 0): unknown {
  if (rng.next() < 0.15 || depth > 4) return NASTY[rng.int(NASTY.length)];
  if (Array.isArray(value))
    return value.map((v) => (rng.next() < 0.3 ? mutate(v, rng, depth + 1) : v));
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const roll = rng.next();
      if (roll < 0.08) continue; // drop the field
      copy[roll < 0.12 ? `${key}_typo` : key] = roll < 0.5 ? mutate(child, rng, depth + 1) : child;
    }
    return copy;
  }
  return value;
}

function randomText(rng: Rng, length: number): string {
  const alphabet = 'AZaz09+-$_=#&%.~ \u00e9\u4e2d\ud83d';
  return Array.from({ length }, () => alphabet[rng.int(alphabet.length)]).join('');
}

describe('fuzzing the decoders', () => {
  it('readSpec answers thousands of mutated specs with a verdict, never a crash', () => {
    const rng = createRng(11);
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const check = readSpec(mutate(DEFAULT_SPEC, rng));
      if (!check.ok) {
        refused++;
        expect(check.errors.length).toBeGreaterThan(0);
        // A spec no version reads gets its one reason; every other problem names its field.
        if (check.unreadable) expect(check.errors).toHaveLength(1);
        else for (const error of check.errors) expect(error).toMatch(/^[\w.]+: /);
      }
    }
    expect(refused).toBeGreaterThan(2000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('decodeLink answers random, mutated and truncated links without throwing', () => {
    const rng = createRng(12);
    const valid = encodeLink(parseSpec(DEFAULT_SPEC)).fragment;
    for (let i = 0; i < 3000; i++) {
      const kind = i % 4;
      const hash =
        kind === 0
          ? `#e=${randomText(rng, rng.int(400))}`
          : kind === 1
            ? valid.slice(0, rng.int(valid.length))
            : kind === 2
              ? valid.replace(/./g, (c) => (rng.next() < 0.02 ? randomText(rng, 1) : c))
              : `#e=${compressToEncodedURIComponent(JSON.stringify({ spec: mutate(DEFAULT_SPEC, rng) }))}`;
      const decoded = decodeLink(hash);
      expect(['none', 'ok', 'error']).toContain(decoded.kind);
      if (decoded.kind === 'ok') expect(readSpec(decoded.spec).ok).toBe(true);
    }
  });

  it.each([1, RESULTS_VERSION])(
    'parseResultsFile answers mutated version-%i results documents without throwing',
    (version) => {
      const rng = createRng(13 + version);
      const current = version === RESULTS_VERSION;
      const document = current ? validDocument() : { ...validDocument(), points: [], probes: [] };
      if (!current) document.status = 'cancelled';
      expect(parseResultsFile(JSON.stringify(document)).ok).toBe(true);
      for (let i = 0; i < 2000; i++) {
        const text =
          i % 5 === 0
            ? randomText(rng, rng.int(200))
            : (JSON.stringify(mutate(document, rng)) ?? 'null');
        const parsed = parseResultsFile(text);
        if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(10);
        else expect(parsed.results.version).toBe(RESULTS_VERSION);
      }
    },
  );

  it('parseResultsFile accepts a results file whose numbers are edited only when they still agree', () => {
    const rng = createRng(17);
    const document = validDocument();
    expect(parseResultsFile(JSON.stringify(document)).ok).toBe(true);
    let accepted = 0;
    for (let i = 0; i < 600; i++) {
      let parsed: ReturnType<typeof parseResultsFile> | undefined;
      try {
        parsed = parseResultsFile(JSON.stringify(nudge(document, rng)));
      } catch (error) {
        // Never a crash; were anything thrown, it would have to be an Error with a message.
        expect(error).toBeInstanceOf(Error);
      }
      expect(parsed).toBeDefined();
      if (!parsed?.ok) {
        expect(parsed?.error).toMatch(/^This (results file|is not)/);
        continue;
      }
      accepted++;
      expectConsistent(parsed.results);
    }
    // Some edits keep a file consistent (a wall time, a loss), most do not.
    expect(accepted).toBeGreaterThan(60);
    expect(accepted).toBeLessThan(540);
  });
});

/** A complete run of the default spec, consistent with itself: a searched seed per width. */
function validDocument() {
  const spec = parseSpec(DEFAULT_SPEC);
  const searched = spec.sweep.widths.map((width, index) =>
    searchedPoint([5 * (index + 2)], { index, width, undecided: index === 2 }),
  );
  return {
    format: 'emc-lab-results',
    version: RESULTS_VERSION as number,
    status: 'complete',
    spec,
    environment: {
      backend: 'cpu',
      floatPrecision: 32,
      tfjsVersion: '4.22.0',
      engineVersion: '0.1.0',
      platform: 'x',
    },
    dataset: 'd',
    startedAt: 's',
    finishedAt: null,
    points: searched.map((s) => s.point) as PointResult[],
    probes: searched.flatMap((s) => s.probes) as ProbeRecord[],
  };
}

/**
 * One plausible edit, not garbage: a number moved a little or a lot, a flag flipped, an
 * entry dropped or repeated. It stays within the schema's bounds, so only the rules between
 * fields can catch it. The spec is the reference the rest is judged by (the spec fuzz edits
 * it) and the version says which reader applies: neither is edited.
 */
function nudge(document: object, rng: Rng): unknown {
  const copy = structuredClone(document) as Record<string, unknown>;
  const sites: [Record<string, unknown> | unknown[], string | number][] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      sites.push([value, -1]);
      value.forEach((child, i) => {
        sites.push([value, i]);
        visit(child);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (value === copy && (key === 'spec' || key === 'version')) continue;
        sites.push([value as Record<string, unknown>, key]);
        visit(child);
      }
    }
  };
  visit(copy);
  const [owner, key] = sites[rng.int(sites.length)] as (typeof sites)[number];
  if (key === -1) {
    const list = owner as unknown[];
    if (list.length === 0) return copy;
    if (rng.next() < 0.5) list.splice(rng.int(list.length), 1);
    else list.push(structuredClone(list[rng.int(list.length)]));
    return copy;
  }
  const slot = owner as Record<string | number, unknown>;
  const value = slot[key];
  if (typeof value === 'boolean') slot[key] = !value;
  else if (typeof value === 'number') {
    const moves = [value + 1, value - 1, value * 2, 0, 400, 401, 9_999, 1e9, Math.floor(value / 2)];
    slot[key] = Math.max(0, moves[rng.int(moves.length)] as number);
  }
  return copy;
}

/** What every accepted results file holds, restated apart from the reader's own rules. */
function expectConsistent(results: ExperimentResults) {
  const pool = results.spec.data.poolSize;
  expect(results.points.map((p) => p.width)).toEqual(results.spec.sweep.widths);
  for (const point of results.points) {
    const emcs = point.seeds.map((s) => s.emc);
    expect(point.seeds.map((s) => s.seedIndex)).toEqual([0]);
    expect(point.emcMean).toBeCloseTo(emcs.reduce((a, b) => a + b, 0) / emcs.length, 6);
    expect(point.budgetLimited).toBe(point.seeds.some((s) => s.budgetLimited));
    for (const seed of point.seeds) {
      const own = results.probes.filter(
        (p) => p.pointIndex === point.index && p.seedIndex === seed.seedIndex,
      );
      const [lo, hi] = seed.bracket;
      expect(seed.emc).toBe(lo);
      expect(seed.emc).toBeLessThanOrEqual(pool);
      expect(seed.probes).toBe(own.length);
      if (hi !== null) expect(lo).toBeLessThan(hi);
      if (lo > 0) expect(own.some((p) => p.n === lo && p.fits)).toBe(true);
      if (hi !== null) expect(own.some((p) => p.n === hi && !p.fits && !p.verification)).toBe(true);
    }
  }
  for (const probe of results.probes) {
    expect(probe.n).toBeLessThanOrEqual(pool);
    expect(probe.fits).toBe(probe.stopReason === 'fit');
  }
}
