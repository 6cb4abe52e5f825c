import { z } from 'zod';
import type { ExperimentSpec } from './experiment/index.ts';

/**
 * The results document, declared once: this schema checks what is read (files, IndexedDB;
 * share/resultsFile.ts) and its output types are the engine's types (results.ts). Every
 * field is bounded, since documents are untrusted input.
 */
export const RESULTS_FORMAT = 'emc-lab-results';
export const RESULTS_VERSION = 2;

/**
 * Why a probe ended. "fit": all N right. "converged": the loss stopped improving at a
 * minimum that misclassifies some sample (small gradient, no saddle): a real "does not
 * fit". "diverged": the loss is no longer finite, the procedure fails. "budget": the step
 * cap ran out while the run was inconclusive: a failure to decide, not a failure to fit.
 * "plateau" only appears in results of EMC Lab before version 2, which stopped on a
 * loss plateau without checking the gradient.
 */
export const STOP_REASONS = ['fit', 'converged', 'budget', 'diverged', 'plateau'] as const;

/** "running" only in documents saved while a run is in progress (the lab's persistence). */
export const RUN_STATUSES = ['complete', 'cancelled', 'failed', 'running'] as const;

export const count = z.number().int().min(0).max(1e9);
export const real = z.number().finite();
export const fraction = z.number().min(0).max(1);
export const text = (max: number) => z.string().max(max);
/** JSON has no NaN (JSON.stringify writes null), IndexedDB keeps it: accept both as NaN. */
export const realOrNaN = z
  .union([z.number().finite(), z.nan(), z.null()])
  .transform((v) => v ?? Number.NaN);
/** A measurement that may be missing: null in JSON; a NaN kept by IndexedDB reads as null. */
const measured = (value: z.ZodNumber) =>
  z.union([value, z.nan(), z.null()]).transform((v) => (v === null || Number.isNaN(v) ? null : v));
const uint32 = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

/** One training at one N: the unit of the search, recorded in full so a search is auditable. */
export const probeRecordSchema = z.strictObject({
  pointIndex: count,
  seedIndex: count,
  n: count,
  fits: z.boolean(),
  stopReason: z.enum(STOP_REASONS),
  epochs: count,
  steps: count,
  finalLoss: realOrNaN,
  finalAccuracy: fraction,
  /** Held-out accuracy of the trained model, when the dataset has a test split. */
  testAccuracy: fraction.nullable(),
  wallMs: real.min(0),
  /** True when the outcome was taken from an earlier, interrupted run instead of retrained. */
  replayed: z.boolean().optional(),
  /** A converged no-fit: loss plateau, small gradient, no saddle. */
  converged: z.boolean(),
  /** Full-batch gradient norm at the end (null when the loss diverged). */
  gradNorm: measured(real.min(0)),
  /** Full-batch gradient norm at initialization: the scale gradNorm is judged on. */
  initialGradNorm: measured(real.min(0)),
  /**
   * Norm of the mean step gradient over the last stall, the one the convergence check
   * judged (null when no plateau was checked). Added within version 2: absent reads as null.
   */
  stallGradNorm: measured(real.min(0))
    .optional()
    .transform((v) => v ?? null),
  /** Extreme Hessian eigenvalues from the last convergence check that measured them. */
  hessianMin: measured(real),
  hessianMax: measured(real),
  /** That check found a saddle (a markedly negative eigenvalue). */
  saddle: z.boolean(),
  /**
   * Times training stepped off a saddle (a plateau with clear negative curvature) and went
   * on instead of stopping. Added within version 2: absent reads as 0.
   */
  saddleEscapes: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .optional()
    .transform((v) => v ?? 0),
  /**
   * A verification training: the seed's decisive probe at this N trained again for
   * VERIFY_FACTOR times its steps beyond its stop, with the plateau stop off. A seed's
   * verification cost is the steps and wallMs of its verification probes (results.seedCost).
   * Added within version 2: absent reads as false.
   */
  verification: z
    .boolean()
    .optional()
    .transform((v) => v ?? false),
  /** Times the budget was doubled because the run was inconclusive at its end. */
  extensions: z.number().int().min(0).max(1000),
  /**
   * Learning rate at the end (lower than the spec's after reductions on plateaus). Added
   * within version 2: files written before it read as unknown (NaN), like a lost loss.
   */
  finalLearningRate: z
    .union([z.number().finite().min(0).max(10), z.nan(), z.null()])
    .optional()
    .transform((v) => v ?? Number.NaN),
});

export const seedResultSchema = z.strictObject({
  seedIndex: count,
  /** The repeat's initialization seed (NaN: not known, from a link that did not carry it). */
  seed: z.union([uint32, z.nan(), z.null()]).transform((v) => v ?? Number.NaN),
  emc: count,
  bracket: z.tuple([count, count.nullable()]),
  censored: z.boolean(),
  /**
   * The decisive probe (the smallest N that did not fit) was still inconclusive at the step
   * cap: a larger budget might fit it, so this EMC is only a lower bound.
   */
  budgetLimited: z.boolean(),
  /**
   * The decisive probe's "does not fit" held when it was trained VERIFY_FACTOR times longer
   * without the plateau stop (search.verify). False when it was not verified: verification
   * off, a censored or budget-limited search, or results of EMC Lab before verification
   * (absent reads as false).
   */
  verified: z
    .boolean()
    .optional()
    .transform((v) => v ?? false),
  /** Verdicts that verification overturned (the search then went on above them). */
  overturned: count.optional().transform((v) => v ?? 0),
  probes: count,
  /**
   * Test accuracy of the model trained at this seed's largest fitting N (null without a test
   * split). Not comparable across widths (a wider model trained on more samples): compare
   * the point's generalization instead.
   */
  testAccuracy: fraction.nullable(),
});

