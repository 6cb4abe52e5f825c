import { sweepPoints } from '../engine/experiment/sweepPoints.ts';
import { z } from 'zod';
import {
  type ExperimentResults,
  findNonMonotone,
  isBudgetLimited,
  RUN_STATUSES,
  type StopReason,
  type PointResult,
  type ProbeRecord,
  resultsDocument,
} from '../engine/results.ts';
import type { ExperimentSpec } from '../engine/experiment/index.ts';

/**
 * Results squeezed into a link: positional arrays instead of objects, rounded numbers, and
 * only what the charts and the table show. Validated like everything else read from a link.
 *
 * Links live forever, so tuples only grow at their end, and entries added later are
 * optional: a link written before them still decodes. Stop reasons are indices into
 * STOP_REASONS, which only grows at its end for the same reason.
 */
/** A stop reason's number in a link: its index here (the order links were written in). */
const LINK_STOP_REASONS: readonly StopReason[] = [
  'fit',
  'plateau',
  'budget',
  'diverged',
  'converged',
];
const nonNegative = z.number().finite().min(0).max(1e9);
const accuracy = z.number().min(0).max(1).nullable();
const flag = z.union([z.literal(0), z.literal(1)]);

const seedTuple = z.tuple([
  nonNegative, // emc
  nonNegative, // bracket low
  nonNegative.nullable(), // bracket high (null: censored)
  z.number().int().min(0).max(10_000), // probes
  accuracy, // test accuracy
  flag.optional(), // budget-limited (results version 2)
  z
    .number()
    .int()
    .min(0)
    .max(2 ** 32)
    .optional(), // the repeat's initialization seed
  flag.optional(), // verified (absent: a link from before verification, unverified)
  z.number().int().min(0).max(10_000).optional(), // verdicts overturned by verification
]);
const pointTuple = z.tuple([
  z.number().int().min(1).max(1e6), // width
  z.number().int().min(1).max(1e10), // parameter count
  nonNegative, // emc mean
  nonNegative, // emc std
  z.array(seedTuple).max(20),
  nonNegative, // wall ms
  z.string().max(120), // model description
  // Generalization at the sweep's shared N (null: not measured):
  z
    .tuple([
      z.number().int().min(0).max(1e6), // n
      z.number().min(0).max(1), // train accuracy
      z.number().min(0).max(1), // test accuracy
      flag, // fits
    ])
    .nullable()
    .optional(),
  // Non-monotone pairs: a larger N fitted where a smaller one did not, [fitted, failed, seed].
  z
    .array(
      z.tuple([
        z.number().int().min(0).max(1e6),
        z.number().int().min(0).max(1e6),
        z.number().int().min(0).max(20),
      ]),
    )
    .max(200)
    .optional(),
]);
const probeTuple = z.tuple([
  z.number().int().min(0).max(100), // point
  z.number().int().min(0).max(20), // seed
  z.number().int().min(0).max(1e6), // n
  flag, // fits
  z
    .number()
    .int()
    .min(0)
    .max(LINK_STOP_REASONS.length - 1), // stop reason
  z.number().int().min(0).max(1e6), // epochs
  nonNegative, // wall ms
  z.number().min(0).max(1), // final train accuracy
  // Results version 2:
  flag.optional(), // converged
  z.number().int().min(0).max(1e9).nullable().optional(), // steps (null: unknown)
  z.number().int().min(0).max(1000).optional(), // budget extensions
  flag.optional(), // a verification training
  z.number().int().min(0).max(1_000_000).optional(), // saddle escapes
]);

export const compactResultsSchema = z.strictObject({
  status: z.enum(RUN_STATUSES),
  backend: z.string().max(20),
  floatPrecision: z.number().int().min(8).max(64).nullable().optional(),
  points: z.array(pointTuple).max(32),
  probes: z.array(probeTuple).max(5000).optional(),
});
export type CompactResults = z.infer<typeof compactResultsSchema>;

const round = (value: number, digits = 4) => Number(value.toPrecision(digits));
const bit = (value: boolean) => (value ? 1 : 0);

