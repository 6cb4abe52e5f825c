import { z } from 'zod';
import {
  isShippedDataset,
  isShippedTable,
  isUserSource,
  SHIPPED_DATASETS,
  SHIPPED_TABLES,
  type ShippedDatasetId,
  type ShippedTableId,
  type UserSource,
} from '../data/catalog.ts';
import { featureCount } from '../data/types.ts';
import { canStack, parameterCount, VIT_DEFAULTS } from './modelShapes.ts';
import { estimateMemory, formatBytes, MAX_MEMORY_BYTES, type MemoryEstimate } from './memory.ts';

// Zod would probe `new Function` to speed up parsing; under the lab's Content-Security-Policy
// (no unsafe-eval) that probe is a console error. Parsing specs is never a bottleneck.
z.config({ jitless: true });

/**
 * The experiment spec: the one contract shared by the UI form, share links, the worker,
 * the CLI and the results file. Every field has bounds so that anything read from a link,
 * a file or a form is either valid or refused with a message naming the field.
 *
 * Bump SPEC_VERSION only with a migration from the previous version (migrations.ts):
 * old links and results files must keep working.
 */
/** What a field of the user's own data says before the file is loaded: no one types it. */
export const FILLED_ON_LOAD = 'is filled in when the file is loaded';

export const SPEC_VERSION = 3;

export const ACTIVATIONS = [
  'relu',
  'leakyRelu',
  'gelu',
  'elu',
  'tanh',
  'sigmoid',
  'linear',
] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop', 'shampoo'] as const;
export const DATA_SOURCES = [
  'gaussian',
  'mnist',
  'fashion-mnist',
  'wine',
  'breast-cancer',
  'iris',
  'csv',
  'images',
] as const;
// Every shipped dataset and user source is a source (a compile error means one was left out).
const SHIPPED_ARE_SOURCES: readonly (typeof DATA_SOURCES)[number][] = [] as (
  ShippedDatasetId | ShippedTableId | UserSource
)[];
void SHIPPED_ARE_SOURCES;
export const INPUT_KINDS = ['real', 'noise'] as const;
export const MODEL_FAMILIES = ['mlp', 'cnn', 'vit'] as const;
export const LABEL_MODES = ['true', 'random'] as const;

/** Upper bound on features per sample: keeps a hostile spec from allocating gigabytes. */
export const MAX_INPUT_FEATURES = 65_536;
export const MAX_POOL_SIZE = 100_000;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** A side of a user's images after resizing. */
export const MAX_USER_IMAGE_SIDE = 128;