/**
 * Held-out accuracy after training on one N shared by every point of the sweep: the
 * smallest EMC over every point and seed, which every model fits. At each model's own EMC a
 * wider model would be evaluated after training on more samples; at a shared N the
 * generalization gap compares the models alone (finding 4 of the paper).
 */
export const sharedSizeGeneralizationSchema = z.strictObject({
  n: count,
  /** Mean over seeds of the accuracy on the N training samples (1 when all fit). */
  trainAccuracy: fraction,
  /** Mean over seeds of the accuracy on the test split. */
  testAccuracy: fraction,
  /** Every seed's probe fitted all n samples. */
  fits: z.boolean(),
});

/** One sweep model and its measured EMC. */
export const pointResultSchema = z.strictObject({
  index: count,
  width: count,
  model: text(200),
  parameterCount: count,
  /**
   * The random subspace's dimension d, the parameters that trained, when the spec trains in
   * one (model.subspace); absent, every weight trained.
   */
  dimension: count.optional(),
  emcMean: real.min(0),
  /** Sample standard deviation over seeds (0 with one seed). */
  emcStd: real.min(0),
  /** Some seed's EMC is budget-limited: the mean is a lower bound. */
  budgetLimited: z.boolean(),
  /** Every seed's EMC was verified (absent, in results before verification, reads as false). */
  verified: z
    .boolean()
    .optional()
    .transform((v) => v ?? false),
  seeds: z.array(seedResultSchema).max(20),
  /** Pairs of probes where a larger N fitted but a smaller one did not (kept, never dropped). */
  nonMonotone: z
    .array(z.strictObject({ fitted: count, failed: count, seedIndex: count }))
    .max(10_000),
  wallMs: real.min(0),
  /**
   * Generalization at the N shared by the sweep, measured after every point's search; null
   * without a test split, when the smallest EMC is 0, for a stopped run, and in results
   * written before it was measured (absent reads as null).
   */
  generalization: sharedSizeGeneralizationSchema
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});

/** Where a run happened: enough to tell whether two results are comparable. */
export const runEnvironmentSchema = z.strictObject({
  /** The TensorFlow.js backend that trained: webgpu, webgl, wasm or cpu. */
  backend: text(40),
  /**
   * 32 or 16: WebGL may compute in float16, which matters for an exact 100% test. null: not
   * known (results from a link written before links carried it).
   */
  floatPrecision: z.number().int().min(8).max(64).nullable(),
  tfjsVersion: text(40),
  engineVersion: text(40),
  /** "node 20.x (linux)" or the browser's user agent. */
  platform: text(400),
  /** GPU adapter name when WebGPU is used. */
  adapter: text(200).optional(),
});

/** The fields every results version shares; the spec is checked by readSpec, not here. */
export const documentFields = {
  format: z.literal(RESULTS_FORMAT),
  status: z.enum(RUN_STATUSES),
  spec: z.unknown(),
  environment: runEnvironmentSchema,
  dataset: text(400),
  startedAt: text(40),
  finishedAt: text(40).nullable(),
  error: text(2000).optional(),
};

/**
 * The most probes a results document may hold (a file of that many is about 40 MB); one
 * past it is refused before its probes are checked one by one.
 */
export const MAX_RESULTS_PROBES = 100_000;

/** The one results document: written by the CLI, exported and imported by the lab. */
export const resultsDocumentSchema = z.strictObject({
  ...documentFields,
  version: z.literal(RESULTS_VERSION),
  points: z.array(pointResultSchema).max(64),
  probes: z.array(probeRecordSchema).max(MAX_RESULTS_PROBES),
  /**
   * Set on one shard's partial results (emc-lab run --shard I/N): it holds only the
   * (width, seed) jobs of shard `index` of `count`; emc-lab merge joins the shards.
   */
  shard: z
    .strictObject({
      index: z.number().int().min(1).max(10_000),
      count: z.number().int().min(1).max(10_000),
    })
    .optional(),
});

export type StopReason = (typeof STOP_REASONS)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];
export type ProbeRecord = z.output<typeof probeRecordSchema>;
export type SeedResult = z.output<typeof seedResultSchema>;
export type SharedSizeGeneralization = z.output<typeof sharedSizeGeneralizationSchema>;
export type PointResult = z.output<typeof pointResultSchema>;
export type RunEnvironment = z.output<typeof runEnvironmentSchema>;
export type ExperimentResults = Omit<z.output<typeof resultsDocumentSchema>, 'spec'> & {
  spec: ExperimentSpec;
};

/** The one way a results document is put together (engine, live run, shared link). */
export function resultsDocument(
  fields: Omit<ExperimentResults, 'format' | 'version'>,
): ExperimentResults {
  return { format: RESULTS_FORMAT, version: RESULTS_VERSION, ...fields };
}
