import * as tf from '@tensorflow/tfjs';
import { planModel } from '../engine/models/index.ts';
import { createRng, permutation } from '../engine/random.ts';
import { parseSpec, type ModelSpec, type TrainSpec } from '../engine/experiment/index.ts';
import { fitProbe } from '../engine/train/fitProbe.ts';
import { createOptimizer, disposeOptimizer } from '../engine/train/optimizers.ts';

/**
 * Training speed of one model on the current tfjs backend, two ways: the engine's probe loop
 * (samples gathered on the backend, one small read back per epoch, the full fit check only
 * near a fit and at the end) and the plainest tfjs loop, model.fit followed by one accuracy
 * over all N. Both train the same model on the same random-label data for the same steps,
 * after one untimed warm-up epoch (WebGPU and WebGL compile their programs then).
 */
export interface StepRateCase {
  id: string;
  /** Shown in tables: "MLP 2×64", "CNN 2×8ch". */
  label: string;
  model: ModelSpec;
  width: number;
  inputShape: number[];
  classes: number;
  samples: number;
  batchSize: number;
  epochs: number;
}

export interface StepRate {
  case: string;
  label: string;
  parameterCount: number;
  engineStepsPerSecond: number;
  fitStepsPerSecond: number;
  /** engine / model.fit: at least 1 means the engine loop is not slower. */
  ratio: number;
}

/** An MLP and a CNN at two sizes each, on MNIST-shaped inputs. */
export const STEP_RATE_CASES: readonly StepRateCase[] = [
  {
    id: 'mlp-small',
    label: 'MLP 1×32',
    model: mlp(1),
    width: 32,
    inputShape: [28, 28, 1],
    classes: 10,
    samples: 512,
    batchSize: 64,
    epochs: 4,
  },
  {
    id: 'mlp-large',
    label: 'MLP 2×256',
    model: mlp(2),
    width: 256,
    inputShape: [28, 28, 1],
    classes: 10,
    samples: 512,
    batchSize: 64,
    epochs: 4,
  },
  {
    id: 'cnn-small',
    label: 'CNN 1×4ch',
    model: cnn(1),
    width: 4,
    inputShape: [28, 28, 1],
    classes: 10,
    samples: 256,
    batchSize: 64,
    epochs: 2,
  },
  {
    id: 'cnn-large',
    label: 'CNN 2×16ch',
    model: cnn(2),
    width: 16,
    inputShape: [28, 28, 1],
    classes: 10,
    samples: 256,
    batchSize: 64,
    epochs: 2,
  },
];

function mlp(depth: number): ModelSpec {
  return { family: 'mlp', depth, activation: 'relu' };
}
function cnn(depth: number): ModelSpec {
  return { family: 'cnn', depth, activation: 'relu' };
}

function trainSpec(c: StepRateCase, epochs: number): TrainSpec {
  return parseSpec({
    version: 3,
    seed: 1,
    data: { source: 'gaussian', inputShape: c.inputShape, classes: c.classes, poolSize: c.samples },
    model: c.model,
    sweep: { widths: [c.width] },
    train: {
      optimizer: 'adam',
      learningRate: 0.001,
      batchSize: c.batchSize,
      maxEpochs: epochs,
      maxSteps: epochs * Math.ceil(c.samples / c.batchSize),
      // Never stop early: every epoch of the budget runs, so both loops do the same steps.
      patience: 100_000,
      minDelta: 0,
      checkEvery: 1,
    },
    search: { precision: 0.1, seeds: 1 },
  }).train;
}

/**
 * A case's model plan and random-label samples, on the current backend. `autodiff`: the plan
 * without its architecture's description, so the probe trains by tfjs' autodiff, not by the
 * written-out step (train/stepGradients.ts).
 */
