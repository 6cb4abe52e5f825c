import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunCancelledError } from '../control.ts';
import { planModel } from '../models/index.ts';
import { createRng, permutation } from '../random.ts';
import type { TrainSpec } from '../experiment/index.ts';
import { type SpecOverrides, specFixture } from '../testFixtures.ts';
import { type DeviceSamples, type EpochMetrics, type FitProbeInput, fitProbe } from './fitProbe.ts';

function trainSpec(overrides: SpecOverrides['train'] = {}): TrainSpec {
  return specFixture({ train: overrides }).train;
}

const linear = planModel({ family: 'mlp', depth: 0, activation: 'relu' }, 1, [2], 2);
let pool: DeviceSamples;

beforeEach(() => {
  // Samples 0–3 are separable by the sign of the first feature; 4 and 5 repeat sample 0's
  // input with both labels, so any N ≥ 6 (in identity order) can never be fitted.
  pool = {
    x: tf.tensor2d([
      [2, 1],
      [-2, 1],
      [1.5, -1],
      [-1, -1.5],
      [2, 1],
      [2, 1],
    ]),
    y: tf.tensor1d([1, 0, 1, 0, 1, 0], 'int32'),
  };
});

afterEach(() => tf.dispose([pool.x, pool.y]));

const identity = Int32Array.from([0, 1, 2, 3, 4, 5]);

/** A probe of the fixture pool: the linear model on its 2 classes, in identity order, seed 1. */
function probe(input: Pick<FitProbeInput, 'n' | 'train'> & Partial<FitProbeInput>) {
  return fitProbe({ plan: linear, pool, classes: 2, order: identity, seed: 1, ...input });
}

