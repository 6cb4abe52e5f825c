import {
  type EngineEvent,
  type ExperimentSpec,
  firstDifference,
  type ProbeRecord,
  type ShardId,
} from '../engine/index.ts';
import { resultsDocumentSchema } from '../engine/resultsSchema.ts';
import { readResultsFile } from './resultsInput.ts';
import { failureCode, writeFileAtomically } from './outputFile.ts';
import { PartialResults } from './partialResults.ts';

/** The most shards a results file may record (its schema's bound, read from it). */
export const MAX_SHARDS =
  resultsDocumentSchema.shape.shard.unwrap().shape.count.maxValue ?? Number.MAX_SAFE_INTEGER;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * `--shard I/N` (1 ≤ I ≤ N), or `--shard auto/N`, which takes I from the array index a
 * cluster scheduler gives each task: Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX
 * (from 0), Slurm job arrays SLURM_ARRAY_TASK_ID (from SLURM_ARRAY_TASK_MIN).
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Parsed<ShardId> {
  const match = /^(\d+|auto)\/(\d+)$/.exec(text.trim());
  if (!match) {
    return {
      ok: false,
      error: `--shard must be I/N with whole numbers 1 ≤ I ≤ N, or auto/N (got "${text}")`,
    };
  }
  const count = Number(match[2]);
  if (count < 1)
    return { ok: false, error: `--shard ${text}: a sweep is split into at least 1 shard` };
  if (count > MAX_SHARDS) {
    // A part numbered past what a results file may record would be refused by its own
    // resume and by merge, after training.
    return {
      ok: false,
      error: `--shard ${text}: a sweep is split into at most ${MAX_SHARDS} shards`,
    };
  }
  let index: number;
  if (match[1] === 'auto') {
    const fromEnv = arrayIndex(env);
    if (!fromEnv.ok) return { ok: false, error: `--shard ${text}: ${fromEnv.error}` };
    index = fromEnv.value;
  } else {
    index = Number(match[1]);
  }
  if (index < 1 || index > count) {
    return {
      ok: false,
      error: `--shard ${match[1] === 'auto' ? `auto (= ${index})` : index}/${count}: shards are numbered 1 to ${count}`,
    };
  }
  return { ok: true, value: { index, count } };
}

/** This task's 1-based shard index from the scheduler's environment. */
function arrayIndex(env: NodeJS.ProcessEnv): Parsed<number> {
  const integer = (name: string): number | undefined => {
    const value = env[name];
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const kubernetes = integer('JOB_COMPLETION_INDEX');
  if (kubernetes !== undefined) return { ok: true, value: kubernetes + 1 };
  const slurm = integer('SLURM_ARRAY_TASK_ID');
  if (slurm !== undefined)
    return { ok: true, value: slurm - (integer('SLURM_ARRAY_TASK_MIN') ?? 0) + 1 };
  return {
    ok: false,
    error:
      'auto needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (a Slurm job array) in the environment',
  };
}

/**
 * What a re-run of a shard reuses: the probes its --out file already holds, when that file
 * is this shard of this experiment (finished points are replayed, not retrained); an --out
 * file of anything else is refused rather than overwritten.
 */
export async function earlierShardProbes(
  out: string,
  spec: ExperimentSpec,
  shard: ShardId,
): Promise<Parsed<ProbeRecord[]>> {
  const earlier = await readResultsFile(out);
  // Nothing there yet: a first run. (One that cannot be read is refused below.)
  if (!earlier.ok && 'code' in earlier && earlier.code === 'ENOENT') return { ok: true, value: [] };
  const refuse = (why: string) => ({
    ok: false as const,
    error: `${out} already exists and ${why}; remove it or choose another --out`,
  });
  if (!earlier.ok) return refuse(`is not a results file (${earlier.error})`);
  const { results } = earlier;
  if (firstDifference(results.spec, spec) !== undefined) {
    return refuse('holds results of another experiment');
  }
  if (results.shard?.index !== shard.index || results.shard.count !== shard.count) {
    return refuse(
      `holds ${results.shard ? `shard ${results.shard.index}/${results.shard.count}` : 'a whole run'}, not shard ${shard.index}/${shard.count}`,
    );
  }
  return { ok: true, value: results.probes.map(({ replayed: _, ...probe }) => probe) };
}

/**
 * Keeps a shard's --out file up to date as probes finish (status "running"), so a task the
 * scheduler kills or preempts loses at most the probe in progress. Each save is atomic
 * (outputFile.ts); one that fails is reported once through `onSaveFailed` and the run goes
 * on (its final results are saved, or rescued, at the end).
 */
export class ShardCheckpoint {
  private readonly partial: PartialResults;
  private writing: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(
    private readonly out: string,
    shard: ShardId,
    private readonly onSaveFailed: (problem: string) => void = () => undefined,
  ) {
    this.partial = new PartialResults(shard);
  }

  onEvent(event: EngineEvent): void {
    if (this.partial.onEvent(event)) this.save();
  }

  /** Waits for the last checkpoint to be on disk (or to have failed); never rejects. */
  settled(): Promise<void> {
    return this.writing;
  }

  private save(): void {
    const document = this.partial.document('running');
    if (!document) return;
    const json = `${JSON.stringify(document, null, 2)}\n`;
    this.writing = this.writing.then(() =>
      writeFileAtomically(this.out, json).catch((error: unknown) => {
        if (!this.failed)
          this.onSaveFailed(`cannot save the checkpoint ${this.out} (${failureCode(error)})`);
        this.failed = true;
      }),
    );
  }
}
