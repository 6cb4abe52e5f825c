import { z } from 'zod';
import type { ExperimentResults } from '../engine/results.ts';
import { validateSpec } from '../engine/spec/index.ts';
import { migrateSpec } from '../engine/spec/index.ts';

/**
 * Reads a results document written by the CLI, exported by the lab or saved in IndexedDB:
 * untrusted input, so every field is checked and bounded, and the spec goes through the
 * same migrations and schema as a share link.
 */
const MAX_FILE_CHARS = 50_000_000;
const count = z.number().int().min(0).max(1e9);
const real = z.number().finite();
/** JSON has no NaN (JSON.stringify writes null), IndexedDB keeps it: accept both as NaN. */
const realOrNaN = z
  .union([z.number().finite(), z.nan(), z.null()])
  .transform((v) => v ?? Number.NaN);
const fraction = z.number().min(0).max(1);
const text = (max: number) => z.string().max(max);

const probeSchema = z.strictObject({
  pointIndex: count,
  seedIndex: count,
  n: count,
  fits: z.boolean(),
  stopReason: z.enum(['fit', 'plateau', 'budget', 'diverged']),
  epochs: count,
  steps: count,
  finalLoss: realOrNaN,
  finalAccuracy: fraction,
  testAccuracy: fraction.nullable(),
  wallMs: real.min(0),
  replayed: z.boolean().optional(),
});

const seedSchema = z.strictObject({
  seedIndex: count,
  seed: count,
  emc: count,
  bracket: z.tuple([count, count.nullable()]),
  censored: z.boolean(),
  probes: count,
  testAccuracy: fraction.nullable(),
});

const pointSchema = z.strictObject({
  index: count,
  width: count,
  model: text(200),
  parameterCount: count,
  emcMean: real.min(0),
  emcStd: real.min(0),
  seeds: z.array(seedSchema).max(20),
  nonMonotone: z
    .array(z.strictObject({ fitted: count, failed: count, seedIndex: count }))
    .max(10_000),
  wallMs: real.min(0),
});

const documentSchema = z.strictObject({
  format: z.literal('emc-lab-results'),
  version: z.literal(1),
  status: z.enum(['complete', 'cancelled', 'failed', 'running']),
  spec: z.unknown(),
  environment: z.strictObject({
    backend: text(40),
    floatPrecision: z.number().int().min(8).max(64),
    tfjsVersion: text(40),
    engineVersion: text(40),
    platform: text(400),
    adapter: text(200).optional(),
  }),
  dataset: text(400),
  startedAt: text(40),
  finishedAt: text(40).nullable(),
  points: z.array(pointSchema).max(64),
  probes: z.array(probeSchema).max(100_000),
  error: text(2000).optional(),
});

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
    (json as { format?: unknown }).format !== 'emc-lab-results'
  ) {
    return {
      ok: false,
      error: 'This is not an EMC Lab results file (no "format": "emc-lab-results").',
    };
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'file';
    return {
      ok: false,
      error: `This results file is damaged: ${where}: ${issue?.message ?? 'invalid'}.`,
    };
  }
  const migrated = migrateSpec(parsed.data.spec);
  if (!migrated.ok)
    return { ok: false, error: `This results file cannot be read: ${migrated.error}.` };
  const check = validateSpec(migrated.spec);
  if (!check.ok) {
    return {
      ok: false,
      error: `This results file's experiment is invalid: ${check.errors.slice(0, 3).join('; ')}.`,
    };
  }
  return { ok: true, results: { ...parsed.data, spec: check.spec } as ExperimentResults };
}
