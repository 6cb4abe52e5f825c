import { describe, expect, it } from 'vitest';
import type { EngineEvent, EngineEventKind, ExperimentResults } from '../engine/index.ts';
import { parseSpec } from '../engine/experiment/index.ts';
import { pointResult, probeRecord, seedResult, TEST_ENVIRONMENT } from '../engine/testFixtures.ts';
import { DEFAULT_SPEC } from '../stores/defaultSpec.ts';
import { describeEvent } from './describeEvent.ts';

const spec = parseSpec(DEFAULT_SPEC);

/**
 * One event of every kind, keyed by kind: the type checker refuses this table when a kind is
 * added to EngineEvent without an entry, and each entry is held to its words below.
 */
const oneOfEach: { [K in EngineEventKind]: Extract<EngineEvent, { kind: K }> } = {
  'run-started': {
    kind: 'run-started',
    spec,
    environment: TEST_ENVIRONMENT,
    dataset: 'gaussian',
    points: [{ width: 4, parameterCount: 56, model: 'MLP 1×4 relu' }],
  },
  'point-started': { kind: 'point-started', pointIndex: 1, width: 8, parameterCount: 108 },
  'round-started': { kind: 'round-started', pointIndex: 0, seedIndex: 0, ns: [14, 28, 56] },
  'probe-started': { kind: 'probe-started', pointIndex: 0, seedIndex: 0, n: 14 },
  epoch: {
    kind: 'epoch',
    pointIndex: 0,
    seedIndex: 0,
    n: 14,
    epoch: 3,
    loss: 0.123456,
    accuracy: 0.875,
    checked: true,
    runningAccuracy: 0.875,
  },
  'probe-extended': { kind: 'probe-extended', pointIndex: 0, seedIndex: 0, n: 120, steps: 2500 },
  'probe-finished': {
    kind: 'probe-finished',
    probe: probeRecord({ n: 24, steps: 43, epochs: 43, wallMs: 2252 }),
  },
  'verification-started': {
    kind: 'verification-started',
    pointIndex: 0,
    seedIndex: 0,
    n: 44,
    steps: 2500,
  },
  'point-finished': { kind: 'point-finished', point: pointResult() },
  'generalization-started': { kind: 'generalization-started', n: 40, probes: 2 },
  'generalization-measured': {
    kind: 'generalization-measured',
    pointIndex: 0,
    n: 40,
    trainAccuracy: 1,
    testAccuracy: 0.55,
    fits: true,
  },
  'run-finished': {
    kind: 'run-finished',
    results: {
      status: 'complete',
      spec,
      points: [],
      probes: [probeRecord()],
    } as unknown as ExperimentResults,
  },
  error: { kind: 'error', message: 'The training worker crashed: out of memory' },
};

const expected: Record<EngineEventKind, { level: string; text: string }> = {
  'run-started': { level: 'info', text: `Started "${spec.name}" on cpu: gaussian` },
  'point-started': { level: 'info', text: 'Point 2: width 8, 108 parameters' },
  'round-started': { level: 'info', text: 'Training 3 probes at once, stacked: N = 14, 28, 56' },
  'probe-started': { level: 'progress', text: 'N = 14: training' },
  epoch: { level: 'progress', text: 'N = 14, epoch 3: loss 0.1235, accuracy 87.5%' },
  'probe-extended': {
    level: 'info',
    text: 'N = 120: still inconclusive after 2,500 steps, training on (budget doubled)',
  },
  'probe-finished': { level: 'info', text: 'N = 24: fits (after 43 steps), 2.3 s' },
  'verification-started': {
    level: 'info',
    text: 'Verifying N = 44: training it again for 2,500 steps without the plateau stop',
  },
  'point-finished': { level: 'info', text: 'MLP 1×4 relu: 56 params, EMC 20.0 [20, 22]' },
  'generalization-started': {
    level: 'info',
    text: 'Measuring generalization at N = 40, the smallest EMC of the sweep: 2 more trainings',
  },
  'generalization-measured': {
    level: 'info',
    text: 'Generalization of point 1 at N = 40 (shared by the sweep): train accuracy 100.0%, test accuracy 55.0%',
  },
  'run-finished': { level: 'info', text: 'Run complete after 1 probes' },
  error: { level: 'error', text: 'The training worker crashed: out of memory' },
};

describe('describeEvent: an engine event in the words of the log and the progress line', () => {
  it.each(Object.keys(oneOfEach) as EngineEventKind[])('tells %s', (kind) => {
    expect(describeEvent(oneOfEach[kind])).toEqual(expected[kind]);
  });

  it('has words for every kind the events type declares, and a table entry for each', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(oneOfEach).sort());
    for (const event of Object.values(oneOfEach)) {
      expect(describeEvent(event).text.length).toBeGreaterThan(0);
    }
  });

  it('says a probe was replayed from the interrupted run', () => {
    const probe = probeRecord({ n: 14, steps: 44, epochs: 44, replayed: true });
    expect(describeEvent({ kind: 'probe-finished', probe }).text).toBe(
      'N = 14: fits (after 44 steps), 0.1 s, replayed from the interrupted run',
    );
  });

  it('warns of an EMC that is a lower bound or unverified, with several seeds spread', () => {
    const limited = pointResult({
      emcMean: 96,
      budgetLimited: true,
      seeds: [seedResult({ emc: 96, bracket: [96, 102], budgetLimited: true })],
    });
    expect(describeEvent({ kind: 'point-finished', point: limited })).toEqual({
      level: 'warn',
      text: 'MLP 1×4 relu: 56 params, EMC ≥ 96.0 [96, 102] (budget-limited: a lower bound; raise train.maxSteps)',
    });
    const unverified = pointResult({
      emcMean: 21,
      emcStd: 1.5,
      verified: false,
      seeds: [seedResult({ verified: false }), seedResult({ seedIndex: 1, bracket: [22, null] })],
    });
    const described = describeEvent({ kind: 'point-finished', point: unverified });
    expect(described.level).toBe('warn');
    expect(described.text).toMatch(
      /^MLP 1×4 relu: 56 params, EMC .*21\.0 ± 1\.5 \[20, 22\] \[22, ≥pool\] \(unverified: /,
    );
  });
});
