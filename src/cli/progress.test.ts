import { describe, expect, it } from 'vitest';
import type { EngineEvent, ExperimentResults } from '../engine/index.ts';
import { parseSpec } from '../engine/experiment/index.ts';
import { pointResult, probeRecord, seedResult, TEST_ENVIRONMENT } from '../engine/testFixtures.ts';
import { DEFAULT_SPEC } from '../stores/defaultSpec.ts';
import { ProgressLine } from './progress.ts';

/** What the progress report writes for these events in a CI log (not a terminal). */
function report(events: EngineEvent[], quiet = false): string[] {
  let written = '';
  const stream = {
    isTTY: false,
    write: (chunk: string) => {
      written += chunk;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  const progress = new ProgressLine(stream, quiet);
  for (const event of events) progress.update(event);
  return written.split('\n').filter(Boolean);
}

const runStarted: EngineEvent = {
  kind: 'run-started',
  spec: parseSpec(DEFAULT_SPEC),
  environment: TEST_ENVIRONMENT,
  dataset: 'gaussian',
  points: [
    { width: 4, parameterCount: 56, model: 'MLP 1×4 relu' },
    { width: 8, parameterCount: 108, model: 'MLP 1×8 relu' },
  ],
};
const pointStarted: EngineEvent = {
  kind: 'point-started',
  pointIndex: 1,
  width: 8,
  parameterCount: 108,
};
const limited = pointResult({
  model: 'MLP 1×8 relu',
  parameterCount: 108,
  emcMean: 96,
  budgetLimited: true,
  verified: false,
  seeds: [seedResult({ emc: 96, bracket: [96, 102], budgetLimited: true, verified: false })],
});

describe('the CLI progress report', () => {
  it('tells converged, inconclusive and extended probes apart, in steps', () => {
    const lines = report([
      runStarted,
      pointStarted,
      { kind: 'probe-finished', probe: probeRecord({ n: 24, steps: 43, epochs: 43 }) },
      { kind: 'probe-extended', pointIndex: 0, seedIndex: 0, n: 120, steps: 2500 },
      {
        kind: 'probe-finished',
        probe: probeRecord({ n: 102, fits: false, steps: 2503, epochs: 2503, wallMs: 2252 }),
      },
      {
        kind: 'probe-finished',
        probe: probeRecord({
          n: 120,
          fits: false,
          stopReason: 'budget',
          converged: false,
          steps: 4000,
          epochs: 4000,
          wallMs: 4683,
        }),
      },
    ]);
    const prefix = 'point 2/2 (width 8, 108 params) seed 1';
    expect(lines.slice(1)).toEqual([
      `${prefix}: N = 24: fits (after 43 steps), 0.1 s`,
      `${prefix}: N = 120: still inconclusive after 2,500 steps, training on (budget doubled)`,
      `${prefix}: N = 102: does not fit (converged after 2,503 steps), 2.3 s`,
      `${prefix}: N = 120: inconclusive (step cap reached after 4,000 steps), 4.7 s`,
    ]);
  });

  it('marks a budget-limited EMC with ≥ and says so', () => {
    expect(report([{ kind: 'point-finished', point: limited }])).toEqual([
      'MLP 1×8 relu: 108 params, EMC ≥ 96.0 [96, 102] (budget-limited: a lower bound; raise train.maxSteps)',
    ]);
    expect(report([{ kind: 'point-finished', point: pointResult() }])).toEqual([
      'MLP 1×4 relu: 56 params, EMC 20.0 [20, 22]',
    ]);
  });

  it('reports the generalization trainings at the shared N, one line per point', () => {
    const lines = report([
      runStarted,
      { kind: 'generalization-started', n: 40, probes: 2 },
      {
        kind: 'generalization-measured',
        pointIndex: 0,
        n: 40,
        trainAccuracy: 1,
        testAccuracy: 0.55,
        fits: true,
      },
    ]);
    expect(lines.slice(1)).toEqual([
      'Measuring generalization at N = 40, the smallest EMC of the sweep: 2 more trainings',
      'Generalization of point 1 at N = 40 (shared by the sweep): train accuracy 100.0%, test accuracy 55.0%',
    ]);
  });

  it('ends with the points whose EMC is only a lower bound, and the cap to raise', () => {
    const results = {
      status: 'complete',
      spec: parseSpec(DEFAULT_SPEC),
      points: [pointResult(), limited],
      probes: [probeRecord()],
    } as ExperimentResults;
    expect(report([{ kind: 'run-finished', results }])).toEqual([
      'Run complete after 1 probes',
      '1 of 2 points budget-limited (EMC marked ≥ is a lower bound: MLP 1×8 relu); raise train.maxSteps (now 8,000) to decide them',
      'verification: 1 of 2 seed results verified, 0 verdicts overturned',
    ]);
    expect(report([{ kind: 'run-finished', results }], true)).toEqual([]);
  });

  it('says what verification did, and marks an EMC it could not vouch for as unverified', () => {
    const unverified = pointResult({
      model: 'MLP 1×16 relu',
      emcMean: 40,
      verified: false,
      seeds: [seedResult({ emc: 40, bracket: [40, 44], verified: false, overturned: 2 })],
    });
    const lines = report([
      runStarted,
      pointStarted,
      { kind: 'verification-started', pointIndex: 1, seedIndex: 0, n: 44, steps: 2500 },
      {
        kind: 'probe-finished',
        probe: probeRecord({
          n: 44,
          fits: false,
          stopReason: 'budget',
          verification: true,
          steps: 2500,
          epochs: 2500,
        }),
      },
      { kind: 'point-finished', point: unverified },
      {
        kind: 'run-finished',
        results: {
          status: 'complete',
          spec: parseSpec(DEFAULT_SPEC),
          points: [pointResult(), unverified],
          probes: [probeRecord()],
        } as ExperimentResults,
      },
    ]);
    expect(lines.slice(1)).toEqual([
      'point 2/2 (width 8, 108 params) seed 1: Verifying N = 44: training it again for 2,500 steps without the plateau stop',
      'point 2/2 (width 8, 108 params) seed 1: N = 44: verified: still does not fit after 2,500 steps without the plateau stop, 0.1 s',
      'MLP 1×16 relu: 56 params, EMC 40.0 [40, 44] (unverified: its decisive "does not fit" was not trained on longer to check it (search.verify))',
      'Run complete after 1 probes',
      'verification: 1 of 2 seed results verified, 2 verdicts overturned',
      '1 of 2 points unverified: its decisive "does not fit" was not trained on longer to check it (search.verify): MLP 1×16 relu',
    ]);
  });
});
