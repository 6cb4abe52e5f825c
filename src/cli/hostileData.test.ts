import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes } from '../engine/data/bytes.ts';
import { pngChunk, pngWithData } from '../engine/data/pngFixtures.ts';
import { zipDeclaring } from '../engine/data/zipFixtures.ts';

/**
 * Hostile data files given to the executable: each is refused with exit 2 and one line
 * naming the problem, without a stack trace (the readers bound their work while reading).
 */
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'emc-hostile-'));
});

/** Linux's peak resident memory, read through GNU time into a file, off stderr. */
const GNU_TIME = '/usr/bin/time';

/**
 * The bounds for a hostile file: the process ends within 30 s holding under 1.5 GB
 * at its peak (the 30 s is a hang's bound, far above the few seconds these take).
 */
const MAX_RSS_KIB = 1.5 * 1024 * 1024;
const MAX_SECONDS = 30;

/** Runs emc-lab validate on a spec naming `file`; its peak memory and wall time measured. */
function validate(source: 'csv' | 'images', file: string, bytes: Uint8Array | string) {
  writeFileSync(join(dir, file), bytes);
  const spec = JSON.parse(readFileSync('examples/own-data/iris-csv.json', 'utf8'));
  spec.data = { source, file, poolSize: 10, testSize: 2 };
  const specPath = join(dir, `${file}.json`);
  writeFileSync(specPath, JSON.stringify(spec));
  const rssFile = join(dir, `${file}.rss`);
  const started = performance.now();
  const result = spawnSync(
    GNU_TIME,
    ['-o', rssFile, '-f', '%M', process.execPath, 'bin/emc-lab.js', 'validate', specPath],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const seconds = (performance.now() - started) / 1000;
  const maxRssKiB = Number(/^\d+$/m.exec(readFileSync(rssFile, 'utf8'))?.[0]);
  return { ...result, seconds, maxRssKiB };
}

/** Ended within the bounds of memory and (unless `seconds` says otherwise) time. */
function expectBounded(result: ReturnType<typeof validate>, seconds = MAX_SECONDS) {
  expect(result.maxRssKiB).toBeGreaterThan(0);
  expect(result.maxRssKiB).toBeLessThan(MAX_RSS_KIB);
  expect(result.seconds).toBeLessThan(seconds);
}

function expectOneLineRefusal(result: ReturnType<typeof validate>, message: string) {
  expect(result.status).toBe(2);
  expect(result.stderr).toContain(message);
  expect(result.stderr).not.toMatch(/\n\s+at |RangeError|TypeError/);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expectBounded(result);
}

// Each case starts the executable (tfjs included): slow on a busy machine, bounded by design.
describe('emc-lab validate on hostile data', { timeout: 180_000 }, () => {
  it('refuses a CSV whose 65,535-column header sits over one-cell rows', () => {
    const header = Array.from({ length: 65_535 }, (_, i) => `c${i}`).join(',');
    const result = validate('csv', 'wide.csv', `${header}\n${'1\n'.repeat(100_000)}`);
    expectOneLineRefusal(result, 'wide.csv: Row 2 has 1 cells where the header has 65535 columns.');
  });

  it('refuses a zip of six entries declaring 1 GB each, from its directory', () => {
    const zip = zipDeclaring(
      Array.from({ length: 6 }, (_, i): [string, Uint8Array, number] => [
        `c${i % 2}/${i}.png`,
        deflateRawSync(new Uint8Array(1024)),
        1024 ** 3,
      ]),
    );
    const result = validate('images', 'six.zip', zip);
    expectOneLineRefusal(
      result,
      'six.zip: c0/0.png expands to 1.0 GB; one image file may be at most 128 MB.',
    );
  });

  it('stops inflating a zip entry that hides 200 MB behind a 1 KB declaration', () => {
    const zip = zipDeclaring([
      ['a/1.png', deflateRawSync(new Uint8Array(200 * 1024 ** 2), { level: 9 }), 1024],
      ['b/1.png', deflateRawSync(new Uint8Array(9)), 9],
    ]);
    expect(zip.length).toBeLessThan(300 * 1024);
    const result = validate('images', 'hidden.zip', zip);
    expectOneLineRefusal(
      result,
      'hidden.zip: a/1.png expands to more than 128 MB; one image file may be at most 128 MB.',
    );
  });

  it('refuses a PNG whose 4×4 header sits over pixel data inflating to 200 MB', () => {
    const header = new Uint8Array(13);
    new DataView(header.buffer).setUint32(0, 4);
    new DataView(header.buffer).setUint32(4, 4);
    header.set([8, 0, 0, 0, 0], 8);
    const signature = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const bomb = concatBytes([
      signature,
      pngChunk('IHDR', header),
      pngChunk('IDAT', deflateSync(new Uint8Array(200 * 1024 ** 2), { level: 9 })),
      pngChunk('IEND', new Uint8Array(0)),
    ]);
    expect(bomb.length).toBeLessThan(300 * 1024);
    const honest = pngWithData(4, 4, new Uint8Array(4 * 5));
    const zip = zipDeclaring([
      ['a/1.png', deflateRawSync(bomb), bomb.length],
      ['b/1.png', deflateRawSync(honest), honest.length],
    ]);
    const result = validate('images', 'bomb.zip', zip);
    expectOneLineRefusal(
      result,
      'a/1.png holds more pixel data than its 4×4 header allows (over 20 bytes inflated): it is damaged or hostile.',
    );
  });

  it('reads a zip of forty 4000×4000 PNGs one image at a time, in bounded memory', () => {
    // 16 megapixels each (the most a source image may have), 640 MB of pixels in all,
    // compressible to a small zip; each is decoded and shrunk to 32×32 before the next.
    const png = pngWithData(4000, 4000, new Uint8Array(4000 * 4001));
    const files = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`${i % 2 === 0 ? 'even' : 'odd'}/${i}.png`, png]),
    );
    const zip = zipSync(files);
    expect(zip.length).toBeLessThan(2 * 1024 ** 2);
    const result = validate('images', 'large.zip', zip);
    expect(result.stderr).not.toMatch(/\n\s+at |RangeError|TypeError/);
    expect(result.status, result.stderr).toBe(0);
    // Decoding 640 megapixels is real work (about half a second an image on one core), not
    // a refusal: the bound here is memory, and time only as far as a hang goes.
    expectBounded(result, 110);
  });
});
