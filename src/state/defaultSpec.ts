import {
  DEFAULT_PATIENCE_STEPS,
  type ExperimentSpecInput,
  SPEC_VERSION,
} from '../engine/experiment/index.ts';

/**
 * What the lab opens with: small enough to show EMC points within a minute on a laptop
 * without a GPU (about 30 s on WASM), EMC growing with size. Its wider models end as
 * lower bounds at this size, and show how the lab draws them: one budget-limited (the
 * step cap decided nothing) and one that fits the whole pool. Raising the step cap or the
 * pool resolves them, at the cost of minutes.
 */
export const DEFAULT_SPEC: ExperimentSpecInput = {
  version: SPEC_VERSION,
  name: 'MLP width sweep on random labels',
  seed: 1,
  data: {
    source: 'gaussian',
    inputShape: [8],
    classes: 4,
    labels: 'random',
    labelNoise: 0,
    poolSize: 400,
    testSize: 0,
  },
  model: { family: 'mlp', depth: 1, activation: 'relu' },
  sweep: { widths: [4, 8, 16, 32] },
  train: {
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 'full',
    // A probe still undecided after this many steps leaves its EMC a lower bound
    // (budget-limited); the first budget is an eighth of it, doubled while inconclusive.
    maxSteps: 4000,
    patience: DEFAULT_PATIENCE_STEPS,
    minDelta: 0.0001,
  },
  search: { precision: 0.1, seeds: 1 },
};
