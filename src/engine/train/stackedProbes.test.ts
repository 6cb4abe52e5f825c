import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunCancelledError } from '../control.ts';
import { planModel } from '../models/index.ts';
import { createRng, permutation } from '../random.ts';
import type { TrainSpec } from '../experiment/index.ts';
import { specFixture } from '../testFixtures.ts';
import { type DeviceSamples, fitProbe, type ProbeOutcome } from './fitProbe.ts';
import { fitProbesStacked } from './stackedProbes.ts';
import { fusedStepSupports } from './fusedProbeStep.ts';

function trainSpec(overrides: Record<string, unknown> = {}): TrainSpec {
  return specFixture({
    train: { learningRate: 0.05, batchSize: 8, maxSteps: 300, patience: 10, ...overrides },
  }).train;
}

let pool: DeviceSamples;
let test: DeviceSamples;
const order = permutation(40, createRng(11));

beforeEach(() => {
  const rng = createRng(3);
  const sample = (count: number) => ({
    x: tf.tensor2d(
      Array.from({ length: count * 4 }, () => rng.normal()),
      [count, 4],
    ),
    y: tf.tensor1d(
      Array.from({ length: count }, () => rng.int(3)),
      'int32',
    ),
  });
  pool = sample(40);
  test = sample(10);
});

afterEach(() => tf.dispose([pool.x, pool.y, test.x, test.y]));

/** What must match between a stacked member and its own probe (not its wall time). */
function comparable(outcome: ProbeOutcome) {
  const { wallMs: _wall, finalLoss, hessianMin: _min, hessianMax: _max, ...rest } = outcome;
  // Gradient norms and curvature are sums over different reduction orders: equal to float32 rounding.
  const rounded = (x: number | null) => (x === null ? null : Number(x.toPrecision(4)));
  return {
    ...rest,
    finalLoss: Number(finalLoss.toFixed(4)),
    gradNorm: rounded(rest.gradNorm),
    initialGradNorm: rounded(rest.initialGradNorm),
    stallGradNorm: rounded(rest.stallGradNorm),
  };
}

/**
 * The Hessian's extremes are central differences of gradients (curvature.ts), whose
 * rounding a different reduction order moves in the third digit: equal within 1%.
 */
function expectSameCurvature(a: ProbeOutcome, b: ProbeOutcome) {
  for (const key of ['hessianMin', 'hessianMax'] as const) {
    const [x, y] = [a[key], b[key]];
    if (x === null || y === null) expect(x).toBe(y);
    else expect(Math.abs(x - y)).toBeLessThanOrEqual(0.01 * Math.max(1, Math.abs(y)));
  }
}

describe('fitProbesStacked', () => {
  it.each([
    ['mini-batches, relu', { family: 'mlp', depth: 1, activation: 'relu' }, trainSpec()],
    [
      'full batch, tanh, two layers',
      { family: 'mlp', depth: 2, activation: 'tanh' },
      trainSpec({ batchSize: 'full', optimizer: 'sgd', learningRate: 0.5 }),
    ],
    [
      'AdamW with weight decay, checked every 3 epochs',
      { family: 'mlp', depth: 1, activation: 'gelu' },
      trainSpec({ optimizer: 'adamw', checkEvery: 3 }),
    ],
  ] as const)('trains each member exactly as its own probe would (%s)', async (_, model, train) => {
    const plan = planModel(model, 6, [4], 3);
    const ns = [5, 12, 23, 40];
    const stacked = await fitProbesStacked({
      plan,
      pool,
      test,
      classes: 3,
      ns,
      order,
      train,
      seed: 9,
    });
    // Stacked members take the fused step where it applies (each member its own), else tfjs
    // autodiff; so do these single probes (without `dense`, fitProbe takes the autodiff step
    // too). The steps agree with each other to float rounding (stepGradients.test.ts,
    // fusedDenseStep.test.ts), which chaotic cases such as full-batch SGD at 0.5 can amplify
    // into a different stopping epoch, so each side takes the same one.
    const singlePlan = fusedStepSupports(plan, train) ? plan : { ...plan, dense: undefined };
    const single: ProbeOutcome[] = [];
    for (const n of ns) {
      single.push(
        await fitProbe({ plan: singlePlan, pool, test, classes: 3, n, order, train, seed: 9 }),
      );
    }
    expect(stacked.map(comparable)).toEqual(single.map(comparable));
    stacked.forEach((outcome, i) => expectSameCurvature(outcome, single[i] as ProbeOutcome));
    // The cases are only worth comparing if they end in more than one way.
    expect(new Set(single.map((o) => o.fits)).size).toBe(2);
  });

  it('reports every member epoch by epoch, tagged with its N', async () => {
    const plan = planModel({ family: 'mlp', depth: 1, activation: 'relu' }, 6, [4], 3);
    const seen = new Map<number, number[]>();
    const outcomes = await fitProbesStacked({
      plan,
      pool,
      classes: 3,
      ns: [8, 30],
      order,
      train: trainSpec({ maxSteps: 25, patience: 100 }),
      seed: 1,
      onEpoch: (n, metrics) => seen.set(n, [...(seen.get(n) ?? []), metrics.epoch]),
    });
    for (const outcome of outcomes) {
      expect(seen.get(outcome.n)).toEqual(Array.from({ length: outcome.epochs }, (_, i) => i + 1));
    }
  });

  it('refuses models that cannot be stacked', async () => {
    const cnn = planModel({ family: 'cnn', depth: 1, activation: 'relu' }, 2, [4, 4, 1], 3);
    await expect(
      fitProbesStacked({
        plan: cnn,
        pool,
        classes: 3,
        ns: [4, 8],
        order,
        train: trainSpec(),
        seed: 1,
      }),
    ).rejects.toThrow(/cannot be stacked/);
  });

  it('leaves the tensor count where it found it, also when cancelled', async () => {
    const plan = planModel({ family: 'mlp', depth: 2, activation: 'relu' }, 3, [4], 3);
    const before = tf.memory().numTensors;
    for (const optimizer of ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop']) {
      await fitProbesStacked({
        plan,
        pool,
        test,
        classes: 3,
        ns: [3, 17, 40],
        order,
        train: trainSpec({ optimizer, maxSteps: 20 }),
        seed: 1,
      });
    }
    expect(tf.memory().numTensors).toBe(before);

    const abort = new AbortController();
    let steps = 0;
    const cancelled = fitProbesStacked({
      plan,
      pool,
      classes: 3,
      ns: [10, 20],
      order,
      train: trainSpec(),
      seed: 1,
      control: {
        signal: abort.signal,
        betweenSteps: async () => {
          if (++steps === 3) abort.abort();
        },
      },
    });
    await expect(cancelled).rejects.toBeInstanceOf(RunCancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
