import { type ExperimentSpecInput, SPEC_VERSION } from '../engine/experiment/index.ts';

/**
 * What the lab opens with: chosen so its result shows the paper's finding 1 plainly, and
 * fast. Random labels with 10 classes, two MLP widths, full-batch Adam: every point is a
 * converged, verified EMC well below the samples = parameters line (20 of 86 and 70 of 162
 * with `emc-lab run --backend wasm`), none a lower bound. 13 probes, about 19,000 steps in
 * all, 28 s of CPU time in Node on the dev machine (bench for it: the CLI on this spec).
 * A quicker plateau call (0.1% in 100 steps) is safe because verification trains every
 * decisive probe 4× longer without it.
 */
export const DEFAULT_SPEC: ExperimentSpecInput = {
  version: SPEC_VERSION,
  name: 'MLP width sweep on random labels',
  seed: 1,
  data: {
    source: 'gaussian',
    inputShape: [8],
    classes: 10,
    labels: 'random',
    labelNoise: 0,
    poolSize: 200,
    testSize: 0,
  },
  model: { family: 'mlp', depth: 1, activation: 'relu' },
  sweep: { widths: [4, 8] },
  train: {
    optimizer: 'adam',
    learningRate: 0.1,
    batchSize: 'full',
    // A probe still undecided after this many steps leaves its EMC a lower bound
    // (budget-limited); the first budget is an eighth of it, doubled while inconclusive.
    maxSteps: 8000,
    patience: 100,
    minDelta: 0.001,
  },
  search: { precision: 0.1, seeds: 1 },
};