function caseData(c: StepRateCase, autodiff = false) {
  const described = planModel(c.model, c.width, c.inputShape, c.classes);
  const plan = autodiff ? { ...described, dense: undefined, cnn: undefined } : described;
  const rng = createRng(7);
  const x = tf.tensor(
    Float32Array.from({ length: c.samples * c.inputShape.reduce((a, b) => a * b, 1) }, () =>
      rng.normal(),
    ),
    [c.samples, ...c.inputShape],
  );
  const labels = Int32Array.from({ length: c.samples }, () => rng.int(c.classes));
  const y = tf.tensor1d(labels, 'int32');
  const order = permutation(c.samples, createRng(3));
  /** The engine's probe on all samples for `epochs`; its steps per second. */
  const engine = async (epochs: number, fusedStep?: boolean) => {
    const outcome = await fitProbe({
      plan,
      pool: { x, y },
      classes: c.classes,
      n: c.samples,
      order,
      train: trainSpec(c, epochs),
      seed: 1,
      ...(fusedStep === undefined ? {} : { fusedStep }),
    });
    // A random-label probe this large does not fit within the budget; if it did, it would
    // have stopped early and its rate would still be steps over time.
    return outcome.steps / (outcome.wallMs / 1000);
  };
  return { plan, x, y, engine };
}

/**
 * `repeats` timed runs per loop, interleaved; the best of each counts. `autodiff`: the engine
 * trains by tfjs' autodiff instead of the written-out step (what the step replaced).
 */
export async function measureStepRate(
  c: StepRateCase,
  repeats = 3,
  autodiff = false,
): Promise<StepRate> {
  const { plan, x, y, engine } = caseData(c, autodiff);
  const stepsPerEpoch = Math.ceil(c.samples / c.batchSize);
  try {
    const targets = tf.tidy(() => tf.oneHot(y, c.classes).toFloat());
    // The plainest loop that answers the same question: model.fit for the budget, then one
    // accuracy over all N samples (the engine checks at least that once, at the end).
    const plain = async (epochs: number) => {
      // Timed like the engine's probe: from building the model to knowing whether it fit.
      const started = performance.now();
      const model = plan.build(1);
      const optimizer = createOptimizer(trainSpec(c, epochs));
      // The engine's loss: softmax cross-entropy on the logits.
      model.compile({
        optimizer,
        loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
      });
      await model.fit(x, targets, { batchSize: c.batchSize, epochs, shuffle: true, verbose: 0 });
      const correct = tf.tidy(() => tf.equal((model.predict(x) as tf.Tensor).argMax(-1), y).sum());
      await correct.data();
      const ms = performance.now() - started;
      correct.dispose();
      model.dispose();
      disposeOptimizer(optimizer);
      return ms;
    };
    await engine(1);
    await plain(1);
    // Best of a few runs each, interleaved, so a slow moment of the machine hits both.
    let engineStepsPerSecond = 0;
    let fitStepsPerSecond = 0;
    for (let repeat = 0; repeat < repeats; repeat++) {
      engineStepsPerSecond = Math.max(engineStepsPerSecond, await engine(c.epochs));
      const fitMs = await plain(c.epochs);
      fitStepsPerSecond = Math.max(fitStepsPerSecond, (c.epochs * stepsPerEpoch) / (fitMs / 1000));
    }
    targets.dispose();
    return {
      case: c.id,
      label: c.label,
      parameterCount: plan.parameterCount,
      engineStepsPerSecond,
      fitStepsPerSecond,
      ratio: engineStepsPerSecond / fitStepsPerSecond,
    };
  } finally {
    tf.dispose([x, y]);
  }
}

export interface FusedStepRate {
  case: string;
  label: string;
  /** Multiply-adds of one step's forward pass: batch × parameters (the rule's measure). */
  multiplyAdds: number;
  /** The engine's probe loop with the fused step, and with tfjs' kernels (written-out step). */
  fusedStepsPerSecond: number;
  tfjsStepsPerSecond: number;
}

/**
 * The engine's probe loop on an MLP with the fused step and without it (the written-out
 * tfjs step), best of `repeats` interleaved runs each: where the fused step pays.
 */
export async function measureFusedStep(c: StepRateCase, repeats = 3): Promise<FusedStepRate> {
  const { plan, x, y, engine } = caseData(c);
  try {
    await engine(1, true);
    await engine(1, false);
    let fusedStepsPerSecond = 0;
    let tfjsStepsPerSecond = 0;
    for (let repeat = 0; repeat < repeats; repeat++) {
      fusedStepsPerSecond = Math.max(fusedStepsPerSecond, await engine(c.epochs, true));
      tfjsStepsPerSecond = Math.max(tfjsStepsPerSecond, await engine(c.epochs, false));
    }
    return {
      case: c.id,
      label: c.label,
      multiplyAdds: c.batchSize * plan.parameterCount,
      fusedStepsPerSecond,
      tfjsStepsPerSecond,
    };
  } finally {
    tf.dispose([x, y]);
  }
}
