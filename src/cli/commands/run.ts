import {
  type ExperimentSpec,
  type ShardId,
  shardingProblem,
  type UserDataFile,
} from '../../engine/index.ts';
import type { NodeBackend } from '../backendSelection.ts';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK } from '../exitCodes.ts';
import { parseJobs, threadsFor } from '../jobs.ts';
import { refuseOutput, writeResults } from '../outputFile.ts';
import { ProgressLine } from '../progress.ts';
import { parseShard } from '../shards.ts';
import { checkedSpec } from '../specInput.ts';
import { trainSpec } from '../training.ts';
import type { Command } from './command.ts';

/**
 * `emc-lab run`: measures a spec's sweep (a file, or a preset's variant) in one process,
 * in --jobs threads or as one --shard of a cluster's array, and writes the results.
 */
export const runCommand: Command = {
  maxArgs: 1,
  options: ['out', 'preset', 'variant', 'shard', 'jobs', 'allow-outside-data'],
  async run({ args: [specPath], values }) {
    const refused = await refuseOutput(values.out, { fileOnly: values.shard !== undefined });
    if (refused !== undefined) return refused;
    const checked = await checkedSpec('run', {
      specPath,
      preset: values.preset,
      variant: values.variant,
      allowOutsideData: values['allow-outside-data'],
    });
    if (typeof checked === 'number') return checked;
    const { spec } = checked.check;
    let shard: ShardId | undefined;
    if (values.shard !== undefined) {
      const parsedShard = parseShard(values.shard);
      const problem = parsedShard.ok ? shardingProblem(spec, parsedShard.value) : parsedShard.error;
      if (problem || !parsedShard.ok) {
        process.stderr.write(`emc-lab: ${problem}\n`);
        return EXIT_INVALID;
      }
      if (!values.out) {
        process.stderr.write(
          'emc-lab: --shard needs --out PART.json: the partial results are merged later, and a re-run continues from them\n',
        );
        return EXIT_INVALID;
      }
      shard = parsedShard.value;
    }
    const parsedJobs = parseJobs(values.jobs);
    if (!parsedJobs.ok) {
      process.stderr.write(`emc-lab: ${parsedJobs.error}\n`);
      return EXIT_INVALID;
    }
    const jobs = parsedJobs.value;
    if (values.jobs !== undefined && shard && jobs > 1) {
      process.stderr.write(
        `emc-lab: --jobs ${jobs} does not go with --shard: a shard runs in one thread (split the sweep into more shards instead)\n`,
      );
      return EXIT_INVALID;
    }
    const threads = shard ? { threads: 1 } : threadsFor(spec, jobs, values.jobs !== undefined);
    if (threads.note) process.stderr.write(`emc-lab: ${threads.note}\n`);
    return run(spec, { ...values, shard, threads: threads.threads }, checked.userData);
  },
};

async function run(
  spec: ExperimentSpec,
  options: { out?: string; backend: NodeBackend; quiet: boolean; shard?: ShardId; threads: number },
  userData?: UserDataFile,
): Promise<number> {
  const progress = new ProgressLine(process.stderr, options.quiet);
  const outcome = await trainSpec(spec, options, userData, progress);
  if (typeof outcome === 'number') return outcome;
  progress.done();
  if (outcome.kind === 'failed') {
    const what = outcome.stage === 'backend' ? '' : 'the run failed: ';
    process.stderr.write(`emc-lab: ${what}${outcome.message}\n`);
    return EXIT_FAILED;
  }
  if (!outcome.results) {
    process.stderr.write('emc-lab: interrupted before training started; nothing to write\n');
    return EXIT_INTERRUPTED;
  }
  const written = await writeResults(outcome.results, options.out, 'results written to');
  if (!written) return EXIT_FAILED;
  return outcome.kind === 'interrupted' ? EXIT_INTERRUPTED : EXIT_OK;
}
