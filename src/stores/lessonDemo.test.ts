import { describe, expect, it } from 'vitest';
import { parseSpec } from '../engine/experiment/index.ts';
import { resultsDocument } from '../engine/results.ts';
import { PRESETS, variantSpec } from '../presets/presets.ts';
import type { PinnedRun } from './compareStore.ts';
import { demoHasRun } from './lessonDemo.ts';

const preset = PRESETS.find((p) => p.id === 'sgd-vs-full-batch') as (typeof PRESETS)[number];

function pinnedVariant(index: number, status: 'complete' | 'cancelled' = 'complete'): PinnedRun {
  return {
    id: `pin-${index}`,
    label: preset.variants[index]?.label,
    results: resultsDocument({
      status,
      spec: parseSpec(variantSpec(preset, index)),
      environment: {
        backend: 'wasm',
        floatPrecision: 32,
        tfjsVersion: '4.22.0',
        engineVersion: '0.1.0',
        platform: 'test',
      },
      dataset: 'gaussian',
      startedAt: '',
      finishedAt: null,
      points: [],
      probes: [],
    }),
  };
}

describe("a lesson step's demo", () => {
  it('has run once every variant of its preset finished', () => {
    expect(demoHasRun(preset, [])).toBe(false);
    expect(demoHasRun(preset, [pinnedVariant(0)])).toBe(false);
    expect(demoHasRun(preset, [pinnedVariant(0), pinnedVariant(1)])).toBe(true);
  });

  it('has not run when a variant was stopped, or when another preset is on the chart', () => {
    expect(demoHasRun(preset, [pinnedVariant(0), pinnedVariant(1, 'cancelled')])).toBe(false);
    const other = PRESETS.find((p) => p.id === 'cnn-vs-mlp') as (typeof PRESETS)[number];
    expect(demoHasRun(other, [pinnedVariant(0), pinnedVariant(1)])).toBe(false);
  });
});
