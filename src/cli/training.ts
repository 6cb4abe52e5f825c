import type { ExperimentSpec, ProbeRecord, ShardId, UserDataFile } from '../engine/index.ts';
import { sweepPoints } from '../engine/index.ts';
import type { NodeBackend } from './backendSelection.ts';
import { EXIT_INVALID } from './exitCodes.ts';
import { trainInJobs } from './jobs.ts';
import { ProgressLine } from './progress.ts';
import { earlierShardProbes, ShardCheckpoint } from './shards.ts';
import { trainInThread, type TrainingOutcome } from './trainInThread.ts';

/**
 * How run and study train a spec: in one thread (a shard's checkpointed and resumed) or in
 * `threads` of them (jobs.ts), with the progress lines on stderr; a number is an exit code.
 */
export function trainSpec(
  spec: ExperimentSpec,
  options: { out?: string; backend: NodeBackend; quiet: boolean; shard?: ShardId; threads: number },
  userData: UserDataFile | undefined,
  progress: ProgressLine,
): Promise<TrainingOutcome | number> {
  return options.threads > 1
    ? trainInThreads(spec, options, userData, progress)
    : trainOneThread(spec, options, userData, progress);
}

/** The sweep in one training thread (a shard's checkpointed and resumed); a number is an exit code. */
async function trainOneThread(
  spec: ExperimentSpec,
  options: { out?: string; backend: NodeBackend; quiet: boolean; shard?: ShardId },
  userData: UserDataFile | undefined,
  progress: ProgressLine,
): Promise<TrainingOutcome | number> {
  const { shard, out } = options;
  let replay: ProbeRecord[] = [];
  if (shard && out) {
    const earlier = await earlierShardProbes(out, spec, shard);
    if (!earlier.ok) {
      process.stderr.write(`emc-lab: ${earlier.error}\n`);
      return EXIT_INVALID;
    }
    replay = earlier.value;
    if (replay.length > 0) {
      progress.note(
        `continuing shard ${shard.index}/${shard.count}: ${replay.length} probes of ${out} are reused, not retrained`,
      );
    }
  }
  const checkpoint =
    shard && out ? new ShardCheckpoint(out, shard, (problem) => progress.note(problem)) : undefined;
  const outcome = await trainInThread(
    { spec, backend: options.backend, userData, shard, replay },
    {
      onBackend: (measurement) => {
        if (measurement && !options.quiet) progress.note(measurement);
      },
      onEvent: (event) => {
        progress.update(event);
        checkpoint?.onEvent(event);
      },
      onInterrupt: () =>
        progress.note('interrupted: stopping the run and writing the results so far'),
    },
  );
  await checkpoint?.settled();
  return outcome;
}

/**
 * The sweep's jobs in `threads` training threads (jobs.ts): each thread's progress lines
 * start with [I/N]; the points and the run's summary are reported once, merged.
 */
async function trainInThreads(
  spec: ExperimentSpec,
  options: { backend: NodeBackend; quiet: boolean; threads: number },
  userData: UserDataFile | undefined,
  progress: ProgressLine,
): Promise<TrainingOutcome> {
  const { threads, quiet } = options;
  const points = sweepPoints(spec).length;
  const lines = Array.from(
    { length: threads },
    (_, i) => new ProgressLine(process.stderr, quiet, { prefix: `[${i + 1}/${threads}] `, points }),
  );
  let started = false;
  const outcome = await trainInJobs({ spec, backend: options.backend, userData }, threads, {
    onBackend: (measurement) => {
      if (quiet) return;
      if (measurement) progress.note(measurement);
      const jobs = points * spec.search.seeds;
      progress.note(`training the sweep's ${jobs} (width, seed) jobs in ${threads} threads`);
    },
    onEvent: (thread, event) => {
      if (thread === undefined) progress.update(event);
      else if (event.kind === 'run-started') {
        if (!started) progress.update(event);
        started = true;
      } else if (event.kind !== 'point-finished' && event.kind !== 'run-finished') {
        lines[thread - 1]?.update(event);
      }
    },
    onInterrupt: () =>
      progress.note('interrupted: stopping every thread and writing the results so far'),
  });
  if (outcome.kind !== 'failed' && outcome.results) {
    for (const point of outcome.results.points) progress.update({ kind: 'point-finished', point });
    progress.update({ kind: 'run-finished', results: outcome.results });
  }
  return outcome;
}
