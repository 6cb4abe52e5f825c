import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { diskDatasetFiles } from '../cli/datasetFiles.ts';
import { type ExperimentResults, parseSpec, readSpec, runExperiment } from '../engine/index.ts';
import { parameterCount } from '../engine/experiment/modelShapes.ts';
import { variantSpec } from './presets.ts';
import { STUDIES, type Study } from './studies.ts';
import { type StudyOutcome, runStudy, SHRUNK } from './studyRun.ts';
import { studyChartSvg, studyReportMarkdown } from './studyReport.ts';
import { TEST_ENVIRONMENT } from '../engine/testFixtures.ts';

/** Each variant's parameter count per width, in sweep order. */
function parameters(study: Study, index: number): number[] {
  const spec = parseSpec(variantSpec(study, index));
  return spec.sweep.widths.map((width) =>
    parameterCount({
      ...spec.model,
      width,
      inputShape: spec.data.inputShape,
      classes: spec.data.classes,
    }),
  );
}

describe('the study protocols', () => {
  it('are the six the findings need and the reparameterization study, each with unique variant labels and claims that name them', () => {
    expect(STUDIES.map((s) => s.finding)).toEqual([1, 2, 3, 4, 5, 'tabular', 'reparameterization']);
    for (const study of STUDIES) {
      const labels = study.variants.map((v) => v.label);
      expect(new Set(labels).size).toBe(labels.length);
      for (const claim of study.claims) {
        const named =
          claim.kind === 'more-efficient'
            ? [claim.better, claim.worse]
            : claim.kind === 'gap-predicts-generalization'
              ? [claim.trueLabels, claim.randomLabels]
              : [];
        for (const label of named) expect(labels).toContain(label);
      }
    }
  });

  it.each(STUDIES.map((s) => [s.id, s] as const))(
    '%s: valid specs on real data, 3+ seeds, independent and verified jobs, widths spanning 10× in parameters',
    (_, study) => {
      study.variants.forEach((_variant, index) => {
        const check = readSpec(variantSpec(study, index));
        expect(check.ok ? [] : check.errors).toEqual([]);
        const spec = parseSpec(variantSpec(study, index));
        // The reparameterization study says in its protocol why it is not on MNIST.
        if (study.finding !== 'reparameterization') expect(spec.data.source).not.toBe('gaussian');
        expect(spec.search.seeds).toBeGreaterThanOrEqual(3);
        expect(spec.search.warmStart).toBe(false);
        expect(spec.search.verify).toBe(true);
        const counts = parameters(study, index);
        expect(Math.max(...counts) / Math.min(...counts)).toBeGreaterThanOrEqual(10);
      });
      expect(study.learningRates.length).toBeGreaterThanOrEqual(2);
    },
  );

  it('finding 2 compares CNN, MLP and ViT at matched parameter counts (within 1.5× at each width index)', () => {
    const study = STUDIES.find((s) => s.finding === 2) as Study;
    const [cnn, mlp, vit] = [0, 1, 2].map((i) => parameters(study, i)) as number[][];
    (mlp as number[]).forEach((count, i) => {
      for (const other of [cnn?.[i], vit?.[i]] as number[]) {
        expect(Math.max(count, other) / Math.min(count, other)).toBeLessThan(1.5);
      }
    });
  });

  it('finding 5 runs deep, wide MLPs on MNIST with GELU and leaky ReLU beside ReLU, tanh and sigmoid', () => {
    const study = STUDIES.find((s) => s.finding === 5) as Study;
    const specs = study.variants.map((_, i) => parseSpec(variantSpec(study, i)));
    expect(specs.map((s) => s.model.activation)).toEqual([
      'relu',
      'tanh',
      'sigmoid',
      'gelu',
      'leakyRelu',
    ]);
    for (const spec of specs) {
      expect(spec.data.source).toBe('mnist');
      expect(spec.model.depth).toBeGreaterThanOrEqual(3);
      expect(Math.min(...spec.sweep.widths)).toBeGreaterThanOrEqual(64);
    }
    expect(study.protocol).toContain('Glorot-uniform');
  });

  it('finding 4 has a test split and at least 5 models', () => {
    const study = STUDIES.find((s) => s.finding === 4) as Study;
    const spec = parseSpec(variantSpec(study, 0));
    expect(spec.data.testSize).toBeGreaterThan(0);
    expect(spec.sweep.widths.length).toBeGreaterThanOrEqual(5);
  });
});

const files = diskDatasetFiles();

/** Runs the study shrunk through the real runner and the engine, recording each run's file. */
async function runShrunk(study: Study): Promise<{ outcome: StudyOutcome; written: string[] }> {
  const written: string[] = [];
  const outcome = await runStudy(
    study,
    {
      run: (spec) => runExperiment(spec, { files }),
      onResults: (file) => {
        written.push(file);
      },
    },
    { shrink: true },
  );
  return { outcome, written };
}

