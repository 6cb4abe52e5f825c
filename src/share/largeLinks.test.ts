import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { resultsContradiction } from '../engine/resultsConsistency.ts';
import { decodeLink } from './linkCodec.ts';
import { largeLinkPayload, largeLinkResults, largeLinkSpec } from './largeLinks.ts';

const largeLink = (probesPerJob: number) =>
  `#e=${compressToEncodedURIComponent(JSON.stringify(largeLinkPayload(probesPerJob)))}`;

describe('the largest share links (for the browser test that opens one)', () => {
  it('builds results consistent with themselves: 2 widths × 20 seeds × 125 probes', () => {
    const results = largeLinkResults(largeLinkSpec(), 125);
    expect(results.probes).toHaveLength(5000);
    expect(resultsContradiction(results)).toBeUndefined();
  });

  it('a link of 5,000 probes decodes with every probe, under the fragment limit', () => {
    const fragment = largeLink(125);
    expect(fragment.length).toBeLessThan(200_000);
    const decoded = decodeLink(fragment);
    expect(decoded.kind, JSON.stringify(decoded).slice(0, 300)).toBe('ok');
    if (decoded.kind !== 'ok') return;
    expect(decoded.warning).toBeUndefined();
    expect(decoded.results?.probes).toHaveLength(5000);
    expect(decoded.results?.points.map((p) => p.seeds.length)).toEqual([20, 20]);
  });

  it('refuses more search probes a seed than a pool of 4,000 can train, naming the field', () => {
    // 8 probes a round × (2 × 12 + 4) rounds = 224 search probes a seed at most.
    const results = largeLinkResults(largeLinkSpec(), 226);
    expect(resultsContradiction(results)).toMatch(
      /^points\[0\]\.seeds\[0\]\.probes: 226 search probes, more than 224/,
    );
  });
});
