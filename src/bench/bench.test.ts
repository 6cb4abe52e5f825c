import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { measureParallelSearch, PARALLEL_SEARCH_SPEC } from './parallelSearch.ts';
import { compareSearchCost } from './searchCost.ts';
import { measureStepRate } from './stepRate.ts';
import { parseSpec } from '../engine/experiment/index.ts';
import { resultsDocument } from '../engine/results.ts';
import {
  pointResult,
  probeRecord,
  seedResult,
  specFixture,
  TEST_ENVIRONMENT,
} from '../engine/testFixtures.ts';
import {
  fidelityReport,
  formatVerification,
  summarizePreset,
  verificationCostLine,
} from './fidelityReport.ts';
import {
  agreement,
  drawStudySpecs,
  patientSpec,
  STUDY_BATCH_SIZES,
  STUDY_CNN_COUNT,
  STUDY_CNN_MAX_STEPS,
  STUDY_OPTIMIZERS,
  STUDY_PATIENCES,
  STUDY_SEED,
  STUDY_SPEC_COUNT,
  type StudyPoint,
  summarizeRun,
  type StudyRow,
  type StudyRun,
  summarizeStudy,
} from './widenedStudy.ts';

/** A study point: one verified seed with this EMC, unmarked unless `marks` say otherwise. */
function studyPoint(emcMean: number, marks: Partial<StudyPoint> = {}): StudyPoint {
  return {
    width: 8,
    parameterCount: 100,
    emcMean,
    seedEmcs: [emcMean],
    budgetLimited: false,
    censored: false,
    verified: true,
    seedsVerified: 1,
    overturned: 0,
    saddleEscapes: 0,
    ...marks,
  };
}