const context = { command: 'emc-lab study ID --shrink', machine: 'test', chartFile: 'chart.svg' };

describe('every study, shrunk, runs through the runner and the report', () => {
  it.each(STUDIES.map((s) => [s.id, s] as const))(
    '%s',
    async (_, study) => {
      const tensors = tf.memory().numTensors;
      const { outcome, written } = await runShrunk(study);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(outcome.status).toBe('complete');
      expect(written).toEqual(outcome.variants.map((v) => v.file));
      outcome.variants.forEach((variant, index) => {
        const { spec } = variant.results;
        expect(spec.data.poolSize).toBeLessThanOrEqual(SHRUNK.poolSize);
        expect(spec.sweep.widths).toHaveLength(1);
        const grid = study.variants[index]?.learningRates ?? study.learningRates;
        expect(spec.train.learningRate).toBe(grid[0]);
      });
      expect(outcome.verdicts.map((v) => v.claim)).toEqual(study.claims);

      const report = studyReportMarkdown(outcome, context);
      expect(report).toContain(`# ${study.title}`);
      expect(report).toContain('**Shrunk run**');
      expect(report).toContain(`Command: \`${context.command}\``);
      for (const verdict of outcome.verdicts) {
        // One seed: too few pairs for a verdict, and the report says so.
        expect(verdict.verdict).toBe('inconclusive');
        expect(report).toContain(`: ${verdict.verdict}`);
        for (const bound of verdict.bounds) {
          expect(report).toContain(
            `${bound.variant}, width ${bound.width} (${bound.parameterCount.toLocaleString('en-US')} parameters), seed ${bound.seedIndex + 1}: ≥ ${bound.emc} (${bound.kind})`,
          );
        }
      }
      for (const variant of outcome.variants) {
        expect(report).toContain(`### ${variant.label}`);
        expect(report).toContain(`step cap ${SHRUNK.maxSteps}`);
        expect(report).toContain(variant.file);
      }
      const svg = studyChartSvg(outcome);
      expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      for (const variant of outcome.variants) expect(svg).toContain(escape(variant.label));
      expect(svg).toContain('parameters (log)');
    },
    120_000,
  );
});

const escape = (text: string) => text.replace(/&/g, '&amp;');

