import { describe, expect, it } from 'vitest';
import { readSpec } from '../engine/experiment/index.ts';
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