// The descriptions below are the spec's documentation: `npm run docs:spec` writes them into
// docs/spec.md (src/docs/specDoc.ts), and a unit test fails when that file is stale.
export const dataSpecSchema = z
  .strictObject({
    source: z
      .enum(DATA_SOURCES)
      .describe(
        '"gaussian" gives i.i.d. N(0, 1) inputs whose true label is the class of the nearest of a few seeded prototype points (a learnable rule); it needs `inputShape` and `classes`. "mnist" and "fashion-mnist" are the shipped image sets (docs/datasets.md): their `inputShape` and `classes` may be left out, and if given must match ([28, 28, 1], 10), and `poolSize`/`testSize` can be at most what is shipped. "wine", "breast-cancer" and "iris" are the shipped tables (`poolSize + testSize` at most their rows). "csv" (a table) and "images" (class folders of images, or a .zip of them) are your own data: `file` names it, `sha256`, `rows`, `classes` and `inputShape` record what it is (the lab and the CLI fill them in when the file is loaded), `labelColumn` picks a CSV\'s label column.',
      ),
    inputs: z
      .enum(INPUT_KINDS)
      .default('real')
      .describe(
        "\"noise\" replaces a real dataset's inputs by i.i.d. Gaussian values with the real data's mean and variance (N(0, 1) after normalization), keeping the labels: the paper's random-inputs setting.",
      ),
    inputShape: z
      .array(int(1, MAX_INPUT_FEATURES))
      .min(1)
      .max(3)
      .optional()
      .describe(
        'Required for gaussian data; for a shipped dataset it may be left out, or must match it; for your own images it is the size they are resized to (by default the smallest common size capped at 32×32, at most 128×128). CNNs and ViTs need [height, width, channels].',
      ),
    classes: int(2, 100)
      .optional()
      .describe(
        'Required for gaussian data; for a shipped dataset or your own data it may be left out, or must match it.',
      ),
    labels: z
      .enum(LABEL_MODES)
      .default('true')
      .describe(
        '"true" or "random": random labels are drawn afresh for every seed (the first seed uses the experiment seed).',
      ),
    labelNoise: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe(
        'Fraction of the true labels moved to another class, drawn uniformly among the others (exactly that fraction; true labels only).',
      ),
    poolSize: int(1, MAX_POOL_SIZE).describe(
      'Samples the search may draw from: the largest N a probe can use. A probe of N trains on the first N of a seeded permutation of the pool (nested subsets).',
    ),
    testSize: int(0, MAX_POOL_SIZE)
      .default(0)
      .describe('Held-out samples, always with true labels: they give test accuracy (finding 4).'),
    file: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .optional()
      .describe(
        "Your own data (csv, images): its name as loaded (the lab) or its path relative to the spec file (the CLI; it must lie inside the spec's folder unless `--allow-outside-data`). The data itself never travels with a spec or a link.",
      ),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal digits (a SHA-256)')
      .optional()
      .describe(
        "SHA-256 of your own data (a CSV's bytes; an image folder's paths and bytes, so a folder and its zip hash alike): a spec runs only on exactly the data it was made with.",
      ),
    rows: int(1, MAX_POOL_SIZE).optional().describe('Rows (csv) or images your data holds.'),
    labelColumn: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "csv only: the label column's name; the others are features. Default the last column.",
      ),
  })
  .superRefine((data, ctx) => {
    const issue = (field: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [field], message });
    const userFields = ['file', 'sha256', 'rows'] as const;
    if (!isUserSource(data.source)) {
      for (const field of [...userFields, 'labelColumn'] as const) {
        if (data[field] !== undefined) {
          issue(
            field,
            `applies to your own data only (source "csv" or "images"), not to ${data.source}`,
          );
        }
      }
    }
    if (isShippedDataset(data.source)) {
      const shipped = SHIPPED_DATASETS[data.source];
      const shape = `[${shipped.inputShape.join(', ')}]`;
      if (data.inputShape && data.inputShape.join(',') !== shipped.inputShape.join(',')) {
        issue(
          'inputShape',
          `${data.source} images are ${shape}, not [${data.inputShape.join(', ')}]; set ${shape} or leave it out`,
        );
      }
      if (data.classes !== undefined && data.classes !== shipped.classes) {
        issue(
          'classes',
          `${data.source} has ${shipped.classes} classes, not ${data.classes}; set ${shipped.classes} or leave it out`,
        );
      }
      if (data.poolSize > shipped.trainCount) {
        issue(
          'poolSize',
          `is ${data.poolSize}, but EMC Lab ships ${shipped.trainCount} ${data.source} training images`,
        );
      }
      if (data.testSize > shipped.testCount) {
        issue(
          'testSize',
          `is ${data.testSize}, but EMC Lab ships ${shipped.testCount} ${data.source} test images`,
        );
      }
      return;
    }
    if (isShippedTable(data.source)) {
      const table = SHIPPED_TABLES[data.source];
      if (data.inputShape && data.inputShape.join(',') !== String(table.features)) {
        issue(
          'inputShape',
          `${data.source} rows have ${table.features} features: set [${table.features}] or leave it out`,
        );
      }
      if (data.classes !== undefined && data.classes !== table.classes) {
        issue(
          'classes',
          `${data.source} has ${table.classes} classes, not ${data.classes}; set ${table.classes} or leave it out`,
        );
      }
      checkRows(data, table.rows, `${data.source} has`, issue);
      return;
    }
    if (isUserSource(data.source)) {
      const loaded = FILLED_ON_LOAD;
      for (const field of userFields) if (data[field] === undefined) issue(field, loaded);
      if (data.classes === undefined) issue('classes', loaded);
      if (!data.inputShape) issue('inputShape', loaded);
      if (data.source === 'csv') {
        if (data.inputShape && data.inputShape.length !== 1) {
          issue('inputShape', `a table's rows are [features], not [${data.inputShape.join(', ')}]`);
        }
      } else {
        if (data.labelColumn !== undefined) {
          issue('labelColumn', 'applies to csv data only: image classes are their folders');
        }
        const [height = 0, width = 0, channels = 0] = data.inputShape ?? [];
        if (data.inputShape && data.inputShape.length !== 3) {
          issue('inputShape', 'images are [height, width, channels]');
        } else if (
          data.inputShape &&
          (height > MAX_USER_IMAGE_SIDE || width > MAX_USER_IMAGE_SIDE)
        ) {
          issue(
            'inputShape',
            `images are resized to at most ${MAX_USER_IMAGE_SIDE}×${MAX_USER_IMAGE_SIDE}`,
          );
        } else if (data.inputShape && channels !== 1 && channels !== 3) {
          issue('inputShape', `images have 1 (gray) or 3 (RGB) channels, not ${channels}`);
        }
      }
      if (data.rows !== undefined)
        checkRows(data, data.rows, `${data.file ?? 'the file'} has`, issue);
      return;
    }
    if (!data.inputShape)
      issue('inputShape', 'is required for gaussian data, e.g. [20] or [28, 28, 1]');
    if (data.classes === undefined) issue('classes', 'is required for gaussian data');
    if (data.inputs === 'noise') {
      issue(
        'inputs',
        'gaussian inputs are noise already; "noise" replaces the inputs of a real dataset',
      );
    }
    const features = featureCount(data.inputShape ?? []);
    if (features > MAX_INPUT_FEATURES) {
      issue(
        'inputShape',
        `has ${features} features per sample; at most ${MAX_INPUT_FEATURES} are allowed`,
      );
    }
  })
  .transform((data) => {
    const shipped = isShippedDataset(data.source) ? SHIPPED_DATASETS[data.source] : undefined;
    const table = isShippedTable(data.source) ? SHIPPED_TABLES[data.source] : undefined;
    return {
      ...data,
      inputShape: data.inputShape ?? [...(shipped?.inputShape ?? (table ? [table.features] : [1]))],
      classes: data.classes ?? shipped?.classes ?? table?.classes ?? 2,
    };
  });

