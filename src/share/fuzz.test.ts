import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../engine/random.ts';
import { RESULTS_VERSION } from '../engine/results.ts';
import { pointResult, probeRecord } from '../engine/testFixtures.ts';
import { readSpec } from '../engine/experiment/index.ts';
import { DEFAULT_SPEC } from '../state/defaultSpec.ts';
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
    const started = performance.now();
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
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it.each([1, RESULTS_VERSION])(
    'parseResultsFile answers mutated version-%i results documents without throwing',
    (version) => {
      const rng = createRng(13 + version);
      const spec = parseSpec(DEFAULT_SPEC);
      const current = version === RESULTS_VERSION;
      const document = {
        format: 'emc-lab-results',
        version,
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
        points: current ? [pointResult()] : [],
        probes: current ? [probeRecord(), probeRecord({ n: 22, fits: false })] : [],
      };
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
});
