import { z } from 'zod';
import type { ExperimentResults, PointResult, ProbeRecord } from '../engine/results.ts';
import type { ExperimentSpec } from '../engine/spec/index.ts';

/**
 * Results squeezed into a link: positional arrays instead of objects, rounded numbers, and
 * only what the charts and the table show. Validated like everything else read from a link.
 */
const STOP_REASONS = ['fit', 'plateau', 'budget', 'diverged'] as const;
const nonNegative = z.number().finite().min(0).max(1e9);
const accuracy = z.number().min(0).max(1).nullable();

const seedTuple = z.tuple([
  nonNegative, // emc
  nonNegative, // bracket low
  nonNegative.nullable(), // bracket high (null: censored)
  z.number().int().min(0).max(10_000), // probes
  accuracy, // test accuracy
]);
const pointTuple = z.tuple([
  z.number().int().min(1).max(1e6), // width
  z.number().int().min(1).max(1e10), // parameter count
  nonNegative, // emc mean
  nonNegative, // emc std
  z.array(seedTuple).max(20),
  nonNegative, // wall ms
  z.string().max(120), // model description
]);
const probeTuple = z.tuple([
  z.number().int().min(0).max(100), // point
  z.number().int().min(0).max(20), // seed
  z.number().int().min(0).max(1e6), // n
  z.union([z.literal(0), z.literal(1)]), // fits
  z
    .number()
    .int()
    .min(0)
    .max(STOP_REASONS.length - 1), // stop reason
  z.number().int().min(0).max(1e6), // epochs
  nonNegative, // wall ms
  z.number().min(0).max(1), // final train accuracy
]);

export const compactResultsSchema = z.strictObject({
  status: z.enum(['complete', 'cancelled', 'failed', 'running']),
  backend: z.string().max(20),
  points: z.array(pointTuple).max(32),
  probes: z.array(probeTuple).max(5000).optional(),
});
export type CompactResults = z.infer<typeof compactResultsSchema>;

const round = (value: number, digits = 4) => Number(value.toPrecision(digits));

export function compactResults(results: ExperimentResults, withProbes: boolean): CompactResults {
  return {
    status: results.status,
    backend: results.environment.backend,
    points: results.points.map((p) => [
      p.width,
      p.parameterCount,
      round(p.emcMean),
      round(p.emcStd),
      p.seeds.map((s) => [
        s.emc,
        s.bracket[0],
        s.bracket[1],
        s.probes,
        s.testAccuracy === null ? null : round(s.testAccuracy),
      ]),
      Math.round(p.wallMs),
      p.model,
    ]),
    ...(withProbes
      ? {
          probes: results.probes.map((p) => [
            p.pointIndex,
            p.seedIndex,
            p.n,
            p.fits ? 1 : 0,
            STOP_REASONS.indexOf(p.stopReason),
            p.epochs,
            Math.round(p.wallMs),
            round(p.finalAccuracy),
          ]),
        }
      : {}),
  };
}

/** Rebuilds a results document from its compact form and the link's spec. */
export function expandResults(compact: CompactResults, spec: ExperimentSpec): ExperimentResults {
  const points: PointResult[] = compact.points.map(
    ([width, parameterCount, emcMean, emcStd, seeds, wallMs, model], index) => ({
      index,
      width,
      model,
      parameterCount,
      emcMean,
      emcStd,
      seeds: seeds.map(([emc, lo, hi, probes, testAccuracy], seedIndex) => ({
        seedIndex,
        seed: 0,
        emc,
        bracket: [lo, hi],
        censored: hi === null,
        probes,
        testAccuracy,
      })),
      nonMonotone: [],
      wallMs,
    }),
  );
  const probes: ProbeRecord[] = (compact.probes ?? []).map(
    ([pointIndex, seedIndex, n, fits, reason, epochs, wallMs, finalAccuracy]) => ({
      pointIndex,
      seedIndex,
      n,
      fits: fits === 1,
      stopReason: STOP_REASONS[reason] ?? 'budget',
      epochs,
      steps: 0,
      finalLoss: Number.NaN,
      finalAccuracy,
      testAccuracy: null,
      wallMs,
    }),
  );
  return {
    format: 'emc-lab-results',
    version: 1,
    status: compact.status,
    spec,
    environment: {
      backend: compact.backend,
      floatPrecision: 32,
      tfjsVersion: 'unknown',
      engineVersion: 'unknown',
      platform: 'shared link',
    },
    dataset: '',
    startedAt: '',
    finishedAt: null,
    points,
    probes,
  };
}