/** A table's pool and test split are drawn from its rows: together they must fit. */
function checkRows(
  data: { poolSize: number; testSize: number },
  rows: number,
  owner: string,
  issue: (field: string, message: string) => void,
): void {
  if (data.poolSize + data.testSize > rows) {
    issue(
      data.poolSize > rows ? 'poolSize' : 'testSize',
      `poolSize + testSize is ${data.poolSize + data.testSize}, but ${owner} ${rows} rows; together they must be at most ${rows}`,
    );
  }
}

export const PROJECTIONS = ['sparse', 'dense'] as const;
/** The largest random subspace: z and its optimizer state are a few floats per dimension. */
export const MAX_SUBSPACE_DIMENSION = 1_000_000;

/**
 * Random-subspace training (Li et al. 2018; the paper's later version): the weights are
 * θ = θ₀ + P z, θ₀ the usual initialization and P a fixed random projection seeded by the
 * experiment's seed, each column of unit norm; only z, `dimension` numbers, trains. EMC is
 * then read against `dimension`, the trained parameters, as well as against the network's
 * size.
 */
export const subspaceSpecSchema = z.strictObject({
  /** d, the trained parameters (sweep.dimensions, when given, sweeps it instead). */
  dimension: int(1, MAX_SUBSPACE_DIMENSION).describe(
    'd, the trained parameters (sweep.dimensions, when given, sweeps it instead).',
  ),
  /**
   * "sparse" (the default): each weight moves with one seeded column of z, with a random
   * sign (2 numbers a weight, whatever d is). "dense": a Gaussian P of D × d floats, which
   * must fit the memory bound.
   */
  projection: z
    .enum(PROJECTIONS)
    .default('sparse')
    .describe(
      '"sparse" (the default): each weight moves with one seeded column of z, with a random sign (2 numbers a weight, whatever d is). "dense": a Gaussian P of D × d floats, which must fit the memory bound.',
    ),
});