export function compactResults(results: ExperimentResults, withProbes: boolean): CompactResults {
  return {
    status: results.status,
    backend: results.environment.backend,
    floatPrecision: results.environment.floatPrecision,
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
        bit(s.budgetLimited),
        s.seed,
        bit(s.verified),
        s.overturned,
      ]),
      Math.round(p.wallMs),
      p.model,
      p.generalization && [
        p.generalization.n,
        round(p.generalization.trainAccuracy),
        round(p.generalization.testAccuracy),
        bit(p.generalization.fits),
      ],
      p.nonMonotone.map((pair) => [pair.fitted, pair.failed, pair.seedIndex]),
    ]),
    ...(withProbes
      ? {
          probes: results.probes.map((p) => [
            p.pointIndex,
            p.seedIndex,
            p.n,
            bit(p.fits),
            LINK_STOP_REASONS.indexOf(p.stopReason),
            p.epochs,
            Math.round(p.wallMs),
            round(p.finalAccuracy),
            bit(p.converged),
            Number.isFinite(p.steps) ? p.steps : null,
            p.extensions,
            bit(p.verification),
            p.saddleEscapes,
          ]),
        }
      : {}),
  };
}

/**
 * Rebuilds a results document from its compact form and the link's spec. What a link does
 * not carry is unknown, never made up: no loss or final learning rate (NaN), no gradient or
 * curvature (null), no steps for links written before steps were carried (NaN), no seed for
 * links written before seeds were carried (NaN), no float precision for links written before
 * it was carried (null). Links written before non-monotone pairs
 * were carried get them from their probes, as the engine finds them, when they carry probes.
 */
export function expandResults(compact: CompactResults, spec: ExperimentSpec): ExperimentResults {
  const probes: ProbeRecord[] = (compact.probes ?? []).map(
    ([
      pointIndex,
      seedIndex,
      n,
      fits,
      reason,
      epochs,
      wallMs,
      finalAccuracy,
      converged,
      steps,
      extensions,
      verification,
      saddleEscapes,
    ]) => {
      const stopReason = LINK_STOP_REASONS[reason] ?? 'budget';
      return {
        pointIndex,
        seedIndex,
        n,
        fits: fits === 1,
        stopReason,
        epochs,
        steps: steps ?? Number.NaN,
        finalLoss: Number.NaN,
        finalAccuracy,
        testAccuracy: null,
        wallMs,
        converged: converged === undefined ? stopReason === 'converged' : converged === 1,
        gradNorm: null,
        initialGradNorm: null,
        stallGradNorm: null,
        hessianMin: null,
        hessianMax: null,
        // Not carried: a saddle only matters to the training that already decided.
        saddle: false,
        saddleEscapes: saddleEscapes ?? 0,
        verification: verification === 1,
        extensions: extensions ?? 0,
        finalLearningRate: Number.NaN,
      };
    },
  );
  const points: PointResult[] = compact.points.map(
    (
      [width, parameterCount, emcMean, emcStd, seeds, wallMs, model, generalization, pairs],
      index,
    ) => {
      const pointProbes = probes.filter((p) => p.pointIndex === index);
      const expandedSeeds = seeds.map(
        (
          [emc, lo, hi, probeCount, testAccuracy, budgetLimited, seed, verified, overturned],
          seedIndex,
        ) => {
          const bracket: [number, number | null] = [lo, hi];
          return {
            seedIndex,
            seed: seed ?? Number.NaN,
            emc,
            bracket,
            censored: hi === null,
            budgetLimited:
              budgetLimited === undefined
                ? // A link from before results version 2: judge by its probes, if it has them.
                  isBudgetLimited(
                    bracket,
                    pointProbes.filter((p) => p.seedIndex === seedIndex),
                  )
                : budgetLimited === 1,
            verified: verified === 1,
            overturned: overturned ?? 0,
            probes: probeCount,
            testAccuracy,
          };
        },
      );
      // Not carried: a point's subspace dimension is the spec's (sweepPoints).
      const dimension = sweepPoints(spec)[index]?.dimension;
      return {
        index,
        width,
        model,
        parameterCount,
        ...(dimension === undefined ? {} : { dimension }),
        emcMean,
        emcStd,
        budgetLimited: expandedSeeds.some((s) => s.budgetLimited),
        verified: expandedSeeds.every((s) => s.verified),
        seeds: expandedSeeds,
        nonMonotone: pairs
          ? pairs.map(([fitted, failed, seedIndex]) => ({ fitted, failed, seedIndex }))
          : findNonMonotone(pointProbes),
        wallMs,
        generalization: generalization
          ? {
              n: generalization[0],
              trainAccuracy: generalization[1],
              testAccuracy: generalization[2],
              fits: generalization[3] === 1,
            }
          : null,
      };
    },
  );
  return resultsDocument({
    status: compact.status,
    spec,
    environment: {
      backend: compact.backend,
      floatPrecision: compact.floatPrecision ?? null,
      tfjsVersion: 'unknown',
      engineVersion: 'unknown',
      platform: 'shared link',
    },
    dataset: '',
    startedAt: '',
    finishedAt: null,
    points,
    probes,
  });
}