describe('fitProbe', () => {
  it('stops with "fit" as soon as every one of the N samples is classified correctly', async () => {
    const epochs: EpochMetrics[] = [];
    const outcome = await probe({
      n: 4,
      train: trainSpec(),
      onEpoch: (m) => epochs.push(m),
    });
    expect(outcome).toMatchObject({ n: 4, fits: true, stopReason: 'fit', finalAccuracy: 1 });
    expect(outcome.epochs).toBeLessThan(500);
    expect(epochs.at(-1)?.accuracy).toBe(1);
    expect(epochs.slice(0, -1).every((m) => m.accuracy < 1)).toBe(true);
    expect(outcome.steps).toBe(outcome.epochs); // 4 samples, batches of 4
  });

  it('stops with "converged" when contradictory labels leave a plateau with a tiny gradient', async () => {
    const outcome = await probe({
      n: 6,
      train: trainSpec({ maxSteps: 20_000 }),
    });
    expect(outcome).toMatchObject({ fits: false, stopReason: 'converged', converged: true });
    expect(outcome.steps).toBeLessThan(20_000);
    expect(outcome.finalAccuracy).toBeLessThan(1);
    // A convex loss at its minimum: the gradient over the stall and at the end is small
    // next to the one at initialization, the curvature positive.
    const initial = outcome.initialGradNorm as number;
    expect(outcome.stallGradNorm as number).toBeLessThanOrEqual(0.1 * initial);
    expect(outcome.gradNorm as number).toBeLessThan(0.1 * initial);
    expect(outcome.finalLearningRate).toBeLessThan(0.1); // confirmed after a cut
    expect(outcome.hessianMax as number).toBeGreaterThan(0);
    expect(outcome.saddle).toBe(false);
  });

  it('trains with Shampoo: fits what can be fitted, converges where it cannot, leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const train = trainSpec({ optimizer: 'shampoo', learningRate: 0.1, maxSteps: 20_000 });
    expect(await probe({ n: 4, train })).toMatchObject({ fits: true, stopReason: 'fit' });
    expect(await probe({ n: 6, train })).toMatchObject({ fits: false, stopReason: 'converged' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is inconclusive ("budget") when the step cap runs out while the loss still improves', async () => {
    const outcome = await probe({
      n: 4,
      train: trainSpec({ learningRate: 0.0001, maxSteps: 6, patience: 1000 }),
    });
    expect(outcome).toMatchObject({ fits: false, stopReason: 'budget', converged: false });
    expect(outcome.steps).toBe(6);
    expect(outcome.gradNorm).toBeGreaterThan(0);
  });

  it('extends an inconclusive probe by doubling its budget, continuing where it stopped', async () => {
    const epochs: EpochMetrics[] = [];
    const extendedAt: number[] = [];
    const outcome = await probe({
      n: 4,
      train: trainSpec({
        learningRate: 0.0001,
        maxEpochs: 2,
        maxSteps: 16,
        patience: 1000,
        checkEvery: 100,
      }),
      onEpoch: (m) => epochs.push(m),
      onExtend: (steps) => extendedAt.push(steps),
    });
    expect(extendedAt).toEqual([2, 4, 8]);
    expect(outcome).toMatchObject({ stopReason: 'budget', extensions: 3, epochs: 16, steps: 16 });
    // One training, not four: the epochs count on and the loss keeps falling across budgets.
    expect(epochs.map((m) => m.epoch)).toEqual([2, 4, 8, 16]);
    const losses = epochs.map((m) => m.loss);
    expect(losses).toEqual([...losses].sort((a, b) => b - a));
  });

  it('reduces the learning rate on a plateau the convergence check rejects', async () => {
    const outcome = await probe({
      plan: planModel({ family: 'mlp', depth: 1, activation: 'relu' }, 3, [2], 2),
      n: 6,
      train: trainSpec({
        optimizer: 'sgd',
        learningRate: 0.5,
        batchSize: 1,
        maxSteps: 3000,
        patience: 5,
        minDelta: 0.01,
        gradTolerance: 1e-6,
      }),
    });
    expect(outcome.finalLearningRate).toBeLessThan(0.5);
    expect(outcome.stopReason).not.toBe('converged');
  });

  it('stops with "diverged" when the loss is no longer finite', async () => {
    const huge = { x: tf.mul(pool.x, 1e38), y: pool.y };
    const outcome = await probe({
      pool: huge,
      n: 6,
      train: trainSpec({ optimizer: 'sgd', learningRate: 10 }),
    });
    huge.x.dispose();
    expect(outcome).toMatchObject({ fits: false, stopReason: 'diverged' });
  });

  it('takes one step per epoch with full-batch gradient descent', async () => {
    const outcome = await probe({
      n: 6,
      train: trainSpec({ batchSize: 'full', maxSteps: 7, patience: 1000 }),
    });
    expect(outcome.steps).toBe(7);
    expect(outcome.epochs).toBe(7);
  });

  it('pads the last mini-batch so each epoch has ceil(N / batch) steps', async () => {
    const outcome = await probe({
      n: 6,
      train: trainSpec({ batchSize: 4, maxSteps: 10, patience: 1000 }),
    });
    expect(outcome.steps).toBe(10);
  });

  it('checks the fit only every checkEvery epochs, and at the end of each budget', async () => {
    const checked: number[] = [];
    await probe({
      n: 6,
      train: trainSpec({ batchSize: 'full', checkEvery: 4, maxSteps: 10, patience: 1000 }),
      onEpoch: (m) => checked.push(m.epoch),
    });
    // Budgets of 2, 4, 8 and the cap of 10 epochs (an eighth of the cap first, then doubled).
    expect(checked).toEqual([2, 4, 8, 10]);
  });

  it('trains on the first N samples of the given order', async () => {
    // Order puts the two contradictory samples first: N = 2 cannot fit.
    const contradictory = Int32Array.from([4, 5, 0, 1, 2, 3]);
    const outcome = await probe({
      n: 2,
      order: contradictory,
      train: trainSpec(),
    });
    expect(outcome.fits).toBe(false);
  });

  it('reports held-out accuracy when given a test split', async () => {
    const test = {
      x: tf.tensor2d([
        [3, 0],
        [-3, 0],
      ]),
      y: tf.tensor1d([1, 0], 'int32'),
    };
    const outcome = await probe({
      test,
      n: 4,
      train: trainSpec(),
    });
    tf.dispose([test.x, test.y]);
    expect(outcome.testAccuracy).toBe(1);
  });

  it('gives identical outcomes for the same seed', async () => {
    const run = () =>
      probe({
        plan: planModel({ family: 'mlp', depth: 1, activation: 'tanh' }, 4, [2], 2),
        n: 6,
        order: permutation(6, createRng(2)),
        train: trainSpec({ maxSteps: 60, patience: 1000 }),
        seed: 5,
      });
    const { wallMs: _a, ...first } = await run();
    const { wallMs: _b, ...second } = await run();
    expect(second).toEqual(first);
  });

  it('leaves the tensor count where it found it, also when cancelled mid-epoch', async () => {
    const before = tf.memory().numTensors;
    for (const optimizer of ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop', 'shampoo'] as const) {
      await probe({
        plan: planModel({ family: 'mlp', depth: 2, activation: 'relu' }, 3, [2], 2),
        n: 6,
        train: trainSpec({ optimizer, maxSteps: 200, patience: 3, minDelta: 0.5 }),
      });
    }
    expect(tf.memory().numTensors).toBe(before);

    const abort = new AbortController();
    let steps = 0;
    const cancelled = probe({
      n: 6,
      train: trainSpec({ batchSize: 2 }),
      control: {
        signal: abort.signal,
        betweenSteps: async () => {
          if (++steps === 2) abort.abort();
        },
      },
    });
    await expect(cancelled).rejects.toBeInstanceOf(RunCancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fitProbe at a saddle', () => {
  // A tanh MLP with every weight zero on balanced labels: the gradient is exactly zero (a
  // stationary point, so gradient descent alone never moves), and the Hessian's weight
  // cross terms make it a saddle with a clearly negative eigenvalue.
  const tanh = planModel({ family: 'mlp', depth: 1, activation: 'tanh' }, 4, [2], 2);
  const atZero = {
    ...tanh,
    build: (seed: number) => {
      const model = tanh.build(seed);
      const zeros = model.getWeights().map((w) => tf.zerosLike(w));
      model.setWeights(zeros);
      tf.dispose(zeros);
      return model;
    },
  };
  const saddleTrain = (overrides: SpecOverrides['train'] = {}) =>
    trainSpec({
      optimizer: 'sgd',
      learningRate: 0.5,
      batchSize: 'full',
      maxSteps: 3000,
      patience: 20,
      ...overrides,
    });
  const probeAtSaddle = (train: TrainSpec) =>
    probe({ plan: atZero, pool, classes: 2, n: 4, order: identity, train, seed: 1 });

  it('is not reported as "does not fit": it steps off along the negative curvature and fits', async () => {
    const before = tf.memory().numTensors;
    const outcome = await probeAtSaddle(saddleTrain());
    expect(outcome.saddleEscapes).toBeGreaterThanOrEqual(1);
    expect(outcome).toMatchObject({ fits: true, stopReason: 'fit' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('would have been a false "does not fit" had the saddle been taken for a minimum', async () => {
    // saddleTolerance 1: no eigenvalue counts as a saddle, as when the flag was advisory.
    const outcome = await probeAtSaddle(saddleTrain({ saddleTolerance: 1 }));
    expect(outcome).toMatchObject({ fits: false, stopReason: 'converged', saddleEscapes: 0 });
    expect(outcome.hessianMin).toBeLessThan(-0.1 * (outcome.hessianMax ?? 0));
  });

  it('found at the step cap, it ends inconclusive ("budget"), never "does not fit"', async () => {
    // 42 steps: the plateau at the saddle is judged on the last epoch; the probe steps off
    // it but has no step left to train on. Taken for a minimum, the same probe is "converged".
    const outcome = await probeAtSaddle(saddleTrain({ maxSteps: 42 }));
    expect(outcome).toMatchObject({ fits: false, stopReason: 'budget', converged: false });
    expect(outcome).toMatchObject({ steps: 42, saddleEscapes: 1 });
    const taken = await probeAtSaddle(saddleTrain({ maxSteps: 42, saddleTolerance: 1 }));
    expect(taken).toMatchObject({ fits: false, stopReason: 'converged' });
    // Caps that end before the saddle is judged are inconclusive too.
    for (const maxSteps of [36, 40]) {
      const early = await probeAtSaddle(saddleTrain({ maxSteps }));
      expect(early).toMatchObject({
        fits: false,
        stopReason: 'budget',
        converged: false,
        steps: maxSteps,
      });
    }
  });

  it('trains through converged plateaus with the plateau stop off (verification)', async () => {
    // Six samples with a contradiction never fit: the probe runs to its cap.
    const outcome = await probe({
      n: 6,
      train: trainSpec({ maxSteps: 400, patience: 10 }),
      plateauStops: false,
    });
    expect(outcome).toMatchObject({ fits: false, stopReason: 'budget', steps: 400 });
  });
});

describe('fitProbe at a ReLU kink', () => {
  // Real ReLU probes (no mocked check): 16 of 24 uniform inputs in 4 dimensions with random
  // binary labels, a 1 × 2 ReLU MLP, full-batch Adam. Found by a search over widths 2–4,
  // depths 1–2, sgd and Adam, seeds 1–6: about a third of the converged probes see a
  // Hessian estimate with λmin < −0.1 λmax at their plateau. Run twice: with the saddle
  // handling (step off, train on, settle when the next plateau is no lower), and with
  // saddleTolerance 1, under which these estimates are not saddles (converged at the first
  // plateau, as if the flag were ignored). On cpu both are deterministic.
  const reluOf = (width: number) =>
    planModel({ family: 'mlp', depth: 1, activation: 'relu' }, width, [4], 2);
  const train = trainSpec({
    optimizer: 'adam',
    learningRate: 0.05,
    batchSize: 'full',
    maxSteps: 3000,
    patience: 30,
    minDelta: 0.001,
  });

  async function bothWays(seed: number, width = 2, spec: TrainSpec = train) {
    const rng = createRng(100 + seed);
    const x = Array.from({ length: 24 * 4 }, () => rng.next() * 2 - 1);
    const y = Array.from({ length: 24 }, () => rng.int(2));
    const random = { x: tf.tensor2d(x, [24, 4]), y: tf.tensor1d(y, 'int32') };
    const order = permutation(24, createRng(seed));
    const input = { plan: reluOf(width), pool: random, classes: 2, n: 16, order, seed };
    try {
      const withSaddles = await fitProbe({ ...input, train: spec });
      const ignored = await fitProbe({ ...input, train: { ...spec, saddleTolerance: 1 } });
      return { withSaddles, ignored };
    } finally {
      tf.dispose([random.x, random.y]);
    }
  }

  it('a negative λmin at a plateau that stepping off does not lower: converged, as if ignored', async () => {
    const before = tf.memory().numTensors;
    const { withSaddles, ignored } = await bothWays(4);
    // Treated as converged at the first plateau, whose estimate was clearly negative.
    expect(ignored).toMatchObject({ fits: false, stopReason: 'converged', saddleEscapes: 0 });
    expect(ignored.hessianMin as number).toBeLessThan(-0.1 * (ignored.hessianMax as number));
    // With the saddle handling: one step off, training on, and a plateau no lower by minDelta
    // (the kink signature), where the estimate is still negative: it ends converged too.
    expect(withSaddles).toMatchObject({ fits: false, stopReason: 'converged', saddleEscapes: 1 });
    expect(withSaddles.hessianMin as number).toBeLessThan(
      -0.1 * (withSaddles.hessianMax as number),
    );
    expect(withSaddles.steps).toBeGreaterThan(ignored.steps);
    expect(withSaddles.finalLoss).toBeGreaterThanOrEqual(ignored.finalLoss * (1 - train.minDelta));
    expect(withSaddles.finalAccuracy).toBe(ignored.finalAccuracy);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('over seeds 1–6 the saddle continuation changes no outcome, and finds no lower loss', async () => {
    let escaped = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const { withSaddles, ignored } = await bothWays(seed);
      expect({ seed, fits: withSaddles.fits, stop: withSaddles.stopReason }).toEqual({
        seed,
        fits: ignored.fits,
        stop: ignored.stopReason,
      });
      if (withSaddles.saddleEscapes > 0) {
        escaped++;
        expect(withSaddles.finalLoss).toBeGreaterThanOrEqual(
          ignored.finalLoss * (1 - train.minDelta),
        );
      }
    }
    expect(escaped).toBeGreaterThanOrEqual(3); // seeds 3, 4 and 6 step off a kink
  });

  it('a probe that keeps stepping off lower saddles runs to its cap: budget, not "does not fit"', async () => {
    // 1 × 4 ReLU, SGD 0.5, seed 3: taken for converged at its first plateau, while each step
    // off a negative estimate led to a lower plateau, until the step cap.
    const sgd = { ...train, optimizer: 'sgd' as const, learningRate: 0.5 };
    const { withSaddles, ignored } = await bothWays(3, 4, sgd);
    expect(ignored).toMatchObject({ fits: false, stopReason: 'converged', saddleEscapes: 0 });
    expect(withSaddles).toMatchObject({ fits: false, stopReason: 'budget', converged: false });
    expect(withSaddles.steps).toBe(sgd.maxSteps);
    expect(withSaddles.saddleEscapes).toBeGreaterThan(1);
    expect(withSaddles.finalLoss).toBeLessThan(ignored.finalLoss * (1 - sgd.minDelta));
  });
});
