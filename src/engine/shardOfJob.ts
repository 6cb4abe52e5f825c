import type { ExperimentSpec } from './experiment/index.ts';

/**
 * A sweep is (width, seed) jobs; a shard is every count-th of them. Spread over the array
 * jobs of a cluster (Kubernetes, Slurm), the shards' partial results merge into the results
 * one process would have written: each job's search depends only on the spec, provided the
 * search does not warm-start a width at the previous width's EMC.
 */
export interface ShardId {
  /** 1-based: shard 1 of 3 is the first. */
  index: number;
  count: number;
}

/** The shard (1-based) that runs job (pointIndex, seedIndex): round robin, so wide and narrow widths spread evenly. */
export function shardOfJob(
  spec: Pick<ExperimentSpec, 'search'>,
  pointIndex: number,
  seedIndex: number,
  count: number,
): number {
  return ((pointIndex * spec.search.seeds + seedIndex) % count) + 1;
}