/** Weight precisions a spec may ask for: 2 to 16 bits, or 32 (float32, no rounding). */
export const MIN_BITS = 2;
export const MAX_ROUNDED_BITS = 16;

/**
 * Low-precision weights: quantization-aware training with a straight-through estimator.
 * The forward pass uses every weight tensor rounded to `bits` bits (symmetric levels,
 * the scale set by the tensor's largest magnitude); float shadow weights take the
 * optimizer's steps, with the gradient taken at the rounded weights. EMC is then read
 * against bits × parameters as well. 32 is float32 itself: ordinary training.
 */
export const precisionSpecSchema = z.strictObject({
  bits: z
    .union([int(MIN_BITS, MAX_ROUNDED_BITS), z.literal(32)])
    .describe('Bits per weight, 2 to 16, or 32 for float32 itself (no rounding).'),
});

export const modelSpecSchema = z.strictObject({
  family: z
    .enum(MODEL_FAMILIES)
    .describe(
      "MLPs flatten images. CNN: per stage a 3×3 same-padding convolution with width · 2^stage channels, then 2×2 max-pooling while the image is at least 2×2, and a linear head; the convolution is written as im2col (pad, nine shifted slices, one matMul) with the same [3, 3, in, out] kernel as tf.conv2d (a test holds them equal), so CNNs also train on WASM, whose tfjs 4.22 backend has no Conv2DBackpropFilter. ViT: non-overlapping patchSize × patchSize patches projected to `width` numbers plus learned positions, `depth` pre-norm encoder blocks (multi-head self-attention written in tfjs ops and tested against a hand-computed attention; an MLP mlpRatio × width wide), a final layer norm, the mean over tokens and a linear head. Every family's parameter count is exact (tested against tfjs' own count).",
    ),
  depth: int(0, 16).describe(
    'Hidden layers (MLP), convolution stages (CNN) or transformer blocks (ViT); 0 is a linear classifier, which ignores the sweep width.',
  ),
  activation: z.enum(ACTIVATIONS).default('relu').describe("The hidden layers' activation."),
  patchSize: int(1, 64)
    .optional()
    .describe("ViT only: side of the square patches (default 4); must divide the image's sides."),
  heads: int(1, 64)
    .optional()
    .describe('ViT only: attention heads (default 2); every sweep width must be a multiple.'),
  mlpRatio: int(1, 8)
    .optional()
    .describe("ViT only: each block's MLP is mlpRatio × the embedding width (default 2)."),
  subspace: subspaceSpecSchema
    .optional()
    .describe('Train in a random subspace of the weights (absent: every weight trains).'),
  precision: precisionSpecSchema
    .optional()
    .describe('Train low-precision weights (absent: float32). Not together with subspace.'),
});

const VIT_ONLY_FIELDS = ['patchSize', 'heads', 'mlpRatio'] as const;

/** Models one sweep measures (widths × subspace dimensions). */
export const MAX_SWEEP_POINTS = 32;

export const sweepSpecSchema = z.strictObject({
  widths: z
    .array(int(1, 4096))
    .min(1)
    .max(32)
    .describe(
      "One model, and so one EMC point, per width (MLP: every hidden layer this wide; CNN: the first stage's channels; ViT: the embedding width).",
    ),
  dimensions: z
    .array(int(1, MAX_SUBSPACE_DIMENSION))
    .min(1)
    .max(32)
    .optional()
    .describe(
      'With model.subspace: the subspace dimensions d to sweep, one EMC point per width and dimension (in place of model.subspace.dimension).',
    ),
});

/** Bounds and defaults of the convergence rules (their choice is measured in the bench). */
export const MAX_STEPS = 2_000_000;
export const DEFAULT_MAX_STEPS = 20_000;
export const DEFAULT_GRAD_TOLERANCE = 0.1;
export const DEFAULT_SADDLE_TOLERANCE = 0.1;
export const DEFAULT_LR_DECAY = 0.1;
/**
 * Optimizer steps without relative loss improvement that make a plateau, and the smallest
 * relative improvement that counts (chosen by the convergence study, bench/fidelity.md).
 */
