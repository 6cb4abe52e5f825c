import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpec, readSpec } from '../engine/experiment/index.ts';
import type { ExperimentResults } from '../engine/results.ts';
import { trainedUnits } from '../share/verdicts.ts';
import { formatRatio } from './studyVerdict.ts';
import { missingFeatures } from './availability.ts';
import { type Preset, PRESETS, variantSpec } from './presets.ts';

describe('classroom presets', () => {
  it('covers each of the five findings of the paper once, and its reparameterization result', () => {
    expect(PRESETS.map((p) => p.finding).sort()).toEqual([1, 2, 3, 4, 5, 'reparameterization']);
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
  });

  it.each(PRESETS.filter((p) => missingFeatures(p).length === 0).map((p) => [p.id, p] as const))(
    'gives valid specs for every variant of %s',
    (_, preset) => {
      preset.variants.forEach((variant, index) => {
        const check = readSpec(variantSpec(preset, index));
        expect(check.ok ? [] : check.errors).toEqual([]);
        if (check.ok && preset.variants.length > 1)
          expect(check.spec.name).toContain(variant.label);
      });
    },
  );

  it('runs at least three seeds per point and verifies every verdict, in every variant', () => {
    for (const preset of PRESETS) {
      preset.variants.forEach((_, index) => {
        const check = readSpec(variantSpec(preset, index));
        if (!check.ok) throw new Error(check.errors.join('; '));
        expect(check.spec.search.seeds, preset.id).toBeGreaterThanOrEqual(3);
        expect(check.spec.search.verify, preset.id).toBe(true);
      });
    }
  });

  it('explains each preset in two to four sentences', () => {
    for (const preset of PRESETS) {
      const sentences = preset.explanation.split(/(?<=[.?!])\s+/).filter(Boolean);
      expect(sentences.length, preset.id).toBeGreaterThanOrEqual(2);
      expect(sentences.length, preset.id).toBeLessThanOrEqual(4);
    }
  });

  it('needs no feature this version lacks', () => {
    for (const preset of PRESETS) expect(missingFeatures(preset), preset.id).toEqual([]);
    expect(
      missingFeatures({
        ...(PRESETS[0] as Preset),
        requires: { families: ['rnn'], sources: ['cifar-10'] },
      }),
    ).toEqual(['RNN models', 'cifar-10 data']);
  });

  it('patches only the named fields of a section', () => {
    const preset = PRESETS.find((p) => p.id === 'sgd-vs-full-batch');
    if (!preset) throw new Error('missing preset');
    const [sgd, gd] = [variantSpec(preset, 0), variantSpec(preset, 1)];
    expect(sgd.train.batchSize).toBe(16);
    expect(gd.train.batchSize).toBe('full');
    expect(sgd.train.optimizer).toBe(gd.train.optimizer);
    expect(sgd.train.learningRate).toBe(gd.train.learningRate);
  });
});

describe('the parameter-wasteful preset', () => {
  const preset = PRESETS.find((p) => p.id === 'parameter-wasteful') as Preset;
  /** Its variants' CLI runs (emc-lab run --preset parameter-wasteful --variant K). */
  const runs = preset.variants.map(
    (_, index) =>
      JSON.parse(
        readFileSync(`bench/presets/parameter-wasteful/variant-${index}.json`, 'utf8'),
      ) as ExperimentResults,
  );

  it('quotes the runs in the repository, each of the variant as it stands, every point converged and verified', () => {
    runs.forEach((results, index) => {
      expect(results.spec).toEqual(parseSpec(variantSpec(preset, index)));
      expect(results.status).toBe('complete');
      for (const point of results.points) {
        for (const seed of point.seeds) {
          expect(seed.censored || seed.budgetLimited || !seed.verified, point.model).toBe(false);
        }
      }
    });
  });

  it('quotes each variant’s EMC per weight, per trained parameter and per bit as measured', () => {
    const [full, subspace, eightBit, fourBit] = runs as [
      ExperimentResults,
      ExperimentResults,
      ExperimentResults,
      ExperimentResults,
    ];
    const per = (results: ExperimentResults, i: number, unit: 'trained-parameter' | 'bit') => {
      const point = results.points[i] as ExperimentResults['points'][number];
      return formatRatio(point.emcMean / trainedUnits(point, results.spec, unit));
    };
    expect(subspace.points.map((p) => p.dimension)).toEqual([8, 16]);
    const quoted = [
      `the full network fits about ${per(full, 0, 'trained-parameter')} samples per weight`,
      `the subspace ${per(subspace, 0, 'trained-parameter')} (d = 8) and ${per(subspace, 1, 'trained-parameter')} (d = 16)`,
      `4 bits: ${per(fourBit, 0, 'bit')}, 8 bits: ${per(eightBit, 0, 'bit')}, float32: ${per(full, 0, 'bit')} samples per bit`,
    ];
    for (const text of quoted) expect(preset.explanation).toContain(text);
  });
});
