import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { encode as encodeJpeg } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import {
  decodeImage,
  decodeImageFolder,
  type ImageEntry,
  indexImageFolder,
  readZip,
  resizeArea,
} from './imageFolder.ts';

/** A gray PNG whose every pixel is `value`. */
function grayPng(width: number, height: number, value: number): Uint8Array {
  return encodePng({
    width,
    height,
    channels: 1,
    depth: 8,
    data: new Uint8Array(width * height).fill(value),
  });
}

function rgbaPng(width: number, height: number, rgba: [number, number, number, number]) {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set(rgba, p * 4);
  return encodePng({ width, height, channels: 4, depth: 8, data });
}

function rgbJpeg(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], p * 4);
  return new Uint8Array(encodeJpeg({ width, height, data }, 95).data);
}

const folder = (): ImageEntry[] => [
  { path: 'shapes/square/1.png', bytes: grayPng(8, 6, 200) },
  { path: 'shapes/square/2.png', bytes: grayPng(10, 10, 180) },
  { path: 'shapes/circle/a.png', bytes: grayPng(12, 8, 20) },
  { path: 'shapes/circle/.DS_Store', bytes: new Uint8Array([1, 2, 3]) },
  { path: '__MACOSX/shapes/circle/._a.png', bytes: new Uint8Array([0]) },
  { path: 'shapes/readme.txt', bytes: new TextEncoder().encode('hi') },
];

async function indexOf(entries: ImageEntry[]) {
  const index = await indexImageFolder(entries);
  if (!index.ok) throw new Error(index.error);
  return index.value;
}

async function errorOf(entries: ImageEntry[]): Promise<string> {
  const index = await indexImageFolder(entries);
  if (index.ok) {
    const decoded = decodeImageFolder(index.value);
    if (decoded.ok) throw new Error('expected a refusal');
    return decoded.error;
  }
  return index.error;
}

