import { sweepPoints } from './experiment/sweepPoints.ts';
import type { ExperimentSpec } from './experiment/index.ts';
import {
  type ExperimentResults,
  isBudgetLimited,
  mean,
  type PointResult,
  type ProbeRecord,
  sampleStd,
  type SeedResult,
} from './results.ts';
import { MAX_RESULTS_PROBES } from './resultsSchema.ts';
import { shardOfJob } from './shardOfJob.ts';

/**
 * What a results document (a file, a link's results, a shard's part) must agree with: its
 * spec and its own probes. The schema bounds each field alone; these rules hold between
 * fields for every document runExperiment, a stopped run or mergeShards writes, so a
 * document that breaks one was edited or damaged, and its numbers would mislead (EMC 1e9
 * on a pool of 400, a bracket [500, 3], a shard whose EMC was edited to 9,999).
 */

/**
 * The most probes one pass of the search can train for one seed: each round probes at
 * most `parallel` N; the gallop takes at most ⌈log2 pool⌉ + 1 rounds past the first (N
 * doubles or halves each round within [1, pool]), and bisection at most ⌈log2 pool⌉ (each
 * round at least halves a bracket no wider than the pool); 2 rounds of slack. A verdict
 * overturned by verification runs the search again above it (search.verify), so a seed
 * with o overturned verdicts trains at most (o + 1) times this many search probes, plus
 * o + 1 verification probes.
 */
export function maxSearchProbesPerPass(spec: ExperimentSpec): number {
  const rounds = 2 * Math.ceil(Math.log2(Math.max(2, spec.data.poolSize))) + 4;
  return spec.search.parallel * rounds;
}

/**
 * Why `count` probes are more than a results document can hold, or undefined: more than
 * any file holds, or more than `spec` (when known) can train. Every (width, seed) job asks
 * each N of the pool at most once in its search and verifies each at most once (the rule
 * `probesProblem` enforces). Cheap: checked before the probes are read one by one.
 */
export function probeCountLimit(count: number, spec?: ExperimentSpec): string | undefined {
  const number = (value: number) => value.toLocaleString('en-US');
  const holds = `holds ${number(count)} probes`;
  if (count > MAX_RESULTS_PROBES) {
    return `${holds}, more than any EMC Lab results file (at most ${number(MAX_RESULTS_PROBES)})`;
  }
  if (!spec) return undefined;
  const widths = spec.sweep.widths.length;
  const pool = spec.data.poolSize;
  const most = widths * spec.search.seeds * 2 * pool;
  if (count <= most) return undefined;
  return `${holds}, more than its experiment can train (at most ${number(most)}: ${plural(widths, 'width')} × ${plural(spec.search.seeds, 'seed')}, each N of a pool of ${number(pool)} searched and verified once)`;
}

/**
 * The first contradiction in `results`, naming its field ("points[0].seeds[1].emc: …"), or
 * undefined. `probesCarried`: false for a link that carries the points but not the probes,
 * so nothing is judged against probes.
 */
export function resultsContradiction(
  results: ExperimentResults,
  probesCarried = true,
): string | undefined {
  return probesProblem(results) ?? pointsProblem(results, probesCarried);
}

type Job = { seedIndex: number; search: ProbeRecord[]; verification: ProbeRecord[] };

function probesProblem(results: ExperimentResults): string | undefined {
  const { spec, shard } = results;
  const widths = sweepPoints(spec).length;
  const pool = spec.data.poolSize;
  const seen = new Set<string>();
  for (const [i, probe] of results.probes.entries()) {
    const at = `probes[${i}]`;
    if (probe.pointIndex >= widths) {
      return `${at}.pointIndex: ${probe.pointIndex} is not a point of the sweep (it has ${plural(widths, 'point')})`;
    }
    if (probe.seedIndex >= spec.search.seeds) {
      return `${at}.seedIndex: ${probe.seedIndex} is not a seed of the search (it has ${plural(spec.search.seeds, 'seed')})`;
    }
    if (probe.n < 1 || probe.n > pool) {
      return `${at}.n: ${probe.n} is outside the pool of ${pool} samples`;
    }
    if (probe.fits !== (probe.stopReason === 'fit')) {
      return `${at}.fits: ${probe.fits}, but it stopped on "${probe.stopReason}"`;
    }
    if (shard && shardOfJob(spec, probe.pointIndex, probe.seedIndex, shard.count) !== shard.index) {
      return `${at}: point ${probe.pointIndex + 1}, seed ${probe.seedIndex + 1} is not a job of shard ${shard.index}/${shard.count}`;
    }
    const key = `${probe.pointIndex}/${probe.seedIndex}/${probe.n}/${probe.verification}`;
    if (seen.has(key)) {
      return `${at}: a second ${probe.verification ? 'verification' : 'probe'} of point ${probe.pointIndex + 1}, seed ${probe.seedIndex + 1} at N = ${probe.n} (the search asks each N once)`;
    }
    seen.add(key);
  }
  return undefined;
}