export const DEFAULT_PATIENCE_STEPS = 500;
export const DEFAULT_MIN_DELTA = 0.0001;
/**
 * A plateau is also judged on at least this many checked epochs, so that at a large N (an
 * epoch of more steps than the patience) one unlucky epoch cannot end a probe.
 */
export const MIN_PLATEAU_CHECKS = 3;
/** Verification trains the decisive probe for this many times its steps beyond its stop. */
export const VERIFY_FACTOR = 4;
/**
 * Verification is also more patient: its learning-rate cuts wait for a plateau of
 * VERIFY_FACTOR × patience steps at minDelta ÷ VERIFY_MIN_DELTA_DIVISOR. With the probe's own
 * patience a short patience cuts the rate to its floor within a few hundred steps, and a
 * longer run at that rate cannot fit what a more patient schedule fits (the widened study's
 * S07: SGD, patience 100, EMC 74 verified, 87 with patience × 4).
 */
export const VERIFY_MIN_DELTA_DIVISOR = 10;
/** The first budget when train.maxEpochs is not given: this fraction of the step cap. */
export const FIRST_BUDGET_FRACTION = 1 / 8;
/** Without search.start or a better guess the search starts at this fraction of the parameters. */
export const START_FRACTION_OF_PARAMETERS = 0.25;
/** AdamW's decoupled weight decay when the spec gives none (PyTorch's default). */
export const ADAMW_WEIGHT_DECAY = 0.01;

export const trainSpecSchema = z
  .strictObject({
    optimizer: z
      .enum(OPTIMIZERS)
      .describe(
        "sgd, momentum (0.9), adam, adamw (decoupled `weightDecay`, default 0.01), rmsprop, or shampoo: per weight matrix, left and right preconditioners from the accumulated gradient products, applied as inverse fourth roots refreshed every 10 steps (sides longer than 256 are left unpreconditioned), the step grafted onto AdaGrad's norm so the learning rate reads as AdaGrad's. Shampoo trains one probe at a time (search.parallel 1).",
      ),
    learningRate: z.number().gt(0).max(10).describe('The learning rate at the start of a probe.'),
    batchSize: z
      .union([int(1, 65_536), z.literal('full')])
      .describe('Mini-batch size, or "full" for full-batch gradient descent (batch = N).'),
    maxSteps: int(1, MAX_STEPS)
      .default(DEFAULT_MAX_STEPS)
      .describe(
        'The cap on optimizer updates per probe (counted in steps, not epochs, so full batches get as many updates as mini-batches). A probe that has neither fitted nor converged by then is inconclusive ("budget"), and an EMC it decides is only a lower bound (budgetLimited).',
      ),
    maxEpochs: int(1, 100_000)
      .optional()
      .describe(
        'Optional first budget in epochs: an inconclusive probe is extended from there by doubling, continuing where it stopped, up to maxSteps. Without it the first budget is an eighth of maxSteps.',
      ),
    patience: int(1, MAX_STEPS)
      .default(DEFAULT_PATIENCE_STEPS)
      .describe(
        `Optimizer steps (not epochs) without a relative loss improvement of at least minDelta: a plateau. Counted in steps so that full-batch GD (one step an epoch) and a batch of 16 are judged over comparable training, and a small N is not judged after a few dozen updates; the plateau also spans at least ${MIN_PLATEAU_CHECKS} checked epochs.`,
      ),
    minDelta: z
      .number()
      .min(0)
      .max(1)
      .default(DEFAULT_MIN_DELTA)
      .describe('The smallest relative loss improvement that counts against a plateau.'),
    gradTolerance: z
      .number()
      .gt(0)
      .max(1)
      .default(DEFAULT_GRAD_TOLERANCE)
      .describe(
        'A plateau is a converged no-fit only when the mean step gradient over the stall has fallen to this fraction of the full-batch gradient norm at initialization (docs/method.md).',
      ),
    saddleTolerance: z
      .number()
      .min(0)
      .max(1)
      .default(DEFAULT_SADDLE_TOLERANCE)
      .describe(
        "... and the Hessian's smallest eigenvalue is above −saddleTolerance × its largest: a markedly negative curvature is a saddle, which the probe steps off and trains on from.",
      ),
    lrDecay: z
      .number()
      .min(0.01)
      .max(1)
      .default(DEFAULT_LR_DECAY)
      .describe(
        'On a plateau the convergence check rejects, the learning rate is multiplied by this, down to 10⁻⁴ of the start (1 keeps it constant): constant steps keep SGD and Adam bouncing around a minimum.',
      ),
    weightDecay: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        `Decoupled weight decay (AdamW-style). Defaults to ${ADAMW_WEIGHT_DECAY} for adamw, else 0.`,
      ),
    checkEvery: int(1, 1000)
      .default(1)
      .describe(
        'Epochs between reads of the loss and the running accuracy (each sample as the training step that used it classified it). The full fit check (accuracy on all N in inference mode, one scalar read back) runs when the running accuracy is within 2% of N (at least one sample) of 100%, and always before a probe may stop or extend, so no stop misses a fit.',
      ),
  })
  .transform((train) => ({
    ...train,
    weightDecay: train.weightDecay ?? (train.optimizer === 'adamw' ? ADAMW_WEIGHT_DECAY : 0),
  }));

