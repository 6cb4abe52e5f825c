import { z } from 'zod';
import {
  type ExperimentResults,
  isBudgetLimited,
  type PointResult,
  type ProbeRecord,
  RESULTS_FORMAT,
  RESULTS_VERSION,
  STOP_REASONS,
} from '../engine/results.ts';
import {
  documentFields,
  pointResultSchema,
  probeRecordSchema,
  resultsDocumentSchema,
  seedResultSchema,
} from '../engine/resultsSchema.ts';
import { type ExperimentSpec, readSpec } from '../engine/experiment/index.ts';
import { probeCountLimit, resultsContradiction } from '../engine/resultsConsistency.ts';

/**
 * Reads a results document written by the CLI, exported by the lab or saved in IndexedDB:
 * untrusted input, so every field is checked and bounded, and the spec goes through the
 * same migrations and schema as a share link. Documents of every results version are
 * read; what comes out is always the current version.
 */
/** The largest results file read (bytes; a file of MAX_RESULTS_PROBES probes is ~40 MB). */
export const MAX_RESULTS_FILE_BYTES = 50_000_000;

// Version 2 is the engine's own schema. Version 1 had fewer fields: its probes stopped on a
// plateau where version 2 says "converged", and it knew no budgets, gradients or curvature.
const probeV1Schema = probeRecordSchema
  .pick({
    pointIndex: true,
    seedIndex: true,
    n: true,
    fits: true,
    epochs: true,
    steps: true,
    finalLoss: true,
    finalAccuracy: true,
    testAccuracy: true,
    wallMs: true,
    replayed: true,
  })
  .extend({ stopReason: z.enum(STOP_REASONS.filter((reason) => reason !== 'converged')) });
const seedV1Schema = seedResultSchema.omit({ budgetLimited: true });
const pointV1Schema = pointResultSchema
  .omit({ budgetLimited: true, generalization: true })
  .extend({ seeds: z.array(seedV1Schema).max(20) });
const documentV1Schema = z.strictObject({
  ...documentFields,
  version: z.literal(1),
  points: z.array(pointV1Schema).max(64),
  probes: z.array(probeV1Schema).max(100_000),
});
const documentV2Schema = resultsDocumentSchema;
type DocumentV1 = z.output<typeof documentV1Schema>;
type DocumentV2 = z.output<typeof documentV2Schema>;

export type ParsedResults =
  | {
      ok: true;
      results: ExperimentResults;
      /** What migrating the file's older spec reinterpreted (to tell the person). */
      migrationNotes?: string[];
    }
  | { ok: false; error: string };

/**
 * Why a file of `bytes` is not read as results, or undefined: checked on its size (stat,
 * File.size) before any of it is read.
 */
export function resultsFileSizeProblem(bytes: number): string | undefined {
  return fileSizeProblem(bytes, MAX_RESULTS_FILE_BYTES, 'results file');
}

/** Why a file of `bytes` is too large to be read as `what` (at most `limit` bytes), or undefined. */
export function fileSizeProblem(bytes: number, limit: number, what: string): string | undefined {
  if (bytes <= limit) return undefined;
  const size = (value: number) =>
    value >= 1e9 ? `${Math.floor(value / 1e8) / 10} GB` : `${Math.floor(value / 1e5) / 10} MB`;
  return `This file is ${size(bytes)}, larger than any EMC Lab ${what} (at most ${size(limit)}); it was not read.`;
}

export function parseResultsFile(contents: string): ParsedResults {
  // A string's length counts UTF-16 units: at most its UTF-8 bytes.
  const tooLarge = resultsFileSizeProblem(contents.length);
  if (tooLarge) return { ok: false, error: tooLarge };
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
  // The probes are counted before they are checked one by one: against every results file,
  // and against what the file's own experiment can train.
  const check = readSpec((json as { spec?: unknown }).spec);
  const probes = (json as { probes?: unknown }).probes;
  const tooMany =
    Array.isArray(probes) && probeCountLimit(probes.length, check.ok ? check.spec : undefined);
  if (tooMany) return { ok: false, error: `This results file ${tooMany}.` };
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
  const results = { ...document, spec };
  // Each field is in bounds; together they must also agree with the spec and the probes.
  const contradiction = resultsContradiction(results);
  if (contradiction) {
    return { ok: false, error: `This results file contradicts itself: ${contradiction}.` };
  }
  return {
    ok: true,
    results,
    ...(check.migrationNotes ? { migrationNotes: check.migrationNotes } : {}),
  };
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
    saddleEscapes: 0,
    verification: false,
    extensions: 0,
    // Version 1 trained at the spec's learning rate throughout.
    finalLearningRate: spec.train.learningRate,
  }));
  const points: PointResult[] = document.points.map((point) => {
    // Version 1 verified nothing.
    const seeds = point.seeds.map((seed) => ({
      ...seed,
      verified: false,
      overturned: 0,
      budgetLimited: isBudgetLimited(
        seed.bracket,
        probes.filter((p) => p.pointIndex === point.index && p.seedIndex === seed.seedIndex),
      ),
    }));
    return {
      ...point,
      seeds,
      budgetLimited: seeds.some((s) => s.budgetLimited),
      verified: false,
      generalization: null,
    };
  });
  return { ...document, version: RESULTS_VERSION, points, probes };
}
