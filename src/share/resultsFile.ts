import { z } from 'zod';
import {
  type ExperimentResults,
  isBudgetLimited,
  type PointResult,
  type ProbeRecord,
  RESULTS_FORMAT,
  RESULTS_VERSION,
  RUN_STATUSES,
  STOP_REASONS,
} from '../engine/results.ts';
import { type ExperimentSpec, readSpec } from '../engine/experiment/index.ts';

/**
 * Reads a results document written by the CLI, exported by the lab or saved in IndexedDB:
 * untrusted input, so every field is checked and bounded, and the spec goes through the
 * same migrations and schema as a share link. Documents of every results version are
 * read; what comes out is always the current version.
 */
const MAX_FILE_CHARS = 50_000_000;
const count = z.number().int().min(0).max(1e9);
const real = z.number().finite();
/** JSON has no NaN (JSON.stringify writes null), IndexedDB keeps it: accept both as NaN. */
const realOrNaN = z
  .union([z.number().finite(), z.nan(), z.null()])
  .transform((v) => v ?? Number.NaN);
/** A measurement that may be missing: null in JSON; a NaN kept by IndexedDB reads as null. */
const measured = (value: z.ZodNumber) =>
  z.union([value, z.nan(), z.null()]).transform((v) => (v === null || Number.isNaN(v) ? null : v));
const fraction = z.number().min(0).max(1);
/** Per-seed seeds are derived 32-bit hashes (see engine/random.ts), above count's bound. */
const uint32 = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);
const text = (max: number) => z.string().max(max);

const probeV1Schema = z.strictObject({
  pointIndex: count,
  seedIndex: count,
  n: count,
  fits: z.boolean(),
  // Version 1 had no "converged": its failures stopped on a plateau.
  stopReason: z.enum(STOP_REASONS.filter((reason) => reason !== 'converged')),
  epochs: count,
  steps: count,
  finalLoss: realOrNaN,
  finalAccuracy: fraction,
  testAccuracy: fraction.nullable(),
  wallMs: real.min(0),
  replayed: z.boolean().optional(),
});

const probeV2Schema = probeV1Schema.extend({
  // "plateau" stays valid: a version-1 file opened and saved again keeps its old probes.
  stopReason: z.enum(STOP_REASONS),
  converged: z.boolean(),
  gradNorm: measured(real.min(0)),
  initialGradNorm: measured(real.min(0)),
  // Added within version 2, like finalLearningRate: absent reads as not measured.
  stallGradNorm: measured(real.min(0))
    .optional()
    .transform((v) => v ?? null),
  hessianMin: measured(real),
  hessianMax: measured(real),
  saddle: z.boolean(),
  extensions: z.number().int().min(0).max(1000),
  // Added within version 2: files written before it read as unknown (NaN), like a lost loss.
  finalLearningRate: z
    .union([z.number().finite().min(0).max(10), z.nan(), z.null()])
    .optional()
    .transform((v) => v ?? Number.NaN),
});

const seedV1Schema = z.strictObject({
  seedIndex: count,
  seed: uint32,
  emc: count,
  bracket: z.tuple([count, count.nullable()]),
  censored: z.boolean(),
  probes: count,
  testAccuracy: fraction.nullable(),
});
const seedV2Schema = seedV1Schema.extend({ budgetLimited: z.boolean() });

const pointFields = {
  index: count,
  width: count,
  model: text(200),
  parameterCount: count,
  emcMean: real.min(0),
  emcStd: real.min(0),
  nonMonotone: z
    .array(z.strictObject({ fitted: count, failed: count, seedIndex: count }))
    .max(10_000),
  wallMs: real.min(0),
};
const pointV1Schema = z.strictObject({ ...pointFields, seeds: z.array(seedV1Schema).max(20) });
const pointV2Schema = z.strictObject({
  ...pointFields,
  seeds: z.array(seedV2Schema).max(20),
  budgetLimited: z.boolean(),
  // Added within version 2: files written before it read as not measured.
  generalization: z
    .strictObject({ n: count, trainAccuracy: fraction, testAccuracy: fraction, fits: z.boolean() })
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});

