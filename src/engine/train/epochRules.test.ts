import { describe, expect, it } from 'vitest';
import type { TrainSpec } from '../experiment/index.ts';
import { specFixture } from '../testFixtures.ts';
import type { Convergence } from './convergence.ts';
import {
  type CheckedEpoch,
  epochShape,
  judgeCheckedEpoch,
  noSaddleEscapes,
  probeBudget,
} from './epochRules.ts';
import { PlateauDetector } from './plateau.ts';

function trainSpec(overrides: Record<string, unknown> = {}): TrainSpec {
  return specFixture({
    train: {
      optimizer: 'sgd',
      batchSize: 'full',
      maxSteps: 100,
      patience: 2,
      minDelta: 0.01,
      ...overrides,
    },
  }).train;
}

function convergence(relativeGradNorm: number, train: TrainSpec, saddle = false): Convergence {
  const converged = relativeGradNorm <= train.gradTolerance;
  return {
    stallGradNorm: relativeGradNorm,
    relativeGradNorm,
    hessianMin: converged ? (saddle ? -0.5 : 0.01) : null,
    hessianMax: converged ? 1 : null,
    saddle: converged && saddle,
    negativeDirection: null,
    converged,
  };
}

/** Feeds a probe's losses epoch by epoch to judgeCheckedEpoch, as a trainer would. */
async function judgeLosses(
  losses: number[],
  relativeGradNorm: number,
  train = trainSpec(),
  settled = true,
  options: {
    saddleUntilEscapes?: number;
    plateauStops?: boolean;
    fitsAfterEpoch?: number;
    /** The full-batch loss after each epoch (defaults to the epoch's mean batch loss). */
    fullBatchLosses?: number[];
    plateauOnEpochMean?: boolean;
  } = {},
) {
  const n = 10;
  const shape = epochShape(n, train);
  const budget = probeBudget(shape, train);
  const plateau = new PlateauDetector(train.patience, train.minDelta);
  const saddle = noSaddleEscapes();
  let restarts = 0;
  let escapes = 0;
  let fullBatchReads = 0;
  const verdicts = [];
  for (const [i, loss] of losses.entries()) {
    const e: CheckedEpoch = {
      epoch: i + 1,
      n,
      shape,
      budget,
      lossSum: loss * shape.stepsPerEpoch,
      runningHits: options.fitsAfterEpoch !== undefined && i + 1 > options.fitsAfterEpoch ? n : 5,
      train,
      plateau,
      ungated: false,
      countCorrect: async () =>
        options.fitsAfterEpoch !== undefined && i + 1 > options.fitsAfterEpoch ? n : 7,
      fullBatchLoss: async () => {
        fullBatchReads++;
        return options.fullBatchLosses?.[i] ?? loss;
      },
      plateauOnEpochMean: options.plateauOnEpochMean,
      checkConvergence: async () =>
        convergence(relativeGradNorm, train, escapes < (options.saddleUntilEscapes ?? 0)),
      // "Settled": the rate has been cut once already; otherwise still the spec's.
      learningRate: settled ? train.learningRate * train.lrDecay : train.learningRate,
      restartStall: () => restarts++,
      plateauStops: options.plateauStops ?? true,
      saddle,
      escapeSaddle: async () => {
        escapes++;
      },
    };
    const verdict = await judgeCheckedEpoch(e);
    verdicts.push(verdict);
    if (verdict.stop) break;
  }
  return { verdicts, restarts, escapes, saddle, fullBatchReads, last: verdicts.at(-1) };
}

