import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from './events.ts';
import type { ProbeRecord } from './results.ts';
import { openDataset } from './data/index.ts';
import { RepeatData } from './data/repeatData.ts';
import { runExperiment, verificationTrain } from './run.ts';
import { type ExperimentSpecInput, parseSpec } from './experiment/index.ts';

/** A sweep small enough for the cpu backend in a few seconds. */
function smallSpec(overrides: Partial<ExperimentSpecInput> = {}): ExperimentSpecInput {
  return {
    version: 3,
    name: 'small',
    seed: 2,
    data: {
      source: 'gaussian',
      inputShape: [6],
      classes: 2,
      labels: 'random',
      poolSize: 120,
      testSize: 20,
    },
    model: { family: 'mlp', depth: 1, activation: 'relu' },
    sweep: { widths: [2, 6] },
    train: {
      optimizer: 'adam',
      learningRate: 0.05,
      batchSize: 'full',
      maxSteps: 150,
      patience: 30,
      minDelta: 0.001,
    },
    search: { precision: 0.1, seeds: 2 },
    ...overrides,
  };
}

const withoutTimes = (probes: ProbeRecord[]) => probes.map(({ wallMs: _, ...rest }) => rest);

describe('runExperiment', () => {
  it('emits events in order and returns one point per sweep width', async () => {
    const events: EngineEvent[] = [];
    const results = await runExperiment(smallSpec(), { onEvent: (e) => events.push(e) });
    const kinds = events.map((e) => e.kind);
    expect(kinds[0]).toBe('run-started');
    expect(kinds.at(-1)).toBe('run-finished');
    expect(kinds.filter((k) => k === 'point-finished')).toHaveLength(2);
    const verifications = results.probes.filter((p) => p.verification);
    expect(kinds.filter((k) => k === 'probe-started')).toHaveLength(
      results.probes.length - verifications.length,
    );
    expect(kinds.filter((k) => k === 'verification-started')).toHaveLength(verifications.length);
    expect(kinds.filter((k) => k === 'probe-finished')).toHaveLength(results.probes.length);
    // Every probe's epochs come between its start and its end.
    for (let i = 0; i < kinds.length; i++) {
      if (kinds[i] === 'epoch')
        expect(['probe-started', 'verification-started', 'epoch', 'probe-extended']).toContain(
          kinds[i - 1],
        );
    }

    expect(results).toMatchObject({ format: 'emc-lab-results', version: 2, status: 'complete' });
    expect(results.environment.backend).toBe('cpu');
    expect(results.points.map((p) => p.width)).toEqual([2, 6]);
    expect(results.points.map((p) => p.parameterCount)).toEqual([7 * 2 + 3 * 2, 7 * 6 + 7 * 2]);
    for (const point of results.points) {
      expect(point.seeds).toHaveLength(2);
      expect(point.emcMean).toBe(point.seeds.reduce((sum, s) => sum + s.emc, 0) / 2);
      for (const seed of point.seeds) {
        const probes = results.probes.filter(
          (p) => p.pointIndex === point.index && p.seedIndex === seed.seedIndex,
        );
        expect(probes).toHaveLength(seed.probes);
        // EMC is the largest fitting probe, and the bracket's top a probe that failed.
        expect(Math.max(0, ...probes.filter((p) => p.fits).map((p) => p.n))).toBe(seed.emc);
        if (seed.bracket[1] !== null && seed.emc > 0) {
          const atTop = probes.filter((p) => p.n === seed.bracket[1]);
          expect(atTop.every((p) => !p.fits)).toBe(true);
          // A converged "does not fit" at the top was verified by a longer training.
          if (atTop[0]?.stopReason === 'converged') {
            expect(atTop.some((p) => p.verification)).toBe(true);
            expect(seed.verified).toBe(true);
          }
        }
        expect(
          seed.testAccuracy === null || (seed.testAccuracy >= 0 && seed.testAccuracy <= 1),
        ).toBe(true);
      }
    }
  });

  it('sweeps subspace dimensions within each width, one point per (width, dimension)', async () => {
    const before = tf.memory().numTensors;
    const results = await runExperiment(
      smallSpec({
        model: { family: 'mlp', depth: 1, activation: 'relu', subspace: { dimension: 4 } },
        sweep: { widths: [6], dimensions: [2, 30] },
        search: { precision: 0.1, seeds: 1 },
      }),
    );
    expect(results.status).toBe('complete');
    expect(results.points.map((p) => [p.width, p.dimension, p.parameterCount])).toEqual([
      [6, 2, 56],
      [6, 30, 56],
    ]);
    expect(results.points[0]?.model).toContain('sparse 2-dimensional subspace');
    expect(results.probes.every((p) => p.pointIndex <= 1)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives identical probes for the same spec and seed on the cpu backend', async () => {
    const first = await runExperiment(smallSpec());
    const second = await runExperiment(smallSpec());
    expect(withoutTimes(second.probes)).toEqual(withoutTimes(first.probes));
    const other = await runExperiment(smallSpec({ seed: 3 }));
    expect(withoutTimes(other.probes)).not.toEqual(withoutTimes(first.probes));
  });

  it('leaves tf.memory().numTensors where it found it after a full search', async () => {
    const before = tf.memory().numTensors;
    await runExperiment(smallSpec({ search: { precision: 0, seeds: 1 } }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops between steps when cancelled, keeps finished probes and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const abort = new AbortController();
    const events: EngineEvent[] = [];
    const results = await runExperiment(smallSpec(), {
      control: { signal: abort.signal },
      onEvent: (event) => {
        events.push(event);
        if (event.kind === 'probe-finished') abort.abort();
      },
    });
    expect(results.status).toBe('cancelled');
    expect(results.probes).toHaveLength(1);
    expect(events.at(-1)?.kind).toBe('run-finished');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes an interrupted run by replaying its finished probes, ending where a full run ends', async () => {
    const full = await runExperiment(smallSpec());
    const interrupted = full.probes.slice(0, 5);
    const resumed = await runExperiment(smallSpec(), { replay: interrupted });
    expect(resumed.probes.filter((p) => p.replayed)).toHaveLength(5);
    const strip = (probes: ProbeRecord[]) => withoutTimes(probes).map(({ replayed: _, ...p }) => p);
    expect(strip(resumed.probes)).toEqual(strip(full.probes));
    expect(resumed.points.map((p) => p.emcMean)).toEqual(full.points.map((p) => p.emcMean));
  });

  it('refuses an invalid spec before training anything', async () => {
    await expect(runExperiment({ ...smallSpec(), seed: -1 })).rejects.toThrow(
      /seed: must be at least 0/,
    );
  });

  it('measures an EMC that grows with parameter count on random labels', async () => {
    const results = await runExperiment({
      version: 3,
      name: 'growth',
      seed: 3,
      data: { source: 'gaussian', inputShape: [8], classes: 4, labels: 'random', poolSize: 500 },
      model: { family: 'mlp', depth: 1, activation: 'relu' },
      sweep: { widths: [4, 12, 36] },
      train: {
        optimizer: 'adam',
        learningRate: 0.03,
        batchSize: 'full',
        maxSteps: 600,
        patience: 60,
        minDelta: 0.0001,
      },
      search: { precision: 0.1, seeds: 1 },
    });
    const emcs = results.points.map((p) => p.emcMean);
    expect(emcs[0]).toBeGreaterThan(0);
    for (let i = 1; i < emcs.length; i++) expect(emcs[i]).toBeGreaterThan(emcs[i - 1] as number);
    expect(results.points.some((p) => p.seeds.some((s) => s.censored))).toBe(false);
  }, 120_000);

  it('flags every point whose EMC a much larger step budget raises as budget-limited', async () => {
    const spec = (maxSteps: number) => ({
      ...smallSpec({ search: { precision: 0.05, seeds: 1 } }),
      train: { ...smallSpec().train, maxSteps },
    });
    const short = await runExperiment(spec(40));
    const long = await runExperiment(spec(4000));
    // The short budget must matter somewhere, or this test proves nothing.
    expect(short.points.some((p) => p.budgetLimited)).toBe(true);
    for (const [i, point] of short.points.entries()) {
      const longer = long.points[i] as (typeof long.points)[number];
      if (longer.emcMean > point.emcMean) expect(point.budgetLimited).toBe(true);
    }
    // And the long run's verdicts rest on converged probes.
    expect(long.points.every((p) => !p.budgetLimited)).toBe(true);
  }, 120_000);

  it('draws random labels afresh for every seed, so the spread over seeds covers data draws', async () => {
    const spec = parseSpec(smallSpec());
    const data = new RepeatData(spec.data, spec.seed, await openDataset(spec.data));
    const labelsOf = async (seedIndex: number) =>
      Array.from(await data.device(seedIndex).pool.y.data());
    const first = await labelsOf(0);
    expect(await labelsOf(1)).not.toEqual(first);
    expect(await labelsOf(0)).toEqual(first);
    data.dispose();
  });

  it('trains a round of probes stacked when search.parallel > 1, each as its sequential probe', async () => {
    const spec = smallSpec({ search: { precision: 0.02, seeds: 1, parallel: 3 } });
    const before = tf.memory().numTensors;
    const events: EngineEvent[] = [];
    const parallel = await runExperiment(spec, { onEvent: (e) => events.push(e) });
    expect(tf.memory().numTensors).toBe(before);
    const sequential = await runExperiment({ ...spec, search: { ...spec.search, parallel: 1 } });

    // Any N both searches probed trained identically (up to float rounding of the loss).
    const key = (p: ProbeRecord) => `${p.pointIndex}/${p.n}`;
    const alone = new Map(sequential.probes.map((p) => [key(p), p]));
    const shared = parallel.probes.filter((p) => alone.has(key(p)));
    expect(shared.length).toBeGreaterThan(0);
    for (const probe of shared) {
      const other = alone.get(key(probe)) as ProbeRecord;
      expect([probe.fits, probe.stopReason, probe.epochs]).toEqual([
        other.fits,
        other.stopReason,
        other.epochs,
      ]);
    }
    // Rounds: probe-started events come in bursts of up to three before their results,
    // announced by a round-started event when there are several.
    let burst = 0;
    let rounds = 0;
    let announced: number[] = [];
    for (const event of events) {
      if (event.kind === 'round-started') announced = event.ns;
      if (event.kind === 'probe-started') burst++;
      if (event.kind === 'probe-finished' && burst > 0) {
        expect(burst).toBeLessThanOrEqual(3);
        if (burst > 1) expect(announced).toHaveLength(burst);
        rounds++;
        burst = 0;
      }
    }
    const sequentialProbes = sequential.points.map((p) => p.seeds[0]?.probes ?? 0);
    expect(rounds).toBeLessThan(sequentialProbes.reduce((a, b) => a + b, 0));
    // Both end with a bracket of the requested precision around the same threshold.
    for (const [i, point] of parallel.points.entries()) {
      const [lo, hi] = point.seeds[0]?.bracket ?? [0, null];
      const [seqLo, seqHi] = sequential.points[i]?.seeds[0]?.bracket ?? [0, null];
      expect(lo).toBeLessThan(seqHi ?? Infinity);
      expect(seqLo).toBeLessThan(hi ?? Infinity);
    }
  });

  describe('verification', () => {
    // A stop this impatient calls "does not fit" after a few steps: one step of patience, a
    // plateau unless the loss halves, any gradient small enough, no learning-rate cut.
    const impatient = (verify: boolean) =>
      smallSpec({
        sweep: { widths: [6] },
        train: {
          ...smallSpec().train,
          maxSteps: 4000,
          patience: 1,
          minDelta: 0.5,
          gradTolerance: 1,
          lrDecay: 1,
        },
        search: { precision: 0.1, seeds: 1, verify },
      });

    it('overturns a planted false verdict and moves the bracket above it', async () => {
      const unverified = await runExperiment(impatient(false));
      const verified = await runExperiment(impatient(true));
      const [before] = unverified.points[0]?.seeds ?? [];
      const [after] = verified.points[0]?.seeds ?? [];
      expect(before?.verified).toBe(false);
      expect(unverified.points[0]?.verified).toBe(false);
      // The impatient search's failing N fits when trained on: the verdict was false.
      const overturning = verified.probes.filter((p) => p.verification && p.fits);
      expect(overturning.length).toBeGreaterThan(0);
      expect(after?.overturned).toBe(overturning.length);
      expect(overturning.map((p) => p.n)).toContain(before?.bracket[1]);
      expect(after?.emc).toBeGreaterThan(before?.emc ?? Infinity);
      // The search ends on a verdict that held, or on one verification could not decide.
      const hi = after?.bracket[1];
      const last = verified.probes.filter((p) => p.verification).at(-1);
      if (after?.verified) expect(last).toMatchObject({ n: hi, fits: false });
      // An overturned verdict is not kept as a non-monotone pair: it was no failure.
      for (const pair of verified.points[0]?.nonMonotone ?? []) {
        expect(overturning.map((p) => p.n)).not.toContain(pair.failed);
      }
    }, 120_000);

    it('verifies with a more patient learning-rate schedule: cuts wait 4× the patience at minDelta ÷ 10', () => {
      const { train } = parseSpec(smallSpec());
      const verifying = verificationTrain(train, 12_345);
      expect(verifying).toMatchObject({
        maxSteps: 12_345,
        patience: train.patience * 4,
        minDelta: train.minDelta / 10,
        learningRate: train.learningRate,
        lrDecay: train.lrDecay,
      });
    });

    it('trains each verification for four times the steps of the probe it checks, beyond them', async () => {
      const results = await runExperiment(
        smallSpec({
          sweep: { widths: [2] },
          train: { ...smallSpec().train, maxSteps: 3000 },
          search: { precision: 0.1, seeds: 1 },
        }),
      );
      const checks = results.probes.filter((p) => p.verification);
      expect(checks.length).toBeGreaterThan(0);
      for (const check of checks) {
        const probe = results.probes.find(
          (p) => !p.verification && p.n === check.n && p.pointIndex === check.pointIndex,
        );
        expect(probe?.stopReason).toBe('converged');
        if (!check.fits) expect(check.steps).toBe(5 * (probe?.steps ?? 0));
      }
    }, 60_000);
  });

  it('refuses search.parallel > 1 for a CNN, naming the field', async () => {
    await expect(
      runExperiment({
        ...smallSpec(),
        data: { source: 'gaussian', inputShape: [4, 4, 1], classes: 2, poolSize: 20 },
        model: { family: 'cnn', depth: 1 },
        search: { precision: 0.1, seeds: 1, parallel: 2 },
      }),
    ).rejects.toThrow(/search\.parallel: training several probes at once works for MLPs only/);
  });
});