describe('indexImageFolder', () => {
  it('finds the class folders under a shared top folder, sorted, ignoring what tools leave', async () => {
    const index = await indexOf(folder());
    expect(index.classNames).toEqual(['circle', 'square']);
    expect(index.images.map((image) => [image.path, image.label])).toEqual([
      ['circle/a.png', 0],
      ['square/1.png', 1],
      ['square/2.png', 1],
    ]);
  });

  it('hashes the images alike whatever their order or top folder, and differently when one changes', async () => {
    const a = await indexOf(folder());
    const b = await indexOf(
      folder()
        .reverse()
        .map((entry) => ({ ...entry, path: entry.path.replace(/^shapes\//, 'renamed/') })),
    );
    expect(b.sha256).toBe(a.sha256);
    const changed = folder();
    changed[0] = { path: 'shapes/square/1.png', bytes: grayPng(8, 6, 201) };
    expect((await indexOf(changed)).sha256).not.toBe(a.sha256);
  });

  it('names what is wrong with a folder', async () => {
    expect(await errorOf([{ path: 'notes.txt', bytes: new Uint8Array([1]) }])).toMatch(
      /no PNG or JPEG images/,
    );
    expect(await errorOf([{ path: 'cat/1.png', bytes: grayPng(2, 2, 1) }])).toMatch(
      /one class folder only \(cat\)/,
    );
    expect(
      await errorOf([
        { path: 'cat/1.png', bytes: grayPng(2, 2, 1) },
        { path: 'loose.png', bytes: grayPng(2, 2, 1) },
      ]),
    ).toMatch(/loose\.png is not inside a class folder/);
    expect(
      await errorOf([
        { path: 'cat/1.png', bytes: grayPng(2, 2, 1) },
        { path: 'dog/2.jpg', bytes: new TextEncoder().encode('not an image at all') },
      ]),
    ).toMatch(/dog\/2\.jpg is neither a PNG nor a JPEG/);
    expect(
      await errorOf([
        { path: 'cat/1.png', bytes: grayPng(2, 2, 1) },
        { path: 'dog/2.png', bytes: grayPng(4, 4, 1).slice(0, 40) },
      ]),
    ).toMatch(/dog\/2\.png is a damaged PNG: its data could not be decoded/);
  });
});

describe('decodeImageFolder', () => {
  it('resizes to the smallest common size by default and keeps gray images one channel', async () => {
    const decoded = decodeImageFolder(await indexOf(folder()));
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.value.inputShape).toEqual([6, 8, 1]);
    expect(decoded.value.rows).toBe(3);
    expect(Array.from(decoded.value.labels)).toEqual([0, 1, 1]);
    // Flat images stay flat through resampling.
    expect(new Set(decoded.value.pixels.subarray(0, 48))).toEqual(new Set([20]));
    expect(new Set(decoded.value.pixels.subarray(48, 96))).toEqual(new Set([200]));
  });

  it('makes every image RGB when one is in colour, drops alpha, and reads JPEG', async () => {
    const index = await indexOf([
      { path: 'a/gray.png', bytes: grayPng(4, 4, 100) },
      { path: 'b/red.png', bytes: rgbaPng(4, 4, [250, 0, 0, 128]) },
      { path: 'b/green.jpg', bytes: rgbJpeg(16, 16, [0, 200, 0]) },
    ]);
    const decoded = decodeImageFolder(index, [2, 2]);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.value.inputShape).toEqual([2, 2, 3]);
    const pixel = (image: number) =>
      Array.from(decoded.value.pixels.subarray(image * 12, image * 12 + 3));
    expect(pixel(0)).toEqual([100, 100, 100]);
    const [r, g, b] = pixel(1);
    expect(r).toBeLessThan(15);
    expect(g).toBeGreaterThan(185);
    expect(b).toBeLessThan(15);
    expect(pixel(2)).toEqual([250, 0, 0]);
  });

  it('caps the default size per side', async () => {
    const index = await indexOf([
      { path: 'a/1.png', bytes: grayPng(100, 50, 1) },
      { path: 'b/1.png', bytes: grayPng(60, 40, 1) },
    ]);
    const decoded = decodeImageFolder(index);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.value.inputShape).toEqual([32, 32, 1]);
  });
});

describe('resizeArea', () => {
  it('averages the area each output pixel covers', () => {
    const data = Uint8Array.from([0, 100, 200, 40]);
    const out = resizeArea({ width: 4, height: 1, channels: 1, data }, 1, 2);
    expect(Array.from(out.data)).toEqual([50, 120]);
    const third = resizeArea(
      { width: 3, height: 1, channels: 1, data: Uint8Array.from([0, 90, 180]) },
      1,
      2,
    );
    // Output 0 covers [0, 1.5): 0 fully and half of 90 → (0 + 45) / 1.5.
    expect(Array.from(third.data)).toEqual([30, 150]);
  });

  it('repeats pixels when growing', () => {
    const out = resizeArea(
      { width: 2, height: 1, channels: 1, data: Uint8Array.from([10, 20]) },
      1,
      4,
    );
    expect(Array.from(out.data)).toEqual([10, 10, 20, 20]);
  });
});

describe('readZip', () => {
  it('unzips a zip of class folders into entries that index like the folder', async () => {
    const files = Object.fromEntries(folder().map((entry) => [entry.path, entry.bytes]));
    const zipped = readZip(zipSync(files), 'shapes.zip');
    if (!zipped.ok) throw new Error(zipped.error);
    expect((await indexOf(zipped.value)).sha256).toBe((await indexOf(folder())).sha256);
  });

  it('names a file that is not a zip', () => {
    const read = readZip(new TextEncoder().encode('hello'), 'pets.zip');
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatch(/^pets\.zip is not a readable zip file/);
  });

  it('never throws on damaged zips and images (fuzz)', async () => {
    const rng = createRng(7);
    const zip = zipSync(Object.fromEntries(folder().map((entry) => [entry.path, entry.bytes])));
    const png = grayPng(6, 6, 90);
    for (let trial = 0; trial < 300; trial++) {
      const damaged = Uint8Array.from(trial % 2 === 0 ? zip : png);
      const flips = 1 + rng.int(8);
      for (let f = 0; f < flips; f++) damaged[rng.int(damaged.length)] = rng.int(256);
      const cut = damaged.subarray(0, rng.int(damaged.length + 1));
      if (trial % 2 === 0) {
        const read = readZip(cut, 'fuzz.zip');
        if (read.ok) {
          const index = await indexImageFolder(read.value);
          if (index.ok) decodeImageFolder(index.value, [3, 3]);
        }
      } else {
        const decoded = decodeImage('x/fuzz.png', cut);
        if (!decoded.ok) expect(decoded.error).toMatch(/^x\/fuzz\.png /);
      }
    }
  });
});
