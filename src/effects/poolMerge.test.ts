import { describe, expect, it } from 'vitest';
import type { EngineEvent, ExperimentResults, PointResult } from '../engine/index.ts';
import { measureGeneralization, runExperiment } from '../engine/run.ts';
import { specFixture } from '../engine/testFixtures.ts';
import type { WorkerMessage } from '../worker/protocol.ts';
import { PoolMerge } from './poolMerge.ts';
import { shardMessages } from './testWorkers.ts';

/** Two MLP widths × two seeds on random labels, with a test split: four independent jobs. */
const spec = specFixture({
  data: { inputShape: [5], classes: 2, labels: 'random', poolSize: 40, testSize: 10 },
  model: { family: 'mlp', depth: 1 },
  sweep: { widths: [1, 3] },
  train: { maxSteps: 300, patience: 15 },
  search: { precision: 0.2, seeds: 2, warmStart: false },
});

/** What two runs must share: everything but the clock. */
function science(results: ExperimentResults) {
  return {
    status: results.status,
    backend: results.environment.backend,
    points: results.points.map(({ wallMs: _, ...point }) => point),
    probes: results.probes.map(({ wallMs: _, ...probe }) => probe),
  };
}

const withoutClock = ({ wallMs: _, ...point }: PointResult) => point;

/** The workers' messages as the page receives them: interleaved, a few at a time from each. */
function interleaved(perWorker: WorkerMessage[][], merge: PoolMerge): WorkerMessage[] {
  const out: WorkerMessage[] = [];
  const queues = perWorker.map((messages) => [...messages]);
  while (queues.some((queue) => queue.length > 0)) {
    for (const [worker, queue] of queues.entries()) {
      out.push(...merge.receive(worker, queue.splice(0, 3)));
    }
  }
  return out;
}

const events = (messages: WorkerMessage[]): EngineEvent[] =>
  messages.flatMap((m) => (m.kind === 'engine' ? [m.event] : []));

describe('the lab’s worker pool, merged', () => {
  it.each([2, 3])(
    'a sweep over %i workers ends with the results of one worker, bit for bit (cpu)',
    async (workers) => {
      const single = await runExperiment(spec);
      const merge = new PoolMerge(spec, workers);
      interleaved(await shardMessages(spec, workers), merge);
      expect(merge.allEnded).toBe(true);
      const end = merge.end();
      if (end.kind !== 'generalize')
        throw new Error(`expected the generalization, got ${end.kind}`);
      // The pool's last worker measures it on the merged sweep, as one worker would have.
      const results = await measureGeneralization(end.results);
      expect(science(results)).toEqual(science(single));
      expect(results.points.every((p) => p.generalization !== null)).toBe(true);
    },
  );

  it('passes on one run start, one backend, every probe, and each point once all its seeds are in', async () => {
    const single = await runExperiment(spec);
    const merge = new PoolMerge(spec, 2);
    const out = interleaved(await shardMessages(spec, 2), merge);
    expect(out.filter((m) => m.kind === 'backend')).toHaveLength(1);
    const passed = events(out);
    expect(passed.filter((e) => e.kind === 'run-started')).toHaveLength(1);
    expect(passed.filter((e) => e.kind === 'point-started').map((e) => e.pointIndex)).toEqual([
      0, 1,
    ]);
    // Nothing ends the run before the merge: the pool decides when it is over.
    expect(passed.some((e) => e.kind === 'run-finished')).toBe(false);
    expect(passed.filter((e) => e.kind === 'probe-finished')).toHaveLength(single.probes.length);
    const points = passed.flatMap((e) => (e.kind === 'point-finished' ? [e.point] : []));
    expect(points.map(withoutClock).sort((a, b) => a.index - b.index)).toEqual(
      single.points.map((p) => withoutClock({ ...p, generalization: null })),
    );
  });

  it('a stopped pool ends cancelled with every probe its workers finished, and no generalization', async () => {
    const perWorker = await shardMessages(spec, 2);
    // Worker 2 was stopped after its first probes: its run ended cancelled, its points unfinished.
    const stopped = perWorker[1] as WorkerMessage[];
    const kept = stopped.filter(
      (m) => m.kind !== 'engine' || !['point-finished', 'run-finished'].includes(m.event.kind),
    );
    const ended = stopped.at(-1) as Extract<WorkerMessage, { kind: 'engine' }>;
    const full = (ended.event as Extract<EngineEvent, { kind: 'run-finished' }>).results;
    const early = full.probes.slice(0, 2);
    const cancelled: ExperimentResults = {
      ...full,
      status: 'cancelled',
      points: [],
      probes: early,
    };
    const merge = new PoolMerge(spec, 2);
    interleaved(
      [
        perWorker[0] as WorkerMessage[],
        [...kept, { kind: 'engine', event: { kind: 'run-finished', results: cancelled } }],
      ],
      merge,
    );
    const end = merge.end();
    if (end.kind !== 'finished') throw new Error(`expected the end, got ${end.kind}`);
    expect(end.results.status).toBe('cancelled');
    const first = (perWorker[0]?.at(-1) as Extract<WorkerMessage, { kind: 'engine' }>).event;
    const firstProbes = (first as Extract<EngineEvent, { kind: 'run-finished' }>).results.probes;
    expect(end.results.probes).toHaveLength(firstProbes.length + early.length);
    // Every point had a seed in worker 2, so none is complete.
    expect(end.results.points).toEqual([]);
  });

  it('waits for every worker before it ends', async () => {
    const perWorker = await shardMessages(spec, 2);
    const merge = new PoolMerge(spec, 2);
    merge.receive(0, perWorker[0] as WorkerMessage[]);
    expect(merge.allEnded).toBe(false);
    merge.receive(1, perWorker[1] as WorkerMessage[]);
    expect(merge.allEnded).toBe(true);
  });
});