function pointsProblem(results: ExperimentResults, probesCarried: boolean): string | undefined {
  const { spec, shard } = results;
  const sweep = sweepPoints(spec);
  const jobs = new Map<string, Job>();
  for (const probe of results.probes) {
    const key = `${probe.pointIndex}/${probe.seedIndex}`;
    const job = jobs.get(key) ?? { seedIndex: probe.seedIndex, search: [], verification: [] };
    (probe.verification ? job.verification : job.search).push(probe);
    jobs.set(key, job);
  }
  let previous = -1;
  for (const [i, point] of results.points.entries()) {
    const at = `points[${i}]`;
    const planned = sweep[point.index];
    if (point.index <= previous || !planned) {
      return `${at}.index: ${point.index} is not the next point of a sweep of ${plural(sweep.length, 'point')}`;
    }
    previous = point.index;
    if (point.width !== planned.width) {
      return `${at}.width: ${point.width}, but the spec's point ${point.index + 1} has width ${planned.width}`;
    }
    if (point.dimension !== planned.dimension) {
      return `${at}.dimension: ${point.dimension ?? 'absent'}, but the spec's point ${point.index + 1} trains ${planned.dimension === undefined ? 'every weight' : `a ${planned.dimension}-dimensional subspace`}`;
    }
    const listProblem = seedListProblem(results, point, at);
    if (listProblem) return listProblem;
    for (const [j, seed] of point.seeds.entries()) {
      const job = jobs.get(`${point.index}/${seed.seedIndex}`) ?? {
        seedIndex: seed.seedIndex,
        search: [],
        verification: [],
      };
      jobs.delete(`${point.index}/${seed.seedIndex}`);
      const seedProblem =
        seedAlone(spec, seed) ?? (probesCarried ? seedAgainstProbes(spec, seed, job) : undefined);
      if (seedProblem) return `${at}.seeds[${j}].${seedProblem}`;
    }
    const summaryProblem = pointSummaryProblem(point, at);
    if (summaryProblem) return summaryProblem;
  }
  if (results.status === 'complete' && !shard && results.points.length !== sweep.length) {
    return `points: ${results.points.length} measured in a complete run of ${plural(sweep.length, 'point')}`;
  }
  // Probes of a search that has no seed result yet: the run stopped in the middle of it.
  for (const job of jobs.values()) {
    const probe = (job.search[0] ?? job.verification[0]) as ProbeRecord;
    const where = `point ${probe.pointIndex + 1}, seed ${probe.seedIndex + 1}`;
    if (results.status === 'complete') {
      return `probes: the probes of ${where} belong to no seed's result in a complete run`;
    }
    const overturned = job.verification.filter((p) => p.fits).length;
    const problem = probeCountProblem(spec, job, overturned);
    if (problem) return `probes: ${where} has ${problem}`;
  }
  return undefined;
}

/** The point's seeds are the search's (or the shard's), in order. */
function seedListProblem(
  results: ExperimentResults,
  point: PointResult,
  at: string,
): string | undefined {
  const { spec, shard } = results;
  const expected = Array.from({ length: spec.search.seeds }, (_, s) => s).filter(
    (s) => !shard || shardOfJob(spec, point.index, s, shard.count) === shard.index,
  );
  const indices = point.seeds.map((s) => s.seedIndex);
  if (indices.join() !== expected.join()) {
    return `${at}.seeds: seeds ${indices.map((s) => s + 1).join(', ') || 'none'}, but ${shard ? `shard ${shard.index}/${shard.count} runs` : 'the search runs'} seeds ${expected.map((s) => s + 1).join(', ')} of this point`;
  }
  return undefined;
}

