import type { ExperimentSpecInput } from '../engine/spec/index.ts';

/**
 * Classroom demos: one per finding of the paper. Data, not code: a preset is a base spec,
 * the variants that differ from it (each run in turn and overlaid on the EMC chart), and
 * what to look for. A preset whose features this version lacks names them in `requires`
 * and is shown as not yet available.
 */
export interface Preset {
  id: string;
  finding: number;
  title: string;
  explanation: string;
  /** Spec features this preset needs that may not exist yet (model families, data sources). */
  requires?: { families?: string[]; sources?: string[] };
  base: ExperimentSpecInput;
  /** Each variant is the base with these top-level sections patched; one run each. */
  variants: Array<{ label: string; patch: DeepPartial<ExperimentSpecInput> }>;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

const randomLabelsMlp: ExperimentSpecInput = {
  version: 2,
  name: 'MLP on random labels',
  seed: 1,
  data: { source: 'gaussian', inputShape: [10], classes: 4, labels: 'random', poolSize: 800 },
  model: { family: 'mlp', depth: 1, activation: 'relu' },
  sweep: { widths: [8, 16, 32] },
  train: {
    optimizer: 'adam',
    learningRate: 0.02,
    batchSize: 'full',
    maxSteps: 20_000,
    patience: 40,
    minDelta: 0.0001,
  },
  search: { precision: 0.1, seeds: 1 },
};

export const PRESETS: readonly Preset[] = [
  {
    id: 'fewer-samples-than-parameters',
    finding: 1,
    title: 'Networks fit fewer samples than they have parameters',
    explanation:
      'An MLP sweep on random labels with 10 classes. Every EMC point lies well below the dashed samples = parameters line: the optimizer finds minima that fit far fewer samples than a parameter count suggests. Look at the EMC / params column: it stays well under 1.',
    base: {
      ...randomLabelsMlp,
      name: 'Finding 1: EMC below the parameter count',
      data: { source: 'gaussian', inputShape: [16], classes: 10, labels: 'random', poolSize: 1200 },
      model: { family: 'mlp', depth: 2, activation: 'relu' },
      sweep: { widths: [4, 8, 16] },
    },
    variants: [{ label: 'MLP', patch: {} }],
  },
  {
    id: 'cnn-vs-mlp',
    finding: 2,
    title: 'CNNs are more parameter-efficient than MLPs, even on random labels',
    explanation:
      'MNIST digits with random labels, fitted by a small CNN sweep and an MLP sweep. The CNN points lie higher and further left: with fewer parameters, convolutions fit more samples, although the labels carry no structure to exploit. Compare the EMC / params column of the two runs.',
    base: {
      ...randomLabelsMlp,
      name: 'Finding 2: CNN vs MLP on random-label MNIST',
      // A small pool keeps this a few minutes on a CPU: the CNNs may fit all of it, and
      // their EMC is then shown as a lower bound (≥), which only strengthens the point.
      data: { source: 'mnist', labels: 'random', poolSize: 300 },
      train: {
        ...randomLabelsMlp.train,
        batchSize: 16,
        maxEpochs: 60,
        patience: 12,
        minDelta: 0.001,
      },
      search: { precision: 0.2, seeds: 1, start: 20 },
    },
    variants: [
      {
        label: 'CNN',
        patch: {
          model: { family: 'cnn', depth: 1, activation: 'relu' },
          sweep: { widths: [1, 2] },
        },
      },
      {
        label: 'MLP',
        patch: {
          model: { family: 'mlp', depth: 1, activation: 'relu' },
          sweep: { widths: [8, 16, 32] },
        },
      },
    ],
  },
  {
    id: 'sgd-vs-full-batch',
    finding: 3,
    title: 'SGD fits more samples than full-batch gradient descent',
    explanation:
      'One MLP sweep trained twice with plain SGD: with mini-batches of 16, then with the full batch (gradient descent). Same learning rate, same epoch budget. The mini-batch curve lies above: stochastic gradients find minima that fit more data.',
    base: {
      ...randomLabelsMlp,
      name: 'Finding 3: SGD vs full-batch GD',
      train: { ...randomLabelsMlp.train, optimizer: 'sgd', learningRate: 0.3 },
    },
    variants: [
      { label: 'SGD, batch 16', patch: { train: { batchSize: 16 } } },
      { label: 'full-batch GD', patch: { train: { batchSize: 'full' } } },
    ],
  },
  {
    id: 'true-vs-random-labels',
    finding: 4,
    title:
      'Correct labels are fitted more easily than random ones, and that predicts generalization',
    explanation:
      'One MLP sweep on MNIST, with true labels and then with random labels, and a held-out test set. EMC on true labels is far higher. When both runs are done, the label gap panel sets EMC(true) − EMC(random) beside the generalization gap of each model and their correlation across the sweep.',
    base: {
      ...randomLabelsMlp,
      name: 'Finding 4: true vs random labels',
      data: { source: 'mnist', labels: 'true', poolSize: 600, testSize: 300 },
      sweep: { widths: [16, 32, 64] },
      train: {
        ...randomLabelsMlp.train,
        batchSize: 16,
        maxEpochs: 150,
        patience: 25,
        minDelta: 0.001,
      },
      search: { precision: 0.2, seeds: 1, start: 20 },
    },
    variants: [
      { label: 'true labels', patch: { data: { labels: 'true' } } },
      { label: 'random labels', patch: { data: { labels: 'random' } } },
    ],
  },
  {
    id: 'relu-vs-tanh-vs-sigmoid',
    finding: 5,
    title: 'ReLU fits more samples than sigmoid (and what about tanh?)',
    explanation:
      'One MLP sweep trained with SGD and momentum, three activations. Sigmoid, whose gradients vanish, fits by far the fewest samples. The paper finds ReLU ahead of tanh too, on images with large networks; on these small Gaussian inputs tanh often keeps up with or passes ReLU, whose narrow layers lose units that never activate again. A good question for the class: why?',
    base: {
      ...randomLabelsMlp,
      name: 'Finding 5: activations',
      train: {
        optimizer: 'momentum',
        learningRate: 0.05,
        batchSize: 32,
        maxEpochs: 150,
        patience: 30,
        minDelta: 0.0001,
      },
    },
    variants: [
      { label: 'ReLU', patch: { model: { activation: 'relu' } } },
      { label: 'tanh', patch: { model: { activation: 'tanh' } } },
      { label: 'sigmoid', patch: { model: { activation: 'sigmoid' } } },
    ],
  },
];

/** The spec one variant runs: the base with the variant's sections patched. */
export function variantSpec(preset: Preset, index: number): ExperimentSpecInput {
  const variant = preset.variants[index];
  if (!variant) throw new Error(`Preset ${preset.id} has no variant ${index}`);
  const spec = structuredClone(preset.base) as unknown as Record<string, Record<string, unknown>>;
  for (const [section, values] of Object.entries(variant.patch)) {
    spec[section] =
      typeof values === 'object' && values !== null && !Array.isArray(values)
        ? { ...spec[section], ...values }
        : (values as never);
  }
  const name =
    preset.variants.length > 1 ? `${preset.base.name} — ${variant.label}` : preset.base.name;
  return { ...(spec as unknown as ExperimentSpecInput), name };
}
