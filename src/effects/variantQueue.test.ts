import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type ExperimentSpec, parseSpec } from '../engine/experiment/index.ts';
import { type ExperimentResults, resultsDocument } from '../engine/results.ts';
import { pointResult } from '../engine/testFixtures.ts';
import { PRESETS, variantSpec } from '../presets/presets.ts';
import { useCompareStore } from '../stores/compareStore.ts';
import { useConfigStore } from '../stores/configStore.ts';
import { formValuesFromSpec } from '../stores/formFields.ts';
import { useRunStore } from '../stores/runStore.ts';
import { runVariants } from './variantQueue.ts';

// The queue's effect is starting runs; the worker behind them is not what is tested here.
const started = vi.hoisted(() => [] as string[]);
const prepared = vi.hoisted(() => ({ specs: [] as string[], discarded: 0 }));
vi.mock('./runner.ts', () => ({
  startRun: async (spec: { name: string }) => {
    started.push(spec.name);
  },
  prepareWorkers: (spec: { name: string }) => {
    prepared.specs.push(spec.name);
  },
  discardPreparedWorkers: () => {
    prepared.discarded += 1;
  },
}));

const preset = PRESETS.find((p) => p.id === 'true-vs-random-labels');
if (!preset) throw new Error('missing preset');
const variants = preset.variants.map((variant, index) => ({
  label: variant.label,
  spec: parseSpec(variantSpec(preset, index)),
}));

/** The run store as a run of `spec` leaves it on reaching `phase`. */
function finishAs(phase: 'finished' | 'cancelled', index: number) {
  const spec = variants[index]?.spec;
  if (!spec) throw new Error('no such variant');
  useRunStore.setState({ phase: 'running' });
  useRunStore.setState({
    phase,
    results: resultsDocument({
      status: phase === 'finished' ? 'complete' : 'cancelled',
      spec,
      environment: {
        backend: 'cpu',
        floatPrecision: 32,
        tfjsVersion: '4.22.0',
        engineVersion: 'test',
        platform: 'test',
      },
      dataset: 'gaussian',
      startedAt: '',
      finishedAt: null,
      points: [pointResult()],
      probes: [],
    }),
  });
}

describe('running a comparison preset', () => {
  beforeEach(() => {
    started.length = 0;
    prepared.specs.length = 0;
    prepared.discarded = 0;
    useCompareStore.getState().clear();
    useRunStore.setState({ phase: 'idle' });
  });

  it('runs each variant in turn and pins each finished run with its label, for the overlay', async () => {
    runVariants(variants, 'cpu');
    expect(started).toEqual(['Finding 4: true vs random labels — true labels']);
    finishAs('finished', 0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(started).toHaveLength(2);
    expect(started[1]).toBe('Finding 4: true vs random labels — random labels');
    finishAs('finished', 1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(useCompareStore.getState().pinned.map((p) => p.label)).toEqual([
      'true labels',
      'random labels',
    ]);
    expect(started).toHaveLength(2);
  });

  it('prepares workers for the variant that comes next, and for no run after the last', async () => {
    runVariants(variants, 'cpu');
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The second variant's workers start while the first trains.
    expect(prepared.specs).toEqual(['Finding 4: true vs random labels — random labels']);
    finishAs('finished', 0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(prepared.specs).toHaveLength(1);
    const discardedBefore = prepared.discarded;
    finishAs('finished', 1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The comparison is over: whatever was prepared is ended.
    expect(prepared.discarded).toBeGreaterThan(discardedBefore);
  });

  it('ends the prepared workers when a variant is stopped', async () => {
    runVariants(variants, 'cpu');
    const discardedBefore = prepared.discarded;
    finishAs('cancelled', 0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(prepared.discarded).toBeGreaterThan(discardedBefore);
  });

  it('ends the queue when a variant is stopped', async () => {
    runVariants(variants, 'cpu');
    finishAs('cancelled', 0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(started).toHaveLength(1);
    expect(useCompareStore.getState().pinned).toEqual([]);
  });

  it('pins the last variant once, though it is also the current run, under the preset title', async () => {
    runVariants(variants, 'cpu', 'Finding 4: true vs random labels');
    finishAs('finished', 0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    finishAs('finished', 1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const { pinned, title, pin } = useCompareStore.getState();
    expect(title).toBe('Finding 4: true vs random labels');
    expect(pinned.at(-1)?.results).toBe(useRunStore.getState().results);
    // Pinning the current run again (the Pin button) adds nothing.
    pin(useRunStore.getState().results as ExperimentResults);
    expect(useCompareStore.getState().pinned).toHaveLength(2);
  });

  it('shows in the form the variant that runs, not the preset base', async () => {
    runVariants(variants, 'cpu');
    expect(useConfigStore.getState().values).toEqual(
      formValuesFromSpec(variants[0]?.spec as ExperimentSpec),
    );
    finishAs('finished', 0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(useConfigStore.getState().values).toEqual(
      formValuesFromSpec(variants[1]?.spec as ExperimentSpec),
    );
  });
});
