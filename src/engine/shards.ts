import { sweepPoints } from './experiment/sweepPoints.ts';
import type { ExperimentSpec } from './experiment/index.ts';
import {
  type ExperimentResults,
  findNonMonotone,
  mean,
  type PointResult,
  type ProbeRecord,
  resultsDocument,
  type SeedResult,
  sampleStd,
} from './results.ts';
import { resultsContradiction } from './resultsConsistency.ts';
import { type ShardId, shardOfJob } from './shardOfJob.ts';

// What a shard is lives apart, so that the consistency checks can use it without this module.
export { type ShardId, shardOfJob };

/** Why this spec cannot be sharded so, or undefined. */
export function shardingProblem(spec: ExperimentSpec, shard: ShardId): string | undefined {
  if (!Number.isInteger(shard.count) || shard.count < 1) {
    return `a sweep is split into a whole number of shards, not ${shard.count}`;
  }
  if (!Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.count) {
    return `shard ${shard.index}/${shard.count} does not exist: shards are numbered 1 to ${shard.count}`;
  }
  if (spec.search.warmStart && sweepPoints(spec).length > 1) {
    return 'this sweep warm-starts each width at the previous width\'s EMC (search.warmStart, true by default), so its widths cannot run apart; set "warmStart": false in its search section to shard it';
  }
  return undefined;
}

export type MergeResult = { ok: true; results: ExperimentResults } | { ok: false; error: string };

/**
 * Joins the partial results of every shard of one sweep into the results one process would
 * have written (generalization aside: it needs every point, see measureGeneralization).
 * Refuses parts of other specs or engine versions, repeated or missing shards, and
 * unfinished ones, naming the files.
 *
 * `unfinished`: the shards of a stopped run (emc-lab run --jobs, interrupted) are joined
 * into what that run stopped as one process would have written: status "cancelled", every
 * finished probe, and the points whose every seed had finished; shards may be missing.
 */
