import { describe, expect, it } from 'vitest';
import type { ExperimentResults, PointResult, SeedResult } from './results.ts';
import { measureGeneralization, runExperiment } from './run.ts';
import { mergeShards, shardingProblem, shardOfJob } from './shards.ts';
import { specFixture } from './testFixtures.ts';

/** Three MLP widths × two seeds on random labels, with a test split: six independent jobs. */
const sweep = (overrides: { search?: object } = {}) =>
  specFixture({
    data: { inputShape: [6], classes: 2, labels: 'random', poolSize: 60, testSize: 20 },
    model: { family: 'mlp', depth: 1 },
    sweep: { widths: [1, 2, 4] },
    train: { maxSteps: 400, patience: 15 },
    search: { precision: 0.2, seeds: 2, warmStart: false, ...overrides.search },
  });

/** What two runs must share: everything but the clock. */
function science(results: ExperimentResults) {
  return {
    points: results.points.map(({ wallMs: _, ...point }) => point),
    probes: results.probes.map(({ wallMs: _, ...probe }) => probe),
  };
}

async function shards(count: number) {
  const spec = sweep();
  return Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      name: `part-${i + 1}.json`,
      results: await runExperiment(spec, { shard: { index: i + 1, count } }),
    })),
  );
}

describe('sharded sweeps', () => {
  it('deals the (width, seed) jobs round robin', () => {
    const spec = sweep();
    const jobs = [0, 1, 2].flatMap((p) => [0, 1].map((s) => shardOfJob(spec, p, s, 4)));
    expect(jobs).toEqual([1, 2, 3, 4, 1, 2]);
  });

  it('refuses shards that do not exist, and a warm-started sweep', () => {
    expect(shardingProblem(sweep(), { index: 0, count: 3 })).toMatch(/shards are numbered 1 to 3/);
    expect(shardingProblem(sweep(), { index: 4, count: 3 })).toMatch(/shard 4\/3 does not exist/);
    expect(shardingProblem(sweep({ search: { warmStart: true } }), { index: 1, count: 3 })).toMatch(
      /set "warmStart": false/,
    );
    expect(shardingProblem(sweep(), { index: 2, count: 3 })).toBeUndefined();
  });

  it('three shards merged equal one run, probes and generalization included (cpu)', async () => {
    const single = await runExperiment(sweep());
    const parts = await shards(3);
    for (const part of parts) {
      expect(part.results.points.every((p) => p.generalization === null)).toBe(true);
      expect(part.results.shard?.count).toBe(3);
    }
    // Given in any order.
    const merged = mergeShards([parts[2], parts[0], parts[1]] as typeof parts);
    if (!merged.ok) throw new Error(merged.error);
    expect(merged.results.shard).toBeUndefined();
    const complete = await measureGeneralization(merged.results);
    expect(science(complete)).toEqual(science(single));
    expect(single.points[0]?.generalization).not.toBeNull();
  });

  it('two shards of a random-subspace sweep merged equal one run, each point keeping its d', async () => {
    const spec = specFixture({
      data: { inputShape: [6], classes: 2, labels: 'random', poolSize: 40, testSize: 0 },
      model: { family: 'mlp', depth: 1, subspace: { dimension: 2, projection: 'sparse' } },
      sweep: { widths: [4], dimensions: [2, 6] },
      train: { maxSteps: 300, patience: 15 },
      search: { precision: 0.25, seeds: 2, warmStart: false },
    });
    const single = await runExperiment(spec);
    const parts = await Promise.all(
      [1, 2].map(async (index) => ({
        name: `part-${index}.json`,
        results: await runExperiment(spec, { shard: { index, count: 2 } }),
      })),
    );
    const merged = mergeShards(parts);
    if (!merged.ok) throw new Error(merged.error);
    expect(merged.results.points.map((p) => p.dimension)).toEqual([2, 6]);
    expect(science(merged.results)).toEqual(science(single));
  });

  it('refuses parts that do not make one sweep, naming them', async () => {
    const parts = await shards(2);
    const [one, two] = parts as [(typeof parts)[0], (typeof parts)[0]];
    const error = (list: typeof parts) => {
      const merged = mergeShards(list);
      return merged.ok ? 'merged' : merged.error;
    };
    expect(error([one])).toBe('shard 2/2 is missing');
    expect(error([one, { ...two, name: 'copy.json', results: one.results }])).toBe(
      'shard 1/2 is given twice: part-1.json and copy.json',
    );
    const otherSpec = { ...two.results, spec: { ...two.results.spec, seed: 9 } };
    expect(error([one, { ...two, results: otherSpec }])).toBe(
      'part-1.json and part-2.json are shards of different experiments (their specs differ at seed)',
    );
    const otherVersion = {
      ...two.results,
      environment: { ...two.results.environment, engineVersion: '0.0.1' },
    };
    expect(error([one, { ...two, results: otherVersion }])).toMatch(
      /were written by different versions \(engineVersion .* and 0\.0\.1\)/,
    );
    const unfinished = { ...two.results, status: 'cancelled' as const };
    expect(error([one, { ...two, results: unfinished }])).toBe(
      'part-2.json is unfinished (status cancelled): run shard 2/2 again to finish it',
    );
    const whole = { ...two.results, shard: undefined };
    expect(error([one, { ...two, results: whole }])).toBe(
      "part-2.json is not a shard's results (it was not written by run --shard)",
    );
    expect(
      error([one, { ...two, results: { ...two.results, shard: { index: 2, count: 3 } } }]),
    ).toBe('part-1.json is one of 2 shards but part-2.json is one of 3');
  });

  it('refuses a part whose numbers were edited, naming the part and the field', async () => {
    const parts = await shards(2);
    expect(mergeShards(parts).ok).toBe(true);
    const [one, two] = parts as [(typeof parts)[0], (typeof parts)[0]];
    const point = two.results.points[0] as PointResult;
    const edited = (seed: Partial<SeedResult>, pointFields: Partial<PointResult> = {}) => ({
      ...two,
      results: {
        ...two.results,
        points: [
          { ...point, ...pointFields, seeds: [{ ...(point.seeds[0] as SeedResult), ...seed }] },
          ...two.results.points.slice(1),
        ],
      },
    });
    const error = (part: (typeof parts)[0]) => {
      const merged = mergeShards([one, part]);
      return merged.ok ? 'merged' : merged.error;
    };
    // An EMC of 9,999 on a pool of 60 would have moved the merged mean to thousands.
    expect(error(edited({ emc: 9_999, bracket: [9_999, null] }, { emcMean: 9_999 }))).toBe(
      'part-2.json contradicts itself: points[0].seeds[0].emc: 9999 exceeds the pool size 60',
    );
    const [lo] = (point.seeds[0] as SeedResult).bracket;
    expect(error(edited({ emc: lo + 5, bracket: [lo + 5, lo + 6] }, { emcMean: lo + 5 }))).toMatch(
      /^part-2\.json contradicts itself: points\[0\]\.seeds\[0\]\.(bracket|probes): /,
    );
  });

  it('joins the shards of a stopped run: every finished probe, the points every seed finished', async () => {
    const spec = sweep();
    const [one, two] = await shards(2);
    // Shard 2 (seed 2 of every width) is stopped once its first width is done.
    const stop = new AbortController();
    const stopped = await runExperiment(spec, {
      shard: { index: 2, count: 2 },
      control: { signal: stop.signal },
      onEvent: (event) => {
        if (event.kind === 'point-finished') stop.abort();
      },
    });
    expect(stopped.status).toBe('cancelled');
    const parts = [
      { name: 'thread 1', results: one?.results as ExperimentResults },
      { name: 'thread 2', results: stopped },
    ];
    expect(mergeShards(parts)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/unfinished/),
    });
    const merged = mergeShards(parts, { unfinished: true });
    const complete = mergeShards([one, two] as NonNullable<typeof one>[]);
    if (!merged.ok || !complete.ok) throw new Error('not merged');
    expect(merged.results.status).toBe('cancelled');
    // Width 1 had both seeds; widths 2 and 4 only seed 1.
    expect(science(merged.results).points).toEqual(science(complete.results).points.slice(0, 1));
    const finished = [...(one?.results.probes ?? []), ...stopped.probes];
    expect(merged.results.probes).toHaveLength(finished.length);
    const order = merged.results.probes.map((p) => p.pointIndex * spec.search.seeds + p.seedIndex);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // A stopped run's shard may have sent nothing at all.
    const alone = mergeShards([parts[0] as (typeof parts)[0]], { unfinished: true });
    expect(alone.ok && alone.results.points).toEqual([]);
  });

  it('refuses to run a shard of a warm-started sweep', async () => {
    await expect(
      runExperiment(sweep({ search: { warmStart: true } }), { shard: { index: 1, count: 2 } }),
    ).rejects.toThrow(/warmStart/);
  });
});
