import { beforeEach, describe, expect, it } from 'vitest';
import { pointResult, probeRecord, seedResult, TEST_ENVIRONMENT } from '../engine/testFixtures.ts';
import { parseSpec } from '../engine/experiment/index.ts';
import type { WorkerMessage } from '../worker/protocol.ts';
import { DEFAULT_SPEC } from './defaultSpec.ts';
import { estimateProgress } from './progress.ts';
import { RESULTS_VERSION } from '../engine/results.ts';
import { formatEmc } from '../share/verdicts.ts';
import { liveResults } from './liveResults.ts';
import { resultsDocument } from '../engine/resultsSchema.ts';
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

describe('the run log and the EMC shown', () => {
  const logAfter = (...events: Parameters<typeof engine>[0][]) => {
    useRunStore.getState().apply(events.map(engine), performance.now());
    return useRunStore.getState().log.map((entry) => entry.text);
  };

  it('tells a fit, a converged no-fit, an inconclusive probe and a divergence apart, in steps', () => {
    const log = logAfter(
      { kind: 'probe-finished', probe: probeRecord({ n: 14, steps: 44, epochs: 44 }) },
      {
        kind: 'probe-finished',
        probe: probeRecord({ n: 28, fits: false, steps: 1523, epochs: 1523, extensions: 2 }),
      },
      {
        kind: 'probe-finished',
        probe: probeRecord({
          n: 192,
          fits: false,
          stopReason: 'budget',
          converged: false,
          steps: 4000,
          epochs: 500,
        }),
      },
      {
        kind: 'probe-finished',
        probe: probeRecord({ n: 50, fits: false, stopReason: 'diverged', steps: 30, epochs: 30 }),
      },
    );
    expect(log).toEqual([
      'N = 14: fits (after 44 steps), 0.1 s',
      'N = 28: does not fit (converged after 1,523 steps, budget doubled 2 times), 0.1 s',
      'N = 192: inconclusive (step cap reached after 4,000 steps in 500 epochs), 0.1 s',
      'N = 50: diverged (the loss is no longer finite after 30 steps), 0.1 s',
    ]);
  });

  it('says when an inconclusive probe trains on with a doubled budget', () => {
    const log = logAfter({
      kind: 'probe-extended',
      pointIndex: 0,
      seedIndex: 0,
      n: 120,
      steps: 2500,
    });
    expect(log).toEqual([
      'N = 120: still inconclusive after 2,500 steps, training on (budget doubled)',
    ]);
  });

  it('warns that a budget-limited point is a lower bound', () => {
    const limited = pointResult({
      emcMean: 96,
      budgetLimited: true,
      seeds: [seedResult({ emc: 96, bracket: [96, 102], budgetLimited: true })],
    });
    useRunStore.getState().apply([engine({ kind: 'point-finished', point: limited })], 0);
    expect(useRunStore.getState().log.at(-1)).toMatchObject({
      level: 'warn',
      text: 'MLP 1×4 relu: 56 params, EMC ≥ 96.0 [96, 102] (budget-limited: a lower bound; raise train.maxSteps)',
    });
  });

  it('fills in and logs generalization at the shared N as each point is measured', () => {
    const log = logAfter(
      { kind: 'point-finished', point: pointResult({ index: 0, model: 'MLP 1×4 relu' }) },
      { kind: 'point-finished', point: pointResult({ index: 1, width: 8, model: 'MLP 1×8 relu' }) },
      { kind: 'generalization-started', n: 120, probes: 2 },
      {
        kind: 'generalization-measured',
        pointIndex: 1,
        n: 120,
        trainAccuracy: 1,
        testAccuracy: 0.8125,
        fits: true,
      },
    );
    expect(log.slice(-2)).toEqual([
      'Measuring generalization at N = 120, the smallest EMC of the sweep: 2 more trainings',
      'Generalization of point 2 at N = 120 (shared by the sweep): train accuracy 100.0%, test accuracy 81.3%',
    ]);
    const { points } = useRunStore.getState();
    expect(points.map((p) => p.generalization)).toEqual([
      null,
      { n: 120, trainAccuracy: 1, testAccuracy: 0.8125, fits: true },
    ]);
  });

  it('marks an EMC that is only a lower bound with ≥: censored or budget-limited', () => {
    expect(formatEmc(pointResult())).toBe('20');
    expect(
      formatEmc(pointResult({ seeds: [seedResult({ bracket: [20, null], censored: true })] })),
    ).toBe('≥ 20');
    const twoSeeds = [seedResult(), seedResult({ seedIndex: 1, budgetLimited: true })];
    expect(
      formatEmc(pointResult({ emcMean: 20, emcStd: 1.5, budgetLimited: true, seeds: twoSeeds })),
    ).toBe('≥ 20 ± 1.5');
  });

  it('saves the run so far as a current-version results document', () => {
    useRunStore.getState().apply(
      [
        engine({
          kind: 'run-started',
          spec,
          environment: TEST_ENVIRONMENT,
          dataset: 'gaussian',
          points: [{ width: 4, parameterCount: 56, model: 'MLP 1×4 relu' }],
        }),
        engine({ kind: 'probe-finished', probe: probe(14, true) }),
      ],
      performance.now(),
    );
    const results = liveResults(useRunStore.getState());
    expect(results).toMatchObject({ format: 'emc-lab-results', version: RESULTS_VERSION });
    expect(results?.probes).toEqual([probe(14, true)]);
  });
});