describe('the runner', () => {
  it('tunes each variant on a seed no measured run uses, at its middle width, and measures at the best rate', async () => {
    const study: Study = {
      ...(STUDIES.find((s) => s.id === 'tabular') as Study),
      learningRates: [0.001, 0.01],
    };
    const specs: Array<{
      file: string;
      seed: number;
      widths: number[];
      seeds: number;
      rate: number;
    }> = [];
    const efficiency = new Map([
      [0.001, 10],
      [0.01, 30],
    ]);
    const outcome = await runStudy(study, {
      run: async (input, file) => {
        const spec = parseSpec(input);
        specs.push({
          file,
          seed: spec.seed,
          widths: spec.sweep.widths,
          seeds: spec.search.seeds,
          rate: spec.train.learningRate,
        });
        return fakeResults(spec, efficiency.get(spec.train.learningRate) ?? 0);
      },
    });
    expect(specs.slice(0, 3)).toEqual([
      {
        file: 'tune-breast-cancer-tabular-lr0.001.json',
        seed: 1001,
        widths: [2],
        seeds: 1,
        rate: 0.001,
      },
      {
        file: 'tune-breast-cancer-tabular-lr0.01.json',
        seed: 1001,
        widths: [2],
        seeds: 1,
        rate: 0.01,
      },
      { file: 'breast-cancer-tabular.json', seed: 1, widths: [1, 2, 4, 16], seeds: 3, rate: 0.01 },
    ]);
    expect(outcome.variants.map((v) => [v.label, v.learningRate, v.tuning.length])).toEqual([
      ['breast-cancer (tabular)', 0.01, 2],
      ['MNIST (images)', 0.01, 2],
    ]);
  });

  it('stops at a cancelled run (Ctrl-C) with what finished, and judges nothing', async () => {
    const study = STUDIES.find((s) => s.id === 'finding-3') as Study;
    let runs = 0;
    const outcome = await runStudy(study, {
      run: async (input) => {
        runs += 1;
        const results = fakeResults(parseSpec(input), 20);
        // Runs 1-4 tune and measure the first variant; run 8 measures the second.
        return runs === 8 ? { ...results, status: 'cancelled' } : results;
      },
    });
    expect(outcome.status).toBe('interrupted');
    expect(runs).toBe(8);
    expect(outcome.variants.map((v) => v.label)).toEqual(['SGD, batch 16']);
    expect(outcome.verdicts).toEqual([]);
    expect(studyReportMarkdown(outcome, context)).toContain(
      'no claim is judged on part of a study',
    );
  });

  it("tunes a variant over its own grid when it names one (Adam and Shampoo beside SGD's rates)", async () => {
    const study = STUDIES.find((s) => s.id === 'finding-3') as Study;
    const tried = new Map<string, number[]>();
    await runStudy(study, {
      run: async (input, file) => {
        const spec = parseSpec(input);
        if (file.startsWith('tune-')) {
          const key = spec.train.optimizer;
          tried.set(key, [...(tried.get(key) ?? []), spec.train.learningRate]);
        }
        return fakeResults(spec, 10);
      },
    });
    expect(Object.fromEntries(tried)).toEqual({
      sgd: [0.03, 0.1, 0.3, 0.03, 0.1, 0.3, 0.03, 0.1, 0.3],
      adam: [0.0003, 0.001, 0.003],
      shampoo: [0.003, 0.01, 0.03],
    });
  });

  it('judges and tabulates a reparameterized study per trained parameter and per bit', async () => {
    const study = STUDIES.find((s) => s.id === 'parameter-wasteful') as Study;
    const outcome = await runStudy(study, {
      run: async (input) => {
        const spec = parseSpec(input);
        const results = fakeResults(spec, spec.model.subspace ? 6 : 100);
        const dimension = spec.model.subspace?.dimension;
        return {
          ...results,
          points: results.points.map((p) => ({ ...p, ...(dimension ? { dimension } : {}) })),
        };
      },
    });
    // fakeResults: 100 weights a unit of width (widths 4, 8, 48). 6 samples in a subspace are
    // 0.38 per trained parameter at d = 16, above every width's full 0.25, 0.13 and 0.021 per
    // weight; at d = 32 0.19, below width 4's 0.25: 6 of 9 pairs, short of a verdict. Per bit,
    // 100 on 8 bits a weight is 4× 100 on 32.
    const verdicts = outcome.verdicts.map((v) => [v.statement, v.verdict]);
    expect(verdicts).toEqual([
      [
        'more samples per trained parameter with subspace d = 16 than with every weight',
        'reproduces',
      ],
      [
        'more samples per trained parameter with subspace d = 32 than with every weight',
        'inconclusive',
      ],
      [
        'more samples per bit of trained weights with 8-bit weights than with every weight',
        'reproduces',
      ],
      [
        'more samples per bit of trained weights with 4-bit weights than with every weight',
        'reproduces',
      ],
    ]);
    const report = studyReportMarkdown(outcome, context);
    expect(report).toContain('| EMC / trained parameter | EMC / bit |');
    expect(report).toContain(
      '| 4 | MLP 1×4 | 400 | 16 | 6 ± 0.0 | 0.015 | 0.38 | 0.012 | 6, 6, 6 |',
    );
    // Every weight at float32: 100 on 400 weights, 0.25 per weight, 0.0078 per bit; at 4 bits 0.063.
    expect(report).toContain(
      '| 4 | MLP 1×4 | 400 | 400 | 100 ± 0.0 | 0.25 | 0.25 | 0.0078 | 100, 100, 100 |',
    );
    expect(report).toContain(
      '| 4 | MLP 1×4 | 400 | 400 | 100 ± 0.0 | 0.25 | 0.25 | 0.063 | 100, 100, 100 |',
    );
    const svg = studyChartSvg(outcome);
    expect(svg).toContain('trained parameters (log)');
    expect(svg).toContain('samples = trained parameters');
  });

  it('trains every variant at the rate tuned for `tuneBy` when the claim needs identical training', async () => {
    const study = STUDIES.find((s) => s.finding === 4) as Study;
    const rates: number[] = [];
    const outcome = await runStudy(study, {
      run: async (input) => {
        const spec = parseSpec(input);
        rates.push(spec.train.learningRate);
        return fakeResults(spec, spec.train.learningRate === 0.003 ? 50 : 5);
      },
    });
    expect(rates).toEqual([0.0003, 0.001, 0.003, 0.003, 0.003]);
    expect(outcome.variants.map((v) => v.tunedBy)).toEqual([undefined, 'true labels']);
  });
});

/** Verified results with `emc` at every width and seed, without training. */
function fakeResults(spec: ReturnType<typeof parseSpec>, emc: number): ExperimentResults {
  return {
    format: 'emc-lab-results',
    version: 2,
    status: 'complete',
    spec,
    environment: TEST_ENVIRONMENT,
    dataset: spec.data.source,
    startedAt: '',
    finishedAt: null,
    points: spec.sweep.widths.map((width, index) => ({
      index,
      width,
      model: `MLP 1×${width}`,
      parameterCount: 100 * width,
      emcMean: emc,
      emcStd: 0,
      budgetLimited: false,
      verified: true,
      seeds: Array.from({ length: spec.search.seeds }, (_, seedIndex) => ({
        seedIndex,
        seed: seedIndex,
        emc,
        bracket: [emc, emc + 1] as [number, number],
        censored: false,
        budgetLimited: false,
        verified: true,
        overturned: 0,
        probes: 2,
        testAccuracy: null,
      })),
      nonMonotone: [],
      wallMs: 1,
      generalization: null,
    })),
    probes: [],
  };
}
