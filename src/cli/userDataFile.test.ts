import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExperimentResults } from '../engine/index.ts';
import { EXIT_INVALID, EXIT_OK, main } from './main.ts';

let dir: string;
let stderr: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emc-own-data-'));
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});

afterEach(() => vi.restoreAllMocks());

const IRIS_EXAMPLE = 'examples/own-data/iris-csv.json';
const example = () => JSON.parse(readFileSync(IRIS_EXAMPLE, 'utf8'));

/** Writes `spec` (with `data` merged in) beside the data and returns its path. */
function specBeside(data: object, name = 'spec.json'): string {
  const spec = example();
  spec.data = { ...spec.data, ...data };
  spec.sweep.widths = [2];
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

async function runToFile(specPath: string): Promise<ExperimentResults> {
  const out = join(dir, 'results.json');
  expect(await main(['run', specPath, '--out', out, '--backend', 'cpu', '--quiet'])).toBe(EXIT_OK);
  return JSON.parse(readFileSync(out, 'utf8')) as ExperimentResults;
}

/** A 6×6 gray PNG: a bright bar, horizontal or vertical, at `offset`. */
function barPng(vertical: boolean, offset: number): Uint8Array {
  const data = new Uint8Array(36);
  for (let i = 0; i < 6; i++) data[vertical ? i * 6 + offset : offset * 6 + i] = 255;
  return encodePng({ width: 6, height: 6, channels: 1, depth: 8, data });
}

function barImages(): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (let offset = 0; offset < 6; offset++) {
    files[`bars/vertical/${offset}.png`] = barPng(true, offset);
    files[`bars/horizontal/${offset}.png`] = barPng(false, offset);
  }
  return files;
}

describe('emc-lab run on your own data', () => {
  it('runs the CSV example and measures what the shipped iris table gives', async () => {
    // The example CSV is the shipped table, so the two runs must agree exactly.
    expect(readFileSync('examples/own-data/iris.csv', 'utf8')).toBe(
      gunzipSync(readFileSync('public/data/iris/iris.csv.gz')).toString('utf8'),
    );
    const own = await runToFile(IRIS_EXAMPLE);
    expect(own.spec.data).toMatchObject({ source: 'csv', rows: 150, classes: 3, inputShape: [4] });
    expect(own.spec.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    const spec = example();
    spec.data = { source: 'iris', poolSize: 120, testSize: 30 };
    writeFileSync(join(dir, 'iris.json'), JSON.stringify(spec));
    const builtIn = await runToFile(join(dir, 'iris.json'));
    expect(own.points.map((p) => p.emcMean)).toEqual(builtIn.points.map((p) => p.emcMean));
    expect(own.probes.map((p) => [p.n, p.fits, p.steps])).toEqual(
      builtIn.probes.map((p) => [p.n, p.fits, p.steps]),
    );
  });

  it('runs on a folder of class images, and on its zip alike', async () => {
    const images = barImages();
    for (const [path, bytes] of Object.entries(images)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), bytes);
    }
    writeFileSync(join(dir, 'bars.zip'), zipSync(images));
    const fromFolder = await runToFile(
      specBeside({
        source: 'images',
        file: 'bars',
        poolSize: 10,
        testSize: 2,
        labelColumn: undefined,
      }),
    );
    expect(fromFolder.spec.data).toMatchObject({ rows: 12, classes: 2, inputShape: [6, 6, 1] });
    const fromZip = await runToFile(
      specBeside({
        source: 'images',
        file: 'bars.zip',
        poolSize: 10,
        testSize: 2,
        labelColumn: undefined,
      }),
    );
    expect(fromZip.spec.data.sha256).toBe(fromFolder.spec.data.sha256);
    expect(fromZip.points.map((p) => p.emcMean)).toEqual(fromFolder.points.map((p) => p.emcMean));
  });

  it('exits 2 naming the problem: missing file, wrong counts, another file than the hash names', async () => {
    expect(await main(['run', specBeside({ file: 'nope.csv' }), '--quiet'])).toBe(EXIT_INVALID);
    expect(stderr).toContain('cannot read data.file nope.csv (ENOENT)');
    writeFileSync(join(dir, 'iris.csv'), readFileSync('examples/own-data/iris.csv'));
    expect(await main(['run', specBeside({ classes: 4 }), '--quiet'])).toBe(EXIT_INVALID);
    expect(stderr).toContain('data.classes is 4, but iris.csv has 3 classes');
    const made = specBeside({ sha256: 'f'.repeat(64), rows: 150, classes: 3, inputShape: [4] });
    expect(await main(['run', made, '--quiet'])).toBe(EXIT_INVALID);
    expect(stderr).toMatch(
      /iris\.csv is not the data this experiment was made with: it has the same size but other values/,
    );
    expect(await main(['run', specBeside({ labelColumn: 'colour' }), '--quiet'])).toBe(
      EXIT_INVALID,
    );
    expect(stderr).toContain('There is no column named "colour"');
  });

  it('exits 2 on a broken CSV with the row and column named and no stack trace', () => {
    writeFileSync(join(dir, 'iris.csv'), 'a,b,kind\n1,2,x\n3,zz,y\n');
    const spec = specBeside({ labelColumn: 'kind' });
    const result = spawnSync(process.execPath, ['bin/emc-lab.js', 'run', spec], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(EXIT_INVALID);
    expect(result.stderr).toContain('iris.csv: Row 3, column "b": "zz" is not a number.');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
