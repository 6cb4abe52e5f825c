import { beforeEach, describe, expect, it } from 'vitest';
import { pointResult, probeRecord } from '../engine/testFixtures.ts';
import { parseSpec } from '../engine/spec/index.ts';
import type { WorkerMessage } from '../worker/protocol.ts';
import { DEFAULT_SPEC } from './defaultSpec.ts';
import { estimateProgress } from './progress.ts';
import { useRunStore } from './runStore.ts';

const spec = parseSpec(DEFAULT_SPEC);
const engine = (event: Extract<WorkerMessage, { kind: 'engine' }>['event']): WorkerMessage => ({
  kind: 'engine',
  event,
});

const probe = (n: number, fits: boolean) => probeRecord({ n, fits });
const point = pointResult();

beforeEach(() => {
  useRunStore.getState().begin(spec, 'test-run');
});

describe('the run store', () => {
  it('follows a run from the backend message to the finished results', () => {
    const store = useRunStore.getState();
    store.apply(
      [
        {
          kind: 'backend',
          info: {
            name: 'webgl',
            floatPrecision: 32,
            skipped: ['webgpu: no adapter'],
            crossOriginIsolated: true,
          },
        },
        engine({
          kind: 'run-started',
          spec,
          environment: {
            backend: 'webgl',
            floatPrecision: 32,
            tfjsVersion: '4.22.0',
            engineVersion: '0.1.0',
            platform: 'test',
          },
          dataset: 'gaussian',
          points: [{ width: 4, parameterCount: 56, model: 'MLP 1×4 relu' }],
        }),
        engine({ kind: 'probe-started', pointIndex: 0, seedIndex: 0, n: 14 }),
        engine({
          kind: 'epoch',
          pointIndex: 0,
          seedIndex: 0,
          n: 14,
          epoch: 1,
          loss: 1.2,
          accuracy: 0.5,
          checked: true,
          runningAccuracy: 0.5,
        }),
        engine({
          kind: 'epoch',
          pointIndex: 0,
          seedIndex: 0,
          n: 14,
          epoch: 2,
          loss: 0.9,
          accuracy: 0.75,
          checked: true,
          runningAccuracy: 0.75,
        }),
      ],
      performance.now(),
    );
    let state = useRunStore.getState();
    expect(state.phase).toBe('running');
    expect(state.backend?.name).toBe('webgl');
    expect(state.log.some((e) => e.level === 'warn' && e.text.includes('Skipped webgpu'))).toBe(
      true,
    );
    expect(state.current?.curve.map((c) => c.epoch)).toEqual([1, 2]);

    store.apply(
      [
        engine({ kind: 'probe-finished', probe: probe(14, true) }),
        engine({ kind: 'point-finished', point }),
      ],
      performance.now(),
    );
    state = useRunStore.getState();
    expect(state.probes).toHaveLength(1);
    expect(state.points).toEqual([point]);
  });

  it('pauses and resumes only a live run', () => {
    const store = useRunStore.getState();
    store.apply([{ kind: 'paused', paused: true }], performance.now());
    expect(useRunStore.getState().phase).toBe('starting');
    store.setPhase('running');
    store.apply([{ kind: 'paused', paused: true }], performance.now());
    expect(useRunStore.getState().phase).toBe('paused');
    store.apply([{ kind: 'paused', paused: false }], performance.now());
    expect(useRunStore.getState().phase).toBe('running');
  });

  it('keeps finished probes when the worker fails', () => {
    const store = useRunStore.getState();
    store.apply([engine({ kind: 'probe-finished', probe: probe(14, true) })], performance.now());
    store.fail('The training worker crashed: out of memory', performance.now());
    const state = useRunStore.getState();
    expect(state.phase).toBe('failed');
    expect(state.error).toContain('out of memory');
    expect(state.probes).toHaveLength(1);
  });
});

describe('progress estimate', () => {
  it('says nothing about time left before a few probes have finished', () => {
    const state = {
      ...useRunStore.getState(),
      planned: [{ width: 4, parameterCount: 56, model: '' }],
    };
    expect(estimateProgress(state, performance.now()).secondsLeft).toBeUndefined();
  });

  it('extrapolates time left from finished probes', () => {
    const startedAt = 0;
    const state = {
      ...useRunStore.getState(),
      phase: 'running' as const,
      startedAt,
      planned: [
        { width: 4, parameterCount: 56, model: '' },
        { width: 8, parameterCount: 108, model: '' },
      ],
      points: [point],
      probes: [probe(14, true), probe(28, false), probe(21, true), probe(22, false)].map((p) => ({
        ...p,
        atSeconds: 1,
      })),
    };
    // 4 probes in 8 s; the second point should need about 4 more probes of 2 s each.
    const progress = estimateProgress(state, 8_000);
    expect(progress.sweep).toBeCloseTo(0.5);
    expect(progress.secondsLeft).toBeCloseTo(8);
  });
});