/** At most this many probes train at once (search.parallel). */
export const MAX_PARALLEL = 8;

export const searchSpecSchema = z.strictObject({
  precision: z
    .number()
    .min(0)
    .max(0.5)
    .describe(
      'Relative width of the final bracket: stop bisecting when hi − lo ≤ max(1, precision × lo).',
    ),
  seeds: int(1, 20).describe(
    'Repeats of the whole search with different seeds; EMC is reported as mean ± std. Each seed also redraws random labels, label noise, noise inputs and gaussian samples.',
  ),
  start: int(1, MAX_POOL_SIZE)
    .optional()
    .describe(
      'First N to probe at the first sweep point; defaults to a quarter of the parameter count.',
    ),
  parallel: int(1, MAX_PARALLEL)
    .default(1)
    .describe(
      'Probes trained at once, stacked into one batched computation (MLPs and linear models only). k > 1 runs a k-ary search: fewer rounds of training, more trainings in all; a win where one small model leaves the GPU idle (docs/method.md).',
    ),
  warmStart: z
    .boolean()
    .default(true)
    .describe(
      "Start each width's search at the previous width's EMC (true: fewer probes for a sweep). false starts every width at search.start (or a quarter of its parameters), so widths and seeds are independent jobs: what a sweep sharded over a cluster needs.",
    ),
  verify: z
    .boolean()
    .default(true)
    .describe(
      `Verify every seed's verdict: its decisive probe (the smallest N that did not fit) is trained again for ${VERIFY_FACTOR} times its steps beyond where it stopped, with the plateau stop off and learning-rate cuts only on plateaus of ${VERIFY_FACTOR} × the patience (at minDelta ÷ ${VERIFY_MIN_DELTA_DIVISOR}). If it then fits, the verdict was false and the search goes on above it; an EMC is reported plainly only when verified.`,
    ),
});

