import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from './events.ts';
import { runExperiment } from './run.ts';
import { sharedTrainingSize } from './sharedSizeGeneralization.ts';
import type { ExperimentSpecInput } from './experiment/index.ts';
import { pointResult, seedResult } from './testFixtures.ts';

/** A gaussian sweep with a test split, small enough for the cpu backend in seconds. */
function specWithTestSplit(seeds: number): ExperimentSpecInput {
  return {
    version: 3,
    name: 'shared N',
    seed: 4,
    data: {
      source: 'gaussian',
      inputShape: [6],
      classes: 2,
      labels: 'random',
      poolSize: 120,
      testSize: 30,
    },
    model: { family: 'mlp', depth: 1, activation: 'relu' },
    sweep: { widths: [2, 6, 12] },
    train: {
      optimizer: 'adam',
      learningRate: 0.05,
      batchSize: 'full',
      maxSteps: 300,
      patience: 30,
      minDelta: 0.001,
    },
    search: { precision: 0.1, seeds },
  };
}

describe('generalization at the N shared by the sweep', () => {
  it('is the smallest EMC over every point and seed, lower bounds included', () => {
    const points = [
      pointResult({ seeds: [seedResult({ emc: 40 }), seedResult({ emc: 31 })] }),
      pointResult({ seeds: [seedResult({ emc: 30, bracket: [30, 32], budgetLimited: true })] }),
      pointResult({ seeds: [seedResult({ emc: 120, bracket: [120, null], censored: true })] }),
    ];
    expect(sharedTrainingSize(points)).toBe(30);
    expect(sharedTrainingSize([])).toBe(0);
  });

  it('measures every point at the smallest EMC of the sweep, outside the search audit trail', async () => {
    const before = tf.memory().numTensors;
    const events: EngineEvent[] = [];
    const results = await runExperiment(specWithTestSplit(2), { onEvent: (e) => events.push(e) });
    expect(tf.memory().numTensors).toBe(before);

    const sharedN = Math.min(...results.points.flatMap((p) => p.seeds.map((s) => s.emc)));
    expect(sharedN).toBeGreaterThan(0);
    for (const point of results.points) {
      const measured = point.generalization;
      expect(measured?.n).toBe(sharedN);
      for (const accuracy of [measured?.testAccuracy, measured?.trainAccuracy]) {
        expect(accuracy).toBeGreaterThanOrEqual(0);
        expect(accuracy).toBeLessThanOrEqual(1);
      }
      if (measured?.fits) expect(measured.trainAccuracy).toBe(1);
    }
    // The extra trainings are not search probes: the audit trail holds the search's alone.
    const probeEvents = events.filter((e) => e.kind === 'probe-finished');
    expect(results.probes).toHaveLength(probeEvents.length);
    expect(
      results.points.reduce((sum, p) => sum + p.seeds.reduce((s, x) => s + x.probes, 0), 0),
    ).toBe(results.probes.length);

    // Announced once, then one event per point, after every point and before the end.
    const kinds = events.map((e) => e.kind);
    const started = kinds.indexOf('generalization-started');
    expect(started).toBeGreaterThan(kinds.lastIndexOf('point-finished'));
    expect(events[started]).toMatchObject({ n: sharedN, probes: 3 * 2 });
    const measuredEvents = events.filter((e) => e.kind === 'generalization-measured');
    expect(measuredEvents.map((e) => e.pointIndex)).toEqual([0, 1, 2]);
    for (const event of measuredEvents) {
      const point = results.points[event.pointIndex];
      expect(event).toMatchObject({
        n: sharedN,
        testAccuracy: point?.generalization?.testAccuracy,
      });
    }
    expect(kinds.at(-1)).toBe('run-finished');
  });

  it('trains exactly as the search did: a probe the search already ran at that N comes out the same', async () => {
    const results = await runExperiment(specWithTestSplit(1));
    const sharedN = results.points[0]?.generalization?.n;
    let compared = 0;
    for (const point of results.points) {
      const searched = results.probes.find((p) => p.pointIndex === point.index && p.n === sharedN);
      if (!searched) continue;
      compared++;
      expect(point.generalization).toEqual({
        n: sharedN,
        trainAccuracy: searched.finalAccuracy,
        testAccuracy: searched.testAccuracy,
        fits: searched.fits,
      });
    }
    // The point whose EMC is the shared N probed it.
    expect(compared).toBeGreaterThan(0);
  });

  it('is left unmeasured without a test split, and in a run stopped while measuring it', async () => {
    const spec = specWithTestSplit(1);
    const noTest = await runExperiment({ ...spec, data: { ...spec.data, testSize: 0 } });
    expect(noTest.points.map((p) => p.generalization)).toEqual([null, null, null]);

    const before = tf.memory().numTensors;
    const abort = new AbortController();
    const stopped = await runExperiment(spec, {
      control: { signal: abort.signal },
      onEvent: (event) => {
        if (event.kind === 'generalization-started') abort.abort();
      },
    });
    expect(stopped.status).toBe('cancelled');
    expect(stopped.points).toHaveLength(3);
    expect(stopped.points.map((p) => p.generalization)).toEqual([null, null, null]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