describe('benchmark building blocks', () => {
  it('measures engine and model.fit step rates on the same model, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const rate = await measureStepRate({
      id: 'tiny',
      label: 'MLP 1×4',
      model: { family: 'mlp', depth: 1, activation: 'relu' },
      width: 4,
      inputShape: [6],
      classes: 3,
      samples: 64,
      batchSize: 16,
      epochs: 2,
    });
    expect(rate.parameterCount).toBe((6 + 1) * 4 + (4 + 1) * 3);
    expect(rate.engineStepsPerSecond).toBeGreaterThan(0);
    expect(rate.fitStepsPerSecond).toBeGreaterThan(0);
    expect(rate.ratio).toBeCloseTo(rate.engineStepsPerSecond / rate.fitStepsPerSecond, 10);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('finds the same EMC by fixed steps as the search does, with more trainings', async () => {
    const cost = await compareSearchCost({
      version: 3,
      name: 'linear d = 6',
      seed: 3,
      data: { source: 'gaussian', inputShape: [6], classes: 2, labels: 'random', poolSize: 200 },
      model: { family: 'mlp', depth: 0 },
      sweep: { widths: [1] },
      train: {
        optimizer: 'adam',
        learningRate: 0.05,
        batchSize: 'full',
        maxSteps: 300,
        patience: 40,
        minDelta: 0.0001,
      },
      search: { precision: 0.05, seeds: 1 },
    });
    expect(cost.fixedStep).toBe(1);
    // Both end with a bracket one sample wide; they agree unless fitting is not monotone in N.
    expect(Math.abs(cost.fixedStepEmc - cost.emc)).toBeLessThanOrEqual(2);
    expect(cost.fixedStepProbes).toBeGreaterThanOrEqual(cost.fixedStepEmc);
    expect(cost.probeRatio).toBeGreaterThan(1);
    // The gate study retrains every engine probe with the full check on every epoch.
    expect(cost.gate.probes).toBe(cost.engineProbes);
    expect(cost.gate.sameDecision).toBeLessThanOrEqual(cost.gate.probes);
    expect(cost.gate.ungatedSeconds).toBeGreaterThan(0);
  });

  it('measures one EMC point with k = 1 and k = 4 probes per round, in fewer rounds with 4', async () => {
    const before = tf.memory().numTensors;
    const rows = await measureParallelSearch(
      { ...PARALLEL_SEARCH_SPEC, train: { ...PARALLEL_SEARCH_SPEC.train, maxSteps: 60 } },
      [1, 4],
    );
    expect(tf.memory().numTensors).toBe(before);
    const [sequential, parallel] = rows;
    expect(sequential).toMatchObject({ parallel: 1 });
    expect(sequential?.rounds).toBe(sequential?.trainings);
    expect(parallel).toMatchObject({ parallel: 4 });
    expect(parallel?.rounds).toBeLessThan(sequential?.rounds as number);
    expect(parallel?.trainings).toBeLessThanOrEqual(4 * (parallel?.rounds as number));
    // Both brackets hold the same threshold (up to non-monotone probes at its edge).
    expect(Math.abs((parallel?.emc as number) - (sequential?.emc as number))).toBeLessThanOrEqual(
      Math.ceil(0.05 * (sequential?.emc as number)) + 2,
    );
  });

  it('draws the widened study: the same valid, small specs for a seed, covering every factor', () => {
    const all = drawStudySpecs();
    expect(all).toHaveLength(STUDY_SPEC_COUNT + STUDY_CNN_COUNT);
    expect(drawStudySpecs()).toEqual(all);
    expect(drawStudySpecs(7)).not.toEqual(all);
    // The CNNs come after the MLPs from a stream of their own: the MLP specs are those drawn
    // before CNNs joined the study.
    expect(drawStudySpecs(STUDY_SEED, STUDY_SPEC_COUNT, 0)).toEqual(all.slice(0, STUDY_SPEC_COUNT));
    expect(all[0]?.name?.startsWith('S01 ')).toBe(true);
    const specs = all.slice(0, STUDY_SPEC_COUNT);
    const cnns = all.slice(STUDY_SPEC_COUNT).map((spec) => parseSpec(spec));
    expect(new Set(all.map((s) => s.name)).size).toBe(all.length);
    expect(cnns.map((s) => s.name.slice(0, 4))).toEqual(['S21 ', 'S22 ', 'S23 ']);
    for (const cnn of cnns) {
      expect(cnn.model.family).toBe('cnn');
      expect(cnn.model.depth).toBeGreaterThanOrEqual(1);
      expect(cnn.model.depth).toBeLessThanOrEqual(2);
      expect(cnn.sweep.widths).toEqual([1]);
      expect(cnn.search.seeds).toBe(1);
      expect(cnn.search.verify).toBe(true);
      expect(cnn.data.source).toBe('mnist');
      expect(cnn.data.poolSize).toBeLessThanOrEqual(400);
      expect(cnn.train.maxSteps).toBe(STUDY_CNN_MAX_STEPS);
      expect(parseSpec(patientSpec(cnn)).train.maxSteps).toBe(4 * STUDY_CNN_MAX_STEPS);
    }
    expect(new Set(cnns.map((s) => s.data.labels)).size).toBe(2);
    const parsed = specs.map((spec) => parseSpec(spec));
    const patient = specs.map((spec) => parseSpec(patientSpec(spec)));
    for (const [i, spec] of parsed.entries()) {
      expect(spec.model.family).toBe('mlp');
      expect(spec.model.depth).toBeLessThanOrEqual(2);
      expect(spec.sweep.widths.length).toBeLessThanOrEqual(2);
      expect(spec.search.seeds).toBeLessThanOrEqual(2);
      expect(spec.search.precision).toBe(0.1);
      expect(spec.search.verify).toBe(true);
      expect(spec.data.poolSize).toBeLessThanOrEqual(400);
      expect(spec.train.maxSteps).toBeLessThanOrEqual(8000);
      const more = patient[i];
      expect(more?.train.patience).toBe(4 * spec.train.patience);
      expect(more?.train.minDelta).toBeCloseTo(spec.train.minDelta / 10, 12);
      expect(more?.train.maxSteps).toBeGreaterThanOrEqual(spec.train.maxSteps);
    }
    const has = (test: (s: (typeof parsed)[number]) => boolean) => parsed.some(test);
    expect(has((s) => s.train.batchSize === 'full')).toBe(true);
    expect(has((s) => ['wine', 'breast-cancer', 'iris'].includes(s.data.source))).toBe(true);
    expect(has((s) => s.data.source === 'mnist' && s.data.labels === 'random')).toBe(true);
    expect(has((s) => s.data.source === 'mnist' && s.data.labels === 'true')).toBe(true);
    expect(has((s) => s.data.source === 'gaussian')).toBe(true);
    for (const optimizer of STUDY_OPTIMIZERS) expect(has((s) => s.train.optimizer === optimizer)).toBe(true);
    for (const batch of STUDY_BATCH_SIZES) expect(has((s) => s.train.batchSize === batch)).toBe(true);
    for (const patience of STUDY_PATIENCES) expect(has((s) => s.train.patience === patience)).toBe(true);
    for (const depth of [0, 1, 2]) expect(has((s) => s.model.depth === depth)).toBe(true);
  });

  it('compares two EMCs within the search precision, and flags lower bounds', () => {
    expect(agreement(studyPoint(100), studyPoint(110), 0.1, true)).toBe('within');
    expect(agreement(studyPoint(3), studyPoint(4), 0.1, true)).toBe('within');
    expect(agreement(studyPoint(100), studyPoint(120), 0.1, true)).toBe('moved');
    expect(agreement(studyPoint(100, { budgetLimited: true }), studyPoint(120), 0.1, true)).toBe(
      'moved, flagged',
    );
    expect(agreement(studyPoint(100), studyPoint(120, { verified: false }), 0.1, true)).toBe(
      'moved, flagged',
    );
    // The first search is never verified: that alone does not flag it.
    expect(agreement(studyPoint(100, { verified: false }), studyPoint(120), 0.1, false)).toBe('moved');
  });

  it('counts unmarked moves per plateau reading and per patience drawn', () => {
    const run = (emcMean: number): StudyRun => ({
      seconds: 1,
      probes: 3,
      points: [studyPoint(emcMean)],
    });
    const [a, b] = drawStudySpecs(7, 2) as [StudyRow['spec'], StudyRow['spec']];
    const row = (spec: StudyRow['spec'], patience: number, moved: boolean, epochMoved: boolean) => ({
      name: spec.name ?? '',
      spec: { ...spec, train: { ...spec.train, patience } },
      precision: 0.1,
      seeds: 1,
      first: run(100),
      verified: run(100),
      patient: run(moved ? 150 : 100),
      epochMean: run(epochMoved ? 60 : 100),
      seedsVerified: 1,
      seedCount: 1,
      overturned: 0,
      verifyAgreement: ['within' as const],
      patientAgreement: [moved ? ('moved' as const) : ('within' as const)],
      epochMeanAgreement: [epochMoved ? ('moved' as const) : ('within' as const)],
    });
    const summary = summarizeStudy([row(a, 100, true, true), row(b, 500, false, true)], 10);
    expect(summary.unflaggedMoves).toHaveLength(1);
    expect(summary.epochMeanMovedByPatience).toBe(2);
    expect(summary.epochMeanUnflaggedMoves).toHaveLength(2);
    expect(summary.byPatience).toEqual([
      { patience: 100, specs: 1, unflagged: 1 },
      { patience: 500, specs: 1, unflagged: 0 },
    ]);
  });

  it('reports verification steps and seconds per point, and what they cost against the search', () => {
    // Width 4: two seeds, each a search of 400 steps and one verification; width 8: every
    // seed budget-limited, no verification trained.
    const probes = [
      probeRecord({ n: 10, steps: 100, wallMs: 250 }),
      probeRecord({ n: 20, steps: 300, wallMs: 250, fits: false }),
      probeRecord({ n: 20, steps: 1500, wallMs: 2500, fits: false, verification: true }),
      probeRecord({ seedIndex: 1, n: 10, steps: 400, wallMs: 250 }),
      probeRecord({ seedIndex: 1, n: 20, steps: 2000, wallMs: 1500, fits: false, verification: true }),
      probeRecord({ pointIndex: 1, n: 40, steps: 800, wallMs: 900, stopReason: 'budget', fits: false }),
    ];
    const results = resultsDocument({
      status: 'complete',
      spec: specFixture({ search: { seeds: 2 } }),
      environment: TEST_ENVIRONMENT,
      dataset: 'test',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:10Z',
      points: [
        pointResult({ seeds: [seedResult(), seedResult({ seedIndex: 1 })] }),
        pointResult({
          index: 1,
          width: 8,
          budgetLimited: true,
          verified: false,
          seeds: [seedResult({ emc: 30, budgetLimited: true, verified: false })],
        }),
      ],
      probes,
    });
    const preset = summarizePreset('9. test', ['MLP'], [results], 10);
    expect(preset.costs).toEqual([
      [
        {
          search: { trainings: 3, steps: 800, seconds: 0.75 },
          verification: { trainings: 2, steps: 3500, seconds: 4 },
        },
        {
          search: { trainings: 1, steps: 800, seconds: 0.9 },
          verification: { trainings: 0, steps: 0, seconds: 0 },
        },
      ],
    ]);
    expect(formatVerification(preset.costs?.[0]?.[0])).toBe('3,500 steps / 4.0 s');
    expect(formatVerification(preset.costs?.[0]?.[1])).toBe('–');
    expect(verificationCostLine(preset.costs?.[0] ?? [])).toBe(
      "verification cost: median 3,500 steps / 4.0 s per point (the 1 of 2 points where a verification trained), 2.19× the search's steps (3,500 against 1,600)",
    );

    const run = summarizeRun(results, 10);
    expect(run.points.map((p) => p.verification?.steps)).toEqual([3500, 0]);
    const [spec] = drawStudySpecs(7, 1) as [StudyRow['spec']];
    const row: StudyRow = {
      name: 'S01 test',
      spec,
      precision: 0.1,
      seeds: 2,
      first: run,
      verified: run,
      patient: run,
      epochMean: run,
      seedsVerified: 2,
      seedCount: 3,
      overturned: 0,
      verifyAgreement: ['within', 'within'],
      patientAgreement: ['within', 'within'],
      epochMeanAgreement: ['within', 'within'],
    };
    // A row of a fidelity.json written before costs were recorded still renders.
    const { search: _s, verification: _v, ...older } = run.points[0] as StudyPoint;
    const oldRow = { ...row, name: 'S02 old', verified: { ...run, points: [older] } };
    const report = fidelityReport({
      runs: [preset, { ...preset, preset: '8. old', costs: undefined }],
      study: [row, oldRow],
      summary: summarizeStudy([row], 10),
    });
    const line = (start: string) => report.split('\n').find((l) => l.startsWith(start)) ?? '';
    expect(line('| preset')).toContain('| verification per width (steps / s) |');
    expect(line('| 9. test')).toMatch(/\| 3,500 steps \/ 4\.0 s \/ – \|$/);
    expect(line('| 8. old')).toMatch(/\| \? \|$/);
    expect(line('| spec')).toContain('| verification per point (steps / s) |');
    expect(line('| S01 test')).toMatch(/\| 3,500 steps \/ 4\.0 s \/ – \|$/);
    expect(line('| S02 old')).toMatch(/\| \? \|$/);
    expect(line('Presets, verification cost:')).toContain('median 3,500 steps / 4.0 s per point');
    expect(line('- Verified search, verification cost:')).toContain("2.19× the search's steps");
  });
});