describe('progress estimate', () => {
  it('says nothing about time left before any probe has finished', () => {
    const state = {
      ...useRunStore.getState(),
      planned: [{ width: 4, parameterCount: 56, model: '' }],
    };
    expect(estimateProgress(state).secondsLeft).toBeUndefined();
  });

  it("measures the current probe against the step cap, in epochs of the probe's N", () => {
    const at = (batchSize: number | 'full', epoch: number) =>
      estimateProgress({
        ...useRunStore.getState(),
        phase: 'running',
        spec: parseSpec({
          ...DEFAULT_SPEC,
          train: { ...DEFAULT_SPEC.train, batchSize, maxSteps: 4000 },
        }),
        current: {
          pointIndex: 0,
          seedIndex: 0,
          n: 64,
          startedAt: 0,
          curve: [{ epoch, loss: 1, accuracy: 0.5 }],
        },
      }).probe;
    // Full batch: one step per epoch, so 1,000 of 4,000 steps. Batches of 16: four per epoch.
    expect(at('full', 1000)).toBeCloseTo(0.25);
    expect(at(16, 500)).toBeCloseTo(0.5);
  });

  const twoWidths = {
    phase: 'running' as const,
    startedAt: 0,
    planned: [
      { width: 4, parameterCount: 56, model: '' },
      { width: 8, parameterCount: 112, model: '' },
    ],
  };
  const timed = (n: number, fits: boolean, pointIndex: number, wallMs: number) => ({
    ...probeRecord({ n, fits, pointIndex, wallMs }),
    atSeconds: 1,
  });

  it("estimates time left from the first probe's measured training time, not the worker's start-up", () => {
    // 20 s went by, but the one finished probe trained for 2 s: the rest is start-up and
    // backend timing, which the remaining probes will not pay again.
    const state = {
      ...useRunStore.getState(),
      ...twoWidths,
      probes: [timed(14, true, 0, 2000)],
    };
    const progress = estimateProgress(state);
    // Two searches of about 8 probes each, 15 probes left at 2 s each.
    expect(progress.secondsLeft).toBeCloseTo(30);
  });

  it('expects a wider point to take longer, in proportion to its parameters', () => {
    const state = {
      ...useRunStore.getState(),
      ...twoWidths,
      points: [{ ...point, index: 0, parameterCount: 56, wallMs: 4000 }],
      probes: [timed(14, true, 0, 1000), timed(28, false, 0, 3000), timed(28, true, 1, 1500)],
    };
    // The 56-parameter point took 4 s, so the 112-parameter one should take 8 s, of which
    // 1.5 s are spent.
    expect(estimateProgress(state).secondsLeft).toBeCloseTo(6.5);
  });
});

describe('a resumed run', () => {
  const kept = [probe(14, true), probe(28, false), probeRecord({ pointIndex: 1, n: 20 })];
  const keptPoint = pointResult({ index: 0 });
  const results = (status: 'cancelled' | 'complete', probes = [] as typeof kept) =>
    resultsDocument({
      status,
      spec,
      environment: TEST_ENVIRONMENT,
      dataset: 'gaussian',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:00.000Z',
      points: [],
      probes,
    });

  beforeEach(() => useRunStore.getState().keep(kept, [keptPoint]));

  it('shows its kept probes and points at once, before the worker replays them', () => {
    const state = useRunStore.getState();
    expect(state.phase).toBe('starting');
    expect(state.probes.map((p) => p.n)).toEqual([14, 28, 20]);
    expect(state.points).toEqual([keptPoint]);
  });

  it('adds nothing when the worker replays them, and a point replayed replaces its kept one', () => {
    const replayedPoint = pointResult({ index: 0, emcMean: 21 });
    useRunStore
      .getState()
      .apply(
        [
          ...kept
            .slice(0, 2)
            .map((p) => engine({ kind: 'probe-finished', probe: { ...p, replayed: true } })),
          engine({ kind: 'point-finished', point: replayedPoint }),
          engine({ kind: 'probe-finished', probe: probe(40, true) }),
        ],
        performance.now(),
      );
    const state = useRunStore.getState();
    expect(state.probes.map((p) => p.n)).toEqual([14, 28, 20, 40]);
    expect(state.points).toEqual([replayedPoint]);
  });

  it('stopped before the replay, still reports and saves every kept probe and point', () => {
    // The worker stopped while it loaded the data: its results hold nothing yet.
    useRunStore
      .getState()
      .apply([engine({ kind: 'run-finished', results: results('cancelled') })], performance.now());
    const state = useRunStore.getState();
    expect(state.phase).toBe('cancelled');
    expect(state.points).toHaveLength(1);
    expect(state.probes).toHaveLength(3);
    const saved = liveResults(state);
    expect(saved?.probes).toHaveLength(3);
    expect(saved?.probes[0]).not.toHaveProperty('atSeconds');
    expect(saved?.points).toEqual([keptPoint]);
  });

  it('takes a complete run’s results as they are', () => {
    const all = [...kept, probe(40, true)];
    useRunStore
      .getState()
      .apply([engine({ kind: 'run-finished', results: results('complete', all) })], 0);
    expect(liveResults(useRunStore.getState())?.probes).toEqual(all);
  });
});
