import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExperimentResults, PointResult } from '../engine/index.ts';

/**
 * The paper's findings on real images, from the command line: the examples/ specs for
 * people with a GPU, shrunk to sizes this machine's CPU runs in about a minute (a smaller
 * pool, fewer and smaller models, a coarser search), on the WASM backend.
 */
const dir = mkdtempSync(join(tmpdir(), 'emc-findings-'));

/** An example spec as plain JSON, to shrink in place. */
type SpecJson = {
  data: { poolSize: number; testSize: number };
  model: { depth: number };
  sweep: { widths: number[] };
  train: object;
  search: object;
};

function shrunk(example: string, changes: (spec: SpecJson) => void): string {
  const spec = JSON.parse(readFileSync(`examples/${example}`, 'utf8')) as SpecJson;
  spec.train = { ...spec.train, batchSize: 16, maxSteps: 3000, patience: 25, minDelta: 0.001 };
  spec.search = { precision: 0.25, seeds: 1, start: 20 };
  changes(spec);
  const path = join(dir, example);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

function run(specPath: string): ExperimentResults {
  const out = `${specPath}.results.json`;
  const result = spawnSync(
    process.execPath,
    ['bin/emc-lab.js', 'run', specPath, '--backend', 'wasm', '--quiet', '--out', out],
    { encoding: 'utf8' },
  );
  expect(result.stderr).toBe(`emc-lab: results written to ${out}\n`);
  expect(result.status).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8'));
}

const efficiency = (point: PointResult | undefined) =>
  point ? point.emcMean / point.parameterCount : Number.NaN;

/**
 * The random-label MLP sweep, run once by whichever test needs it first: each test can run
 * alone (`vitest -t`) and none depends on another having run.
 */
let mlpSweep: ExperimentResults | undefined;
function mlpRandomSweep(): ExperimentResults {
  mlpSweep ??= run(
    shrunk('mnist-mlp-sweep.json', (spec) => {
      spec.data.poolSize = 400;
      spec.model.depth = 1;
      spec.sweep.widths = [8, 16];
    }),
  );
  return mlpSweep;
}

describe('the findings on MNIST, from the CLI', () => {
  it('finishes an MNIST MLP sweep on random labels', () => {
    const mlpRandom = mlpRandomSweep();
    expect(mlpRandom.status).toBe('complete');
    expect(mlpRandom.dataset).toMatch(/^MNIST handwritten digits/);
    expect(mlpRandom.points.map((p) => p.model)).toEqual(['MLP 1×8 relu', 'MLP 1×16 relu']);
    for (const point of mlpRandom.points) {
      expect(point.emcMean).toBeGreaterThan(0);
      // Finding 1: far fewer samples than parameters.
      expect(point.emcMean).toBeLessThan(point.parameterCount / 10);
    }
  }, 300_000);

  it('finishes an MNIST CNN sweep, which fits more random labels per parameter than the MLPs', () => {
    const cnn = run(
      shrunk('mnist-cnn-sweep.json', (spec) => {
        // The CNNs fit every sample of a small pool: their EMC is then a lower bound
        // (censored), which only strengthens the comparison.
        spec.data.poolSize = 160;
        spec.model.depth = 1;
        spec.sweep.widths = [1, 2];
      }),
    );
    expect(cnn.status).toBe('complete');
    expect(cnn.points.map((p) => p.model)).toEqual(['CNN 1×1ch relu', 'CNN 1×2ch relu']);
    const mlpRandom = mlpRandomSweep();
    const bestMlp = Math.max(...mlpRandom.points.map(efficiency));
    for (const point of cnn.points) expect(efficiency(point)).toBeGreaterThan(2 * bestMlp);
    // Fewer parameters than the smaller MLP, yet more samples fitted than the larger one.
    const [smallCnn] = cnn.points;
    const [smallMlp, largeMlp] = mlpRandom.points;
    expect(smallCnn?.parameterCount).toBeLessThan(smallMlp?.parameterCount ?? 0);
    expect(smallCnn?.emcMean).toBeGreaterThan(largeMlp?.emcMean ?? Infinity);
  }, 300_000);

  it('fits more true labels than random ones, and reports the label gap beside generalization', () => {
    const shrink = (spec: SpecJson) => {
      spec.data.poolSize = 600;
      spec.data.testSize = 300;
      spec.sweep.widths = [16, 32, 64];
    };
    const truePath = shrunk('mnist-true-labels.json', shrink);
    const randomPath = shrunk('mnist-random-labels.json', shrink);
    const [truth, random] = [run(truePath), run(randomPath)];
    const sharedN = Math.min(...truth.points.flatMap((p) => p.seeds.map((s) => s.emc)));
    truth.points.forEach((point, index) => {
      expect(point.emcMean).toBeGreaterThan(random.points[index]?.emcMean ?? Infinity);
      // True labels generalize: far above the 10% of chance.
      expect(point.seeds[0]?.testAccuracy).toBeGreaterThan(0.5);
      // Every width is also measured on the same N, the smallest EMC of the sweep.
      expect(point.generalization?.n).toBe(sharedN);
      expect(point.generalization?.testAccuracy).toBeGreaterThan(0.2);
    });
    const gap = spawnSync(
      process.execPath,
      ['bin/emc-lab.js', 'gap', `${truePath}.results.json`, `${randomPath}.results.json`],
      { encoding: 'utf8' },
    );
    expect(gap.status).toBe(0);
    expect(gap.stdout).toMatch(
      /EMC true\s+EMC random\s+EMC gap\s+train acc\s+test acc\s+gen\. gap/,
    );
    expect(gap.stdout).toMatch(/^MLP 1×16 relu\s+12730\s/m);
    expect(gap.stdout).toContain(
      `Generalization measured at N = ${sharedN}, shared by every width`,
    );
    // A width whose EMC is censored (it fitted the whole pool) is left out of r, and said so.
    expect(gap.stdout).toMatch(/r = -?[01]\.\d{3} \(\d points\)\.$|needs at least 3 sweep points/m);
    expect(gap.stdout).toMatch(/^agreement: (r < 0: agrees|r ≥ 0: does not agree|Too few points)/m);
    const swapped = spawnSync(
      process.execPath,
      ['bin/emc-lab.js', 'gap', `${randomPath}.results.json`, `${truePath}.results.json`],
      { encoding: 'utf8' },
    );
    expect(swapped.status).toBe(2);
    expect(swapped.stderr).toContain('the first run must use true labels');
  }, 600_000);
});
