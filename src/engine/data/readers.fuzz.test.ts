import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { encode as encodeJpeg } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random.ts';
import { decodeImage, decodeImageFolder, indexImageFolder } from './imageFolder.ts';
import { readZip, type ZipLimits } from './zip.ts';

/** Seeded damage to a valid file: flipped bytes, a cut, a repeated or dropped stretch. */
function mutate(valid: Uint8Array, rng: Rng): Uint8Array {
  let bytes = Uint8Array.from(valid);
  for (let m = 1 + rng.int(4); m > 0; m--) {
    const roll = rng.next();
    const at = rng.int(bytes.length);
    if (roll < 0.5) {
      for (let f = 1 + rng.int(6); f > 0; f--) bytes[rng.int(bytes.length)] = rng.int(256);
    } else if (roll < 0.65) {
      bytes = bytes.slice(0, at);
    } else if (roll < 0.8) {
      const stretch = bytes.slice(at, at + rng.int(64));
      bytes = Uint8Array.from([...bytes.subarray(0, at), ...stretch, ...bytes.subarray(at)]);
    } else if (roll < 0.9) {
      bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + rng.int(64))]);
    } else {
      // Large numbers where sizes live: a header claiming huge dimensions or lengths.
      bytes.fill(0xff, at, at + 4);
    }
    if (bytes.length === 0) break;
  }
  return bytes;
}

/** Patterned pixels, so the encoded data is not trivially compressible. */
function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 37 + (i >> 3)) % 256);
}

const PNGS = [
  encodePng({ width: 7, height: 5, channels: 1, depth: 8, data: pattern(35) }),
  encodePng({ width: 6, height: 6, channels: 4, depth: 8, data: pattern(144) }),
  encodePng({ width: 5, height: 4, channels: 3, depth: 16, data: new Uint16Array(60).fill(999) }),
];
const JPEG = new Uint8Array(
  encodeJpeg({ width: 16, height: 12, data: pattern(16 * 12 * 4) }, 80).data,
);
const SMALL: ZipLimits = { maxTotalBytes: 1024 ** 2, maxEntryBytes: 256 * 1024, maxEntries: 50 };

/** A refusal must be a message for a person about the file, not an exception's leftovers. */
function expectClearRefusal(error: string, name: string) {
  expect(error.startsWith(name)).toBe(true);
  expect(error).not.toMatch(/RangeError|TypeError|undefined|NaN|\[object/);
}

describe('fuzzing the readers: damaged files give a result or a clear message, never an exception', () => {
  it('decodeImage on thousands of damaged PNGs', () => {
    const rng = createRng(23);
    for (let trial = 0; trial < 1500; trial++) {
      const damaged = mutate(PNGS[trial % PNGS.length] as Uint8Array, rng);
      const decoded = decodeImage('cat/fuzz.png', damaged);
      if (decoded.ok) {
        const { width, height, channels, data } = decoded.value;
        expect(data.length).toBe(width * height * channels);
      } else expectClearRefusal(decoded.error, 'cat/fuzz.png ');
    }
  });

  it('decodeImage on thousands of damaged JPEGs', () => {
    const rng = createRng(29);
    for (let trial = 0; trial < 800; trial++) {
      const decoded = decodeImage('cat/fuzz.jpg', mutate(JPEG, rng));
      if (decoded.ok) {
        const { width, height, channels, data } = decoded.value;
        expect(data.length).toBe(width * height * channels);
      } else expectClearRefusal(decoded.error, 'cat/fuzz.jpg ');
    }
  });

  it('readZip, then indexing and decoding, on hundreds of damaged zips', async () => {
    const rng = createRng(31);
    const zip = zipSync({
      'pets/cat/1.png': PNGS[0] as Uint8Array,
      'pets/cat/2.png': [PNGS[1] as Uint8Array, { level: 0 }],
      'pets/dog/1.jpg': JPEG,
      'pets/dog/2.png': PNGS[2] as Uint8Array,
    });
    for (let trial = 0; trial < 600; trial++) {
      const read = readZip(mutate(zip, rng), 'fuzz.zip', SMALL);
      if (!read.ok) {
        expectClearRefusal(read.error, 'fuzz.zip');
        continue;
      }
      for (const entry of read.value)
        expect(entry.bytes.length).toBeLessThanOrEqual(SMALL.maxEntryBytes);
      const index = await indexImageFolder(read.value);
      if (!index.ok) continue;
      const decoded = decodeImageFolder(index.value);
      if (decoded.ok)
        expect(decoded.value.pixels.length).toBe(
          decoded.value.rows * decoded.value.inputShape.reduce((a, b) => a * b),
        );
      else expect(decoded.error).not.toMatch(/RangeError|TypeError/);
    }
  });
});