export const experimentSpecSchema = z
  .strictObject({
    version: z
      .literal(SPEC_VERSION)
      .describe(
        `The spec's version. Version 3 counts train.patience in optimizer steps; version 2 counted epochs. A version-2 link, results file or saved run still opens: its patience of P epochs reads as P epochs at the pool size (the most patient the old spec ever was), and at least the default of ${DEFAULT_PATIENCE_STEPS} steps, and the lab and the CLI say so when they open it. A saved run of version 2 resumes afresh rather than replaying probes decided by the old rule.`,
      ),
    name: z
      .string()
      .trim()
      .min(1)
      .max(120)
      .default('Untitled experiment')
      .describe('A name for people.'),
    seed: int(0, 2 ** 31 - 1).describe(
      "Seeds everything (data permutation, initializers, shuffles, random labels): the same spec and seed give the same probes on the same backend. The search's first seed uses it; later seeds are drawn from it.",
    ),
    data: dataSpecSchema.describe('What the models train on.'),
    model: modelSpecSchema.describe('The model family, swept by width.'),
    sweep: sweepSpecSchema.describe('The widths swept: one EMC point each.'),
    train: trainSpecSchema.describe(
      'How one probe trains, and when it ends: fit, converged (does not fit), diverged (does not fit) or budget (inconclusive); docs/method.md says why.',
    ),
    search: searchSpecSchema.describe('How N is searched for each width and seed.'),
  })
  .superRefine((spec, ctx) => {
    if (spec.data.labels === 'random' && spec.data.labelNoise > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['data', 'labelNoise'],
        message: 'has no effect on random labels; set it to 0 or use labels "true"',
      });
    }
    const { model, data } = spec;
    if (model.subspace && model.precision) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'precision'],
        message: 'cannot be combined with model.subspace yet: train one or the other',
      });
    }
    if (spec.search.parallel > 1 && (model.subspace || model.precision)) {
      ctx.addIssue({
        code: 'custom',
        path: ['search', 'parallel'],
        message: `a ${model.subspace ? 'random subspace' : 'low-precision model'} trains one probe at a time: set it to 1`,
      });
    }
    const points = spec.sweep.widths.length * (spec.sweep.dimensions?.length ?? 1);
    if (points > MAX_SWEEP_POINTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['sweep', 'dimensions'],
        message: `${spec.sweep.widths.length} widths × ${spec.sweep.dimensions?.length} dimensions make ${points} sweep points; at most ${MAX_SWEEP_POINTS} are allowed`,
      });
    }
    if (spec.sweep.dimensions && !model.subspace) {
      ctx.addIssue({
        code: 'custom',
        path: ['sweep', 'dimensions'],
        message: 'sweeps the random subspace of model.subspace, which this spec does not set',
      });
    }
    if (spec.search.parallel > 1 && spec.train.optimizer === 'shampoo') {
      ctx.addIssue({
        code: 'custom',
        path: ['search', 'parallel'],
        message:
          "Shampoo keeps each model's own preconditioners, so its probes train one at a time: set it to 1",
      });
    }
    if (spec.search.parallel > 1 && !canStack(model)) {
      ctx.addIssue({
        code: 'custom',
        path: ['search', 'parallel'],
        message: `training several probes at once works for MLPs only; a ${model.family.toUpperCase()} trains one probe at a time, so set it to 1`,
      });
    }
    // Zod runs this check even when the data schema refused its part (and so did not fill in
    // the shape): that refusal already names the problem.
    if (!Array.isArray(data.inputShape)) return;
    if (model.family !== 'mlp' && data.inputShape.length !== 3) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'family'],
        message: `a ${model.family.toUpperCase()} needs image inputs shaped [height, width, channels], but data.inputShape is [${data.inputShape.join(', ')}]`,
      });
      return;
    }
    if (model.family !== 'vit') {
      for (const field of VIT_ONLY_FIELDS) {
        if (model[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['model', field],
            message: `applies to ViT models only (model.family "vit"), not to ${model.family.toUpperCase()}s`,
          });
        }
      }
    } else {
      const patch = model.patchSize ?? VIT_DEFAULTS.patchSize;
      const [height = 1, width = 1] = data.inputShape;
      if (height % patch !== 0 || width % patch !== 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['model', 'patchSize'],
          message: `${patch}${model.patchSize === undefined ? ' (the default)' : ''} does not divide the ${height}×${width} images into whole patches; pick a divisor of both sides`,
        });
      }
      const heads = model.heads ?? VIT_DEFAULTS.heads;
      const uneven = spec.sweep.widths.filter((w) => w % heads !== 0);
      if (uneven.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['sweep', 'widths'],
          message: `ViT widths are embedding sizes split across ${heads} heads, so each must be a multiple of ${heads}; ${uneven.join(', ')} ${uneven.length === 1 ? 'is' : 'are'} not`,
        });
      }
      if (uneven.length > 0 || height % patch !== 0 || width % patch !== 0) return;
    }
    const memory = specMemory(spec);
    if (memory.total > MAX_MEMORY_BYTES) {
      const cause = memoryCause(memory, spec.train.batchSize, denseProjection(spec));
      ctx.addIssue({
        code: 'custom',
        path: cause.path,
        message: `this experiment would need about ${formatBytes(memory.total)} of memory, most of it ${cause.term} (${formatBytes(memory[cause.key])}; data ${formatBytes(memory.data)}, widest model ${formatBytes(memory.model)}, activations ${formatBytes(memory.activations)}); at most ${formatBytes(MAX_MEMORY_BYTES)} are allowed. Use ${cause.remedy}`,
      });
    }
  });