describe('judgeCheckedEpoch', () => {
  // Mini-batches of 2 from N = 10: five steps an epoch. The epochs' mean batch losses
  // carry one lucky low (0.5) that the next epochs do not beat, while the full-batch loss
  // keeps falling by 5% an epoch.
  const miniBatch = () => trainSpec({ batchSize: 2, patience: 20, maxSteps: 1000 });
  const noisyEpochMeans = [1, 0.5, ...Array.from({ length: 20 }, () => 0.9)];
  const fallingFullBatch = noisyEpochMeans.map((_, i) => 0.95 ** i);

  it('judges a mini-batch plateau on the full-batch loss, which batch noise does not fake', async () => {
    const noisy = await judgeLosses(noisyEpochMeans, 0.001, miniBatch(), true, {
      fullBatchLosses: fallingFullBatch,
      plateauOnEpochMean: true,
    });
    expect(noisy.last?.stop).toBe('converged');
    const judged = await judgeLosses(noisyEpochMeans, 0.001, miniBatch(), true, {
      fullBatchLosses: fallingFullBatch,
    });
    expect(judged.verdicts.some((v) => v.convergence)).toBe(false);
    expect(judged.last?.stop).toBeUndefined();
  });

  it('reads the full-batch loss a few times per patience, not every epoch', async () => {
    // Patience 20 steps, read every 20 / 5 = 4 steps: each five-step epoch has a reading.
    const every = await judgeLosses(fallingFullBatch, 0.001, miniBatch(), true, {
      fullBatchLosses: fallingFullBatch,
    });
    expect(every.fullBatchReads).toBe(fallingFullBatch.length);
    // Patience 100 steps: a reading every 20 steps, every fourth epoch.
    const sparse = await judgeLosses(
      fallingFullBatch,
      0.001,
      trainSpec({ batchSize: 2, patience: 100, maxSteps: 1000 }),
      true,
      { fullBatchLosses: fallingFullBatch },
    );
    expect(sparse.fullBatchReads).toBe(Math.ceil(fallingFullBatch.length / 4));
    // A full batch's epoch loss is its full-batch loss: nothing extra is read.
    const full = await judgeLosses(fallingFullBatch, 0.001);
    expect(full.fullBatchReads).toBe(0);
  });

  it('calls a plateau with a tiny gradient converged: a real "does not fit"', async () => {
    const { last } = await judgeLosses([1, 0.5, 0.5, 0.5, 0.5], 0.001);
    expect(last?.stop).toBe('converged');
    expect(last?.convergence?.converged).toBe(true);
  });

  it('confirms a minimum only after the learning rate has been cut once', async () => {
    const { verdicts, last } = await judgeLosses(
      [1, 0.5, 0.5, 0.5, 0.5],
      0.001,
      trainSpec(),
      false,
    );
    expect(last?.stop).toBeUndefined();
    expect(verdicts.find((v) => v.convergence)?.nextLearningRate).toBeLessThan(
      trainSpec().learningRate,
    );
  });

  it('keeps training through a plateau with a large gradient, at a lower learning rate', async () => {
    const { verdicts, last } = await judgeLosses([1, 0.5, 0.5, 0.5, 0.5, 0.5], 0.9);
    const rejected = verdicts.find((v) => v.convergence);
    expect(rejected?.stop).toBeUndefined();
    expect(rejected?.nextLearningRate).toBeLessThan(trainSpec().learningRate * trainSpec().lrDecay);
    expect(last?.stop).toBeUndefined();
  });

  it('is inconclusive ("budget") when the cap is reached while the loss still improves', async () => {
    const improving = Array.from({ length: 100 }, (_, i) => 1 / (i + 1));
    const { last, verdicts } = await judgeLosses(improving, 0.001);
    expect(verdicts).toHaveLength(100);
    expect(last?.stop).toBe('budget');
    expect(verdicts.some((v) => v.convergence)).toBe(false);
  });

  it('marks the ends of the doubling budgets as extensions', async () => {
    const improving = Array.from({ length: 100 }, (_, i) => 1 / (i + 1));
    const { verdicts } = await judgeLosses(improving, 0.001);
    const extendedAt = verdicts.filter((v) => v.extended).map((v) => v.metrics.epoch);
    // An eighth of the 100-step cap first (13), doubled while inconclusive, up to the cap.
    expect(extendedAt).toEqual([13, 26, 52]);
  });

  it('does not end a probe at a saddle: it steps off and trains on at the rate before the cut', async () => {
    const train = trainSpec();
    // A plateau at a saddle, then the loss falls once training has left it, and it fits.
    const losses = [1, 0.5, 0.5, 0.5, 0.5, 0.4, 0.3, 0.2, 0.1];
    const { verdicts, escapes, last } = await judgeLosses(losses, 0.001, train, true, {
      saddleUntilEscapes: 1,
      fitsAfterEpoch: 8,
    });
    expect(escapes).toBe(1);
    const atSaddle = verdicts.find((v) => v.convergence?.saddle);
    expect(atSaddle?.stop).toBeUndefined();
    // The settled rate was lr · decay; it goes back to lr.
    expect(atSaddle?.nextLearningRate).toBeCloseTo(train.learningRate);
    expect(last?.stop).toBe('fit');
  });

  it('settles as converged when the step off a "saddle" does not lower the loss (a ReLU kink)', async () => {
    // Every check reports negative curvature, but the loss never goes below the first
    // plateau's: the estimate is an artefact of a kink, and the verdict stands.
    const flat = [1, ...Array.from({ length: 30 }, () => 0.5)];
    const { escapes, last, saddle } = await judgeLosses(flat, 0.001, trainSpec(), true, {
      saddleUntilEscapes: 1000,
    });
    expect(escapes).toBe(1);
    expect(saddle.count).toBe(1);
    expect(last?.stop).toBe('converged');
    expect(last?.convergence?.saddle).toBe(true);
  });

  it('with the plateau stop off (verification), trains through converged plateaus to the cap', async () => {
    const flat = [1, ...Array.from({ length: 99 }, () => 0.5)];
    const { verdicts, last } = await judgeLosses(flat, 0.001, trainSpec(), true, {
      plateauStops: false,
    });
    expect(verdicts.some((v) => v.convergence?.converged)).toBe(true);
    expect(last?.stop).toBe('budget');
    expect(verdicts).toHaveLength(100);
  });

  it('starts a new stall whenever the loss improves', async () => {
    const { restarts } = await judgeLosses([1, 0.5, 0.25], 0.9);
    expect(restarts).toBe(3);
  });
});

describe('probeBudget', () => {
  it('counts the cap in optimizer steps, so full batches get as many updates as mini-batches', () => {
    const train = trainSpec({ maxSteps: 1000 });
    const full = probeBudget(epochShape(100, train), train);
    const minibatch = probeBudget(
      epochShape(100, trainSpec({ maxSteps: 1000, batchSize: 10 })),
      trainSpec({ maxSteps: 1000, batchSize: 10 }),
    );
    expect(full.capEpochs).toBe(1000); // one step per epoch
    expect(minibatch.capEpochs).toBe(100); // ten steps per epoch
  });

  it('starts from maxEpochs when given', () => {
    const train = trainSpec({ maxSteps: 1000, maxEpochs: 100 });
    expect(probeBudget(epochShape(10, train), train).stageEnds).toEqual([100, 200, 400, 800, 1000]);
  });
});
