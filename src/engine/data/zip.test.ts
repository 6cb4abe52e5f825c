import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZip, ZIP_LIMITS, type ZipLimits } from './zip.ts';

const KB = 1024;

/** Small caps, so a "bomb" of a few hundred kilobytes of zeros passes them. */
const SMALL: ZipLimits = { maxTotalBytes: 256 * KB, maxEntryBytes: 128 * KB, maxEntries: 10 };

function zeros(bytes: number): Uint8Array {
  return new Uint8Array(bytes);
}

/**
 * Rewrites every entry's declared (uncompressed) size, in its local header and in the
 * central directory: a zip that lies about what it expands to.
 */
function withDeclaredSize(zip: Uint8Array, size: number): Uint8Array {
  const out = Uint8Array.from(zip);
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50) view.setUint32(i + 22, size, true);
    if (signature === 0x02014b50) view.setUint32(i + 24, size, true);
  }
  return out;
}

function errorOf(bytes: Uint8Array, limits: ZipLimits = SMALL): string {
  const read = readZip(bytes, 'bomb.zip', limits);
  if (read.ok) throw new Error('expected a refusal');
  return read.error;
}

describe('readZip limits', () => {
  it('refuses, from its directory, a zip whose images declare more than the total cap', () => {
    const zip = zipSync({
      'a/1.png': zeros(100 * KB),
      'a/2.png': zeros(100 * KB),
      'b/1.png': zeros(100 * KB),
    });
    expect(zip.length).toBeLessThan(2 * KB);
    expect(errorOf(zip)).toBe(
      'bomb.zip: Its images would expand to more than 256 KB, the most EMC Lab reads.',
    );
  });

  it('refuses six entries declaring 1 GB each at the default caps, before inflating any', () => {
    const files = Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [`c${i % 2}/${i}.png`, zeros(KB)]),
    );
    const zip = withDeclaredSize(zipSync(files), 1024 ** 3);
    expect(errorOf(zip, ZIP_LIMITS)).toBe(
      'bomb.zip: c0/0.png expands to 1.0 GB; one image file may be at most 128 MB.',
    );
  });

  it('refuses one entry declaring more than the entry cap', () => {
    const zip = zipSync({ 'a/1.png': zeros(200 * KB), 'b/1.png': zeros(KB) });
    expect(errorOf(zip)).toBe(
      'bomb.zip: a/1.png expands to 200 KB; one image file may be at most 128 KB.',
    );
  });

  it('stops inflating at the entry cap when the directory understates a file', () => {
    const zip = withDeclaredSize(
      zipSync({ 'a/1.png': zeros(4096 * KB), 'b/1.png': zeros(KB) }),
      10,
    );
    expect(errorOf(zip)).toBe(
      'bomb.zip: a/1.png expands to more than 128 KB; one image file may be at most 128 KB.',
    );
  });

  it('stops inflating at the total cap when the directory understates every file', () => {
    const files = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`c${i % 2}/${i}.png`, zeros(100 * KB)]),
    );
    const zip = withDeclaredSize(zipSync(files), 10);
    expect(errorOf(zip)).toBe(
      'bomb.zip: Its images expand to more than 256 KB, the most EMC Lab reads.',
    );
  });

  it('refuses more entries than the cap, whatever they are', () => {
    const files = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`notes/${i}.txt`, zeros(1)]),
    );
    expect(errorOf(zipSync(files))).toBe(
      'bomb.zip: It holds more than 10 files; at most that many are read.',
    );
  });

  it('inflates only the images, and within the caps returns their exact bytes', () => {
    const image = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 256);
    const zip = zipSync({
      'pets/cat/1.png': image,
      'pets/dog/1.jpg': [image, { level: 0 }],
      'pets/readme.txt': zeros(10_000 * KB),
      '__MACOSX/pets/cat/._1.png': zeros(10),
    });
    const read = readZip(zip, 'pets.zip', SMALL);
    if (!read.ok) throw new Error(read.error);
    expect(read.value.map((entry) => entry.path)).toEqual(['pets/cat/1.png', 'pets/dog/1.jpg']);
    for (const entry of read.value) expect(Array.from(entry.bytes)).toEqual(Array.from(image));
  });
});