/** The point's mean, deviation and flags, derived again from its seeds. */
function pointSummaryProblem(point: PointResult, at: string): string | undefined {
  const emcs = point.seeds.map((s) => s.emc);
  // Links round the mean and deviation to 4 significant digits.
  const near = (value: number, derived: number) =>
    Math.abs(value - derived) <= 1e-3 * Math.max(1, Math.abs(derived));
  if (!near(point.emcMean, mean(emcs))) {
    return `${at}.emcMean: ${point.emcMean}, but its seeds' EMCs average ${mean(emcs)}`;
  }
  if (!near(point.emcStd, sampleStd(emcs))) {
    return `${at}.emcStd: ${point.emcStd}, but its seeds' EMCs deviate by ${sampleStd(emcs)}`;
  }
  const budgetLimited = point.seeds.some((s) => s.budgetLimited);
  if (point.budgetLimited !== budgetLimited) {
    return `${at}.budgetLimited: ${point.budgetLimited}, but ${budgetLimited ? 'a seed is' : 'no seed is'} budget-limited`;
  }
  const verified = point.seeds.every((s) => s.verified);
  if (point.verified !== verified) {
    return `${at}.verified: ${point.verified}, but ${verified ? 'every seed is' : 'not every seed is'} verified`;
  }
  return undefined;
}

/** What a seed's own numbers and the spec decide (no probes needed). */
function seedAlone(spec: ExperimentSpec, seed: SeedResult): string | undefined {
  const pool = spec.data.poolSize;
  const [lo, hi] = seed.bracket;
  if (seed.emc > pool) return `emc: ${seed.emc} exceeds the pool size ${pool}`;
  if (lo !== seed.emc) {
    return `bracket: its low end ${lo} is not the EMC ${seed.emc} (the largest N that fitted)`;
  }
  if (seed.censored !== (hi === null)) {
    return `censored: ${seed.censored}, but the bracket ${hi === null ? 'has no' : 'has a'} high end`;
  }
  if (hi === null) {
    return seed.emc === pool
      ? undefined
      : `bracket: no N failed, yet the EMC ${seed.emc} is not the pool size ${pool}`;
  }
  if (hi < 1 || hi > pool) return `bracket: its high end ${hi} is outside the pool of ${pool}`;
  // One probe a round never leaves a fit above a failure; several may (non-monotone fits).
  if (spec.search.parallel === 1 ? lo >= hi : lo === hi) {
    return `bracket: [${lo}, ${hi}] does not close on a fit below a failure`;
  }
  const tolerance = Math.max(1, Math.floor(spec.search.precision * lo));
  if (hi - lo > tolerance) {
    return `bracket: [${lo}, ${hi}] is wider than the search's precision allows (${tolerance})`;
  }
  if (seed.verified && !spec.search.verify) {
    return 'verified: true, but the search does not verify (search.verify is false)';
  }
  return undefined;
}

/** What a seed's probes decide: the seed's numbers are derived from them again and compared. */
function seedAgainstProbes(spec: ExperimentSpec, seed: SeedResult, job: Job): string | undefined {
  const [lo, hi] = seed.bracket;
  const all = [...job.search, ...job.verification];
  if (seed.probes !== all.length) {
    return `probes: ${seed.probes}, but the results hold ${all.length} probes of this seed`;
  }
  const overturnedAt = new Set(job.verification.filter((p) => p.fits).map((p) => p.n));
  if (seed.overturned !== overturnedAt.size) {
    return `overturned: ${seed.overturned}, but ${overturnedAt.size} of its verification probes fitted`;
  }
  const fitted = (n: number) => overturnedAt.has(n) || job.search.some((p) => p.n === n && p.fits);
  if (lo > 0 && !fitted(lo)) return `bracket: no probe of this seed fitted its low end ${lo}`;
  const decisive = hi === null ? undefined : job.search.find((p) => p.n === hi && !p.fits);
  if (hi !== null && (!decisive || overturnedAt.has(hi))) {
    return `bracket: no probe of this seed failed at its high end ${hi}`;
  }
  const budgetLimited = isBudgetLimited(seed.bracket, all);
  if (seed.budgetLimited !== budgetLimited) {
    return `budgetLimited: ${seed.budgetLimited}, but its probes show ${budgetLimited}`;
  }
  if (seed.verified && decisive) {
    const held = job.verification.some((p) => p.n === decisive.n && !p.fits);
    if (decisive.stopReason === 'budget' || (decisive.stopReason === 'converged' && !held)) {
      return `verified: true, but no verification of its failure at ${decisive.n} held`;
    }
  }
  const countProblem = probeCountProblem(spec, job, seed.overturned);
  return countProblem && `probes: ${countProblem}`;
}

function probeCountProblem(spec: ExperimentSpec, job: Job, overturned: number): string | undefined {
  const passes = overturned + 1;
  const most = passes * maxSearchProbesPerPass(spec);
  if (job.search.length > most) {
    return `${job.search.length} search probes, more than ${most}, the most a search of a pool of ${spec.data.poolSize} can train${overturned > 0 ? ` in ${passes} passes` : ''}`;
  }
  if (job.verification.length > passes) {
    return `${job.verification.length} verification probes for ${plural(overturned, 'overturned verdict')}`;
  }
  return undefined;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