export function mergeShards(
  parts: readonly { name: string; results: ExperimentResults }[],
  { unfinished = false }: { unfinished?: boolean } = {},
): MergeResult {
  const fail = (error: string): MergeResult => ({ ok: false, error });
  if (parts.length === 0) return fail('no parts to merge');
  for (const { name, results } of parts) {
    if (!results.shard)
      return fail(`${name} is not a shard's results (it was not written by run --shard)`);
    if (results.status !== 'complete' && !unfinished) {
      return fail(
        `${name} is unfinished (status ${results.status}): run shard ${results.shard.index}/${results.shard.count} again to finish it`,
      );
    }
  }
  const [first, ...rest] = parts as [(typeof parts)[number], ...typeof parts];
  const count = (first.results.shard as ShardId).count;
  for (const part of rest) {
    const shard = part.results.shard as ShardId;
    if (shard.count !== count) {
      return fail(
        `${first.name} is one of ${count} shards but ${part.name} is one of ${shard.count}`,
      );
    }
    const difference = firstDifference(first.results.spec, part.results.spec);
    if (difference !== undefined) {
      return fail(
        `${first.name} and ${part.name} are shards of different experiments (their specs differ at ${difference})`,
      );
    }
    for (const field of ['engineVersion', 'tfjsVersion'] as const) {
      if (part.results.environment[field] !== first.results.environment[field]) {
        return fail(
          `${first.name} and ${part.name} were written by different versions (${field} ${first.results.environment[field]} and ${part.results.environment[field]}); run every shard with one version`,
        );
      }
    }
  }
  const byIndex = new Map<number, string>();
  for (const { name, results } of parts) {
    const index = (results.shard as ShardId).index;
    const earlier = byIndex.get(index);
    if (earlier) return fail(`shard ${index}/${count} is given twice: ${earlier} and ${name}`);
    byIndex.set(index, name);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0 && !unfinished) {
    return fail(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`,
    );
  }
  // A part read from a file was checked when read; one handed over in memory is checked
  // here: an edited EMC would otherwise move the merged mean.
  for (const { name, results } of parts) {
    const contradiction = resultsContradiction(results);
    if (contradiction) return fail(`${name} contradicts itself: ${contradiction}`);
  }

  const spec = first.results.spec;
  const points: PointResult[] = [];
  const probes: ProbeRecord[] = [];
  const allProbes = parts.flatMap(({ results }) => results.probes);
  for (const [pointIndex] of sweepPoints(spec).entries()) {
    const partials = parts.flatMap(({ results }) =>
      results.points.filter((p) => p.index === pointIndex),
    );
    const point = mergePoint(spec, pointIndex, partials, allProbes);
    if (!point && !unfinished)
      return fail(`the parts do not hold every seed of point ${pointIndex + 1} exactly once`);
    // A point some seed of which had not finished keeps its finished probes, in seed order.
    probes.push(...pointProbes(spec, pointIndex, allProbes));
    if (point) points.push(point);
  }
  const times = parts.map(({ results }) => results);
  const backends = [...new Set(times.map((r) => r.environment.backend))];
  return {
    ok: true,
    results: resultsDocument({
      status: unfinished ? 'cancelled' : 'complete',
      spec,
      environment: { ...first.results.environment, backend: backends.join('+') },
      dataset: first.results.dataset,
      startedAt: times.map((r) => r.startedAt).sort()[0] as string,
      finishedAt: times
        .map((r) => r.finishedAt ?? '')
        .sort()
        .at(-1) as string,
      points,
      probes,
    }),
  };
}

/**
 * One point of a sweep whose seeds were searched apart (shards, or the lab's workers), as
 * one process would have reported it: `partials` are the points each part reported (their
 * seeds only), `probes` every probe the parts finished. Undefined until every seed of the
 * point is there exactly once.
 */
export function mergePoint(
  spec: Pick<ExperimentSpec, 'search'>,
  pointIndex: number,
  partials: readonly PointResult[],
  probes: readonly ProbeRecord[],
): PointResult | undefined {
  const seeds: SeedResult[] = partials
    .filter((p) => p.index === pointIndex)
    .flatMap((p) => p.seeds)
    .sort((a, b) => a.seedIndex - b.seedIndex);
  if (seeds.length !== spec.search.seeds || seeds.some((s, i) => s.seedIndex !== i)) {
    return undefined;
  }
  const model = partials.find((p) => p.index === pointIndex) as PointResult;
  const emcs = seeds.map((s) => s.emc);
  return {
    index: pointIndex,
    width: model.width,
    model: model.model,
    parameterCount: model.parameterCount,
    // A random subspace's d: a point read per trained parameter needs it.
    ...(model.dimension === undefined ? {} : { dimension: model.dimension }),
    emcMean: mean(emcs),
    emcStd: sampleStd(emcs),
    budgetLimited: seeds.some((s) => s.budgetLimited),
    verified: seeds.every((s) => s.verified),
    seeds,
    nonMonotone: findNonMonotone(pointProbes(spec, pointIndex, probes)),
    wallMs: partials.filter((p) => p.index === pointIndex).reduce((sum, p) => sum + p.wallMs, 0),
    generalization: null,
  };
}

/** The probes of one point in the order one process trains them: seed by seed. */
export function pointProbes(
  spec: Pick<ExperimentSpec, 'search'>,
  pointIndex: number,
  probes: readonly ProbeRecord[],
): ProbeRecord[] {
  return Array.from({ length: spec.search.seeds }, (_, seedIndex) =>
    probes.filter((p) => p.pointIndex === pointIndex && p.seedIndex === seedIndex),
  ).flat();
}

/**
 * How many of a sweep's (width, seed) jobs can train at once with `wanted` workers: no more
 * than it has jobs, and one when they are not independent (a warm-started sweep of several
 * widths starts each at the mean EMC over seeds of the width before).
 */
export function parallelJobs(
  spec: Pick<ExperimentSpec, 'search' | 'sweep' | 'model'>,
  wanted: number,
): { count: number; chained: boolean } {
  const chained = spec.search.warmStart && sweepPoints(spec).length > 1;
  if (wanted <= 1 || chained) return { count: 1, chained };
  return { count: Math.min(wanted, sweepPoints(spec).length * spec.search.seeds), chained };
}

/** The dotted path of the first leaf where two JSON values differ (key order aside), or undefined. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return Object.is(a, b) ? undefined : path || '(the whole spec)';
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const key of keys) {
    const found = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      path ? `${path}.${key}` : key,
    );
    if (found) return found;
  }
  return undefined;
}
