import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { createRng } from '../engine/random.ts';
import { decompressBounded } from './boundedLz.ts';

const ALPHABET = 'ab{}[]":,0123456789 \u00e9\u4e2d\u0000\uffff';

describe('bounded lz-string decompression', () => {
  it('reads what lz-string writes, exactly as lz-string reads it back', () => {
    const rng = createRng(5);
    for (let i = 0; i < 300; i++) {
      const text = Array.from(
        { length: rng.int(2000) },
        () => ALPHABET[rng.int(rng.next() < 0.5 ? 4 : ALPHABET.length)],
      ).join('');
      const encoded = compressToEncodedURIComponent(text);
      expect(decompressBounded(encoded, 10_000)).toEqual({ ok: true, text });
      // Cut or altered, it agrees with lz-string wherever lz-string finds text.
      const damaged = encoded.slice(0, rng.int(encoded.length)).replace(/A/g, 'B');
      const ours = decompressBounded(damaged, 10_000);
      let theirs: string | null;
      try {
        theirs = decompressFromEncodedURIComponent(damaged);
      } catch {
        theirs = null;
      }
      if (theirs) expect(ours).toEqual({ ok: true, text: theirs });
      else expect(ours.ok ? ours.text : '').toBe('');
    }
  });

  it('stops at the cap instead of building an output that grows quadratically', () => {
    // Runs of one character compress to one dictionary entry per step, each one longer.
    const encoded = compressToEncodedURIComponent('a'.repeat(300_000));
    expect(encoded.length).toBeLessThan(2_000);
    expect(decompressBounded(encoded, 100_000)).toEqual({ ok: false, reason: 'too long' });
    expect(decompressBounded(encoded, 300_000)).toEqual({ ok: true, text: 'a'.repeat(300_000) });
  });

  it('calls garbage corrupt', () => {
    expect(decompressBounded('', 100)).toEqual({ ok: false, reason: 'corrupt' });
    expect(decompressBounded('////', 100)).toEqual({ ok: false, reason: 'corrupt' });
  });
});