const documentFields = {
  format: z.literal(RESULTS_FORMAT),
  status: z.enum(RUN_STATUSES),
  spec: z.unknown(),
  environment: z.strictObject({
    backend: text(40),
    floatPrecision: z.number().int().min(8).max(64).nullable(),
    tfjsVersion: text(40),
    engineVersion: text(40),
    platform: text(400),
    adapter: text(200).optional(),
  }),
  dataset: text(400),
  startedAt: text(40),
  finishedAt: text(40).nullable(),
  error: text(2000).optional(),
};
const documentV1Schema = z.strictObject({
  ...documentFields,
  version: z.literal(1),
  points: z.array(pointV1Schema).max(64),
  probes: z.array(probeV1Schema).max(100_000),
});
const documentV2Schema = z.strictObject({
  ...documentFields,
  version: z.literal(2),
  points: z.array(pointV2Schema).max(64),
  probes: z.array(probeV2Schema).max(100_000),
});
type DocumentV1 = z.output<typeof documentV1Schema>;
type DocumentV2 = z.output<typeof documentV2Schema>;

export type ParsedResults = { ok: true; results: ExperimentResults } | { ok: false; error: string };

export function parseResultsFile(contents: string): ParsedResults {
  if (contents.length > MAX_FILE_CHARS) {
    return { ok: false, error: 'This file is larger than any EMC Lab results file (50 MB).' };
  }
  let json: unknown;
  try {
    json = JSON.parse(contents);
  } catch {
    return { ok: false, error: 'This file is not JSON, so it cannot be EMC Lab results.' };
  }
  return parseResultsDocument(json);
}

export function parseResultsDocument(json: unknown): ParsedResults {
  if (
    typeof json !== 'object' ||
    json === null ||
    (json as { format?: unknown }).format !== RESULTS_FORMAT
  ) {
    return {
      ok: false,
      error: 'This is not an EMC Lab results file (no "format": "emc-lab-results").',
    };
  }
  const version = (json as { version?: unknown }).version;
  if (typeof version === 'number' && Number.isInteger(version) && version > RESULTS_VERSION) {
    return {
      ok: false,
      error: `These results were written by a newer EMC Lab (results version ${version}; this one reads up to ${RESULTS_VERSION}). Update EMC Lab to open them.`,
    };
  }
  const parsed =
    version === 1 ? documentV1Schema.safeParse(json) : documentV2Schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'file';
    return {
      ok: false,
      error: `This results file is damaged: ${where}: ${issue?.message ?? 'invalid'}.`,
    };
  }
  const check = readSpec(parsed.data.spec);
  if (!check.ok && check.unreadable) {
    return { ok: false, error: `This results file cannot be read: ${check.errors[0]}.` };
  }
  if (!check.ok) {
    return {
      ok: false,
      error: `This results file's experiment is invalid: ${check.errors.slice(0, 3).join('; ')}.`,
    };
  }
  const spec = check.spec;
  const document = parsed.data.version === 1 ? migrateResultsV1(parsed.data, spec) : parsed.data;
  return { ok: true, results: { ...document, spec } };
}

/**
 * Version 1 predates the convergence check: its probes stopped on a loss plateau
 * ("plateau") or on the epoch budget ("budget") without measuring the gradient or the
 * Hessian. Those measurements were never taken, so they read as unknown (null), never as
 * made-up values, and no probe counts as converged; no budget was extended, and the
 * learning rate stayed the spec's. A seed whose decisive probe ran out of budget is
 * budget-limited, exactly as in version 2. Generalization at a shared N was not measured.
 */
function migrateResultsV1(document: DocumentV1, spec: ExperimentSpec): DocumentV2 {
  const probes: ProbeRecord[] = document.probes.map((probe) => ({
    ...probe,
    converged: false,
    gradNorm: null,
    initialGradNorm: null,
    stallGradNorm: null,
    hessianMin: null,
    hessianMax: null,
    saddle: false,
    extensions: 0,
    // Version 1 trained at the spec's learning rate throughout.
    finalLearningRate: spec.train.learningRate,
  }));
  const points: PointResult[] = document.points.map((point) => {
    const seeds = point.seeds.map((seed) => ({
      ...seed,
      budgetLimited: isBudgetLimited(
        seed.bracket,
        probes.filter((p) => p.pointIndex === point.index && p.seedIndex === seed.seedIndex),
      ),
    }));
    return {
      ...point,
      seeds,
      budgetLimited: seeds.some((s) => s.budgetLimited),
      generalization: null,
    };
  });
  return { ...document, version: RESULTS_VERSION, points, probes };
}
