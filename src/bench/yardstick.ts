// PyTorch on the same CPU is the yardstick for EMC Lab's speed (docs/architecture.md,
// "Yardsticks for speed"): the same models and the same EMC search, run by scripts/pytorch_yardstick.py
// in the same bench run, compared as ratios.
import { type ExperimentSpecInput, runExperiment } from '../engine/index.ts';
import type { StepRateCase } from './stepRate.ts';

/** The step-rate models of the speed issue: Adam, random labels, shuffled mini-batches. */
export const YARDSTICK_STEP_CASES: readonly StepRateCase[] = [
  mlpCase('mlp-784-256-256-10', 'MLP 784-256-256-10, batch 128', 784, 2, 256, 10, 1024, 128, 25),
  mlpCase('mlp-784-32-10', 'MLP 784-32-10, batch 128', 784, 1, 32, 10, 1024, 128, 40),
  mlpCase('mlp-16-32-4-full', 'MLP 16-32-4, full batch of 400', 16, 1, 32, 4, 400, 400, 300),
];

/**
 * MLPs from tiny to arithmetic-bound, each trained by the engine with and without the fused
 * step: where the fused step stops paying on wasm (train/fusedProbeStep.ts' rule).
 */
export const FUSED_STEP_CASES: readonly StepRateCase[] = [
  mlpCase('mlp-16-8-4-full', 'MLP 16-8-4, full batch of 100', 16, 1, 8, 4, 100, 100, 300),
  YARDSTICK_STEP_CASES[2] as StepRateCase,
  mlpCase('mlp-64-64-10', 'MLP 64-64-10, batch 64', 64, 1, 64, 10, 512, 64, 40),
  mlpCase('mlp-100-64-10', 'MLP 100-64-10, batch 128', 100, 1, 64, 10, 1024, 128, 40),
  YARDSTICK_STEP_CASES[1] as StepRateCase,
];

function mlpCase(
  id: string,
  label: string,
  inputFeatures: number,
  depth: number,
  width: number,
  classes: number,
  samples: number,
  batchSize: number,
  epochs: number,
): StepRateCase {
  return {
    id,
    label,
    model: { family: 'mlp', depth, activation: 'relu' },
    width,
    inputShape: [inputFeatures],
    classes,
    samples,
    batchSize,
    epochs,
  };
}

/** The job for scripts/pytorch_yardstick.py: the same cases, described for PyTorch. */
export function pytorchStepJob(cases: readonly StepRateCase[]) {
  return cases.map((c) => ({
    id: c.id,
    inputFeatures: c.inputShape.reduce((a, b) => a * b, 1),
    hidden: Array.from({ length: c.model.depth }, () => c.width),
    classes: c.classes,
    samples: c.samples,
    batchSize: c.batchSize,
    epochs: c.epochs,
  }));
}

/**
 * A small gaussian MLP sweep searched by both. No plateau stop on either side (patience
 * beyond the cap): a probe ends when all N are right or the step cap is spent, which a
 * 100-line PyTorch script reproduces exactly, so the two do the same work per probe.
 */
export const YARDSTICK_SEARCH_SPEC = {
  version: 3,
  name: 'yardstick: MLP 1×{4, 8, 16}, gaussian d = 16, random labels, full batch',
  seed: 1,
  data: { source: 'gaussian', inputShape: [16], classes: 4, labels: 'random', poolSize: 400 },
  model: { family: 'mlp', depth: 1 },
  sweep: { widths: [4, 8, 16] },
  train: {
    optimizer: 'adam',
    learningRate: 0.01,
    batchSize: 'full',
    maxSteps: 1000,
    patience: 100_000,
    minDelta: 0,
  },
  search: { precision: 0.1, seeds: 1, start: 32 },
} as const satisfies ExperimentSpecInput;

export function pytorchSearchJob() {
  const spec = YARDSTICK_SEARCH_SPEC;
  return {
    inputFeatures: spec.data.inputShape[0],
    classes: spec.data.classes,
    poolSize: spec.data.poolSize,
    depth: spec.model.depth,
    widths: spec.sweep.widths,
    learningRate: spec.train.learningRate,
    batchSize: spec.train.batchSize,
    maxSteps: spec.train.maxSteps,
    start: spec.search.start,
    precision: spec.search.precision,
    seed: spec.seed,
  };
}

export interface SearchPoint {
  width: number;
  parameterCount: number;
  emc: number;
  probes: number;
  wallMs: number;
}

/** The engine's side of the search comparison, on the current backend. */
export async function engineSearchPoints(): Promise<SearchPoint[]> {
  const finished: number[] = [];
  let started = performance.now();
  const results = await runExperiment(YARDSTICK_SEARCH_SPEC, {
    onEvent: (event) => {
      if (event.kind === 'point-started') started = performance.now();
      if (event.kind === 'point-finished') finished.push(performance.now() - started);
    },
  });
  return results.points.map((point, index) => ({
    width: point.width,
    parameterCount: point.parameterCount,
    emc: point.emcMean,
    probes: results.probes.filter((p) => p.pointIndex === index).length,
    wallMs: finished[index] as number,
  }));
}
