import type { DatasetFiles } from '../engine/data/index.ts';
import type { EngineEvent } from '../engine/events.ts';
import { runExperiment } from '../engine/run.ts';
import type { ExperimentSpecInput } from '../engine/experiment/index.ts';

/**
 * One EMC point measured with k probes per round (search.parallel = k) on the current
 * backend: how long it took, how many trainings and how many rounds of them it needed.
 */
export interface ParallelSearchRow {
  parallel: number;
  emc: number;
  bracket: [number, number | null];
  trainings: number;
  rounds: number;
  seconds: number;
}

/** A small MLP, the case where one model leaves a GPU idle; full batch, as in finding 3. */
export const PARALLEL_SEARCH_SPEC: ExperimentSpecInput = {
  version: 3,
  name: 'MLP 1×8, gaussian d = 8, 4 classes, random labels, full batch, precision 5%',
  seed: 1,
  data: { source: 'gaussian', inputShape: [8], classes: 4, labels: 'random', poolSize: 1000 },
  model: { family: 'mlp', depth: 1, activation: 'relu' },
  sweep: { widths: [8] },
  train: {
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 'full',
    maxSteps: 150,
    patience: 25,
    minDelta: 0.0005,
  },
  search: { precision: 0.05, seeds: 1 },
};

export async function measureParallelSearch(
  spec: ExperimentSpecInput = PARALLEL_SEARCH_SPEC,
  parallels: readonly number[] = [1, 4],
  files?: DatasetFiles,
): Promise<ParallelSearchRow[]> {
  const rows: ParallelSearchRow[] = [];
  for (const parallel of parallels) {
    const withK = { ...spec, search: { ...spec.search, parallel } };
    // Untimed: compiles this shape's GPU programs (one set per k), as a lab run's first
    // probes would.
    await runExperiment({ ...withK, train: { ...withK.train, maxSteps: 2 } }, { files });
    let rounds = 0;
    let starting = false;
    const countRounds = (event: EngineEvent) => {
      if (event.kind === 'probe-started' && !starting) rounds++;
      starting = event.kind === 'probe-started';
    };
    const started = performance.now();
    const results = await runExperiment(withK, { files, onEvent: countRounds });
    const seconds = (performance.now() - started) / 1000;
    const seed = results.points[0]?.seeds[0];
    if (!seed) throw new Error('the parallel search measured no point');
    rows.push({
      parallel,
      emc: seed.emc,
      bracket: seed.bracket,
      trainings: seed.probes,
      rounds,
      seconds,
    });
  }
  return rows;
}