/** Bytes of the widest model's dense projection P (D × the largest d), or 0. */
function denseProjection(spec: Pick<ExperimentSpec, 'data' | 'model' | 'sweep'>): number {
  const { subspace } = spec.model;
  if (subspace?.projection !== 'dense') return 0;
  const dimension = Math.max(...(spec.sweep.dimensions ?? [subspace.dimension]));
  const { model, data } = spec;
  const weights = parameterCount({
    ...model,
    inputShape: data.inputShape,
    classes: data.classes,
    width: Math.max(...spec.sweep.widths),
  });
  return weights * dimension * 4;
}

/**
 * The biggest term of a memory estimate and the field that drives it, so the refusal sits
 * on the field to change: activations grow with the rows of a step (the whole pool in
 * full-batch training, else the batch size).
 */
function memoryCause(
  memory: MemoryEstimate,
  batchSize: number | 'full',
  /** The bytes of a dense random projection, when the spec trains in one. */
  projection = 0,
): { key: 'data' | 'model' | 'activations'; term: string; path: string[]; remedy: string } {
  const key = (['data', 'model', 'activations'] as const).reduce((a, b) =>
    memory[b] > memory[a] ? b : a,
  );
  if (key === 'data')
    return {
      key,
      term: 'the data',
      path: ['data', 'poolSize'],
      remedy: 'a smaller pool or input shape',
    };
  if (key === 'model' && projection > memory.model / 2)
    return {
      key,
      term: `the widest model's dense random projection (${formatBytes(projection)})`,
      path: ['model', 'subspace', 'projection'],
      remedy: 'the sparse projection, or fewer dimensions',
    };
  if (key === 'model')
    return {
      key,
      term: 'the widest model',
      path: ['sweep', 'widths'],
      remedy: 'narrower or fewer layers',
    };
  return batchSize === 'full'
    ? {
        key,
        term: 'activations of full batches',
        path: ['data', 'poolSize'],
        remedy: 'a smaller pool, or mini-batches',
      }
    : {
        key,
        term: 'activations',
        path: ['train', 'batchSize'],
        remedy: 'smaller batches, or narrower layers',
      };
}

/** A spec as written by a person or a file: defaults may be missing. */
export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>;
/** A validated spec with every default filled in: what the engine runs. */
export type ExperimentSpec = z.output<typeof experimentSpecSchema>;
export type DataSpec = ExperimentSpec['data'];
export type ModelSpec = ExperimentSpec['model'];
export type TrainSpec = ExperimentSpec['train'];
export type SearchSpec = ExperimentSpec['search'];
export type Activation = (typeof ACTIVATIONS)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];

/**
 * What one run of `spec` holds in memory, estimated (validation bounds it by
 * MAX_MEMORY_BYTES; emc-lab run --jobs, by the memory free for its threads).
 */
export function specMemory(
  spec: Pick<ExperimentSpec, 'data' | 'model' | 'sweep' | 'train' | 'search'>,
): MemoryEstimate {
  return estimateMemory({
    family: spec.model.family,
    inputShape: spec.data.inputShape,
    classes: spec.data.classes,
    poolSize: spec.data.poolSize,
    testSize: spec.data.testSize,
    depth: spec.model.depth,
    widths: spec.sweep.widths,
    patchSize: spec.model.patchSize,
    heads: spec.model.heads,
    mlpRatio: spec.model.mlpRatio,
    batchSize: spec.train.batchSize,
    parallel: spec.search.parallel,
    ...(spec.model.subspace
      ? {
          subspace: {
            dimension: Math.max(...(spec.sweep.dimensions ?? [spec.model.subspace.dimension])),
            projection: spec.model.subspace.projection,
          },
        }
      : {}),
    lowPrecision: spec.model.precision !== undefined && spec.model.precision.bits < 32,
  });
}
