import { readFile, rename, writeFile } from 'node:fs/promises';
import {
  type EngineEvent,
  type ExperimentResults,
  type ExperimentSpec,
  firstDifference,
  type PointResult,
  type ProbeRecord,
  resultsDocument,
  type ShardId,
} from '../engine/index.ts';
import { parseResultsFile } from '../share/resultsFile.ts';

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
  let text: string;
  try {
    text = await readFile(out, 'utf8');
  } catch {
    return { ok: true, value: [] };
  }
  const earlier = parseResultsFile(text);
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
 * scheduler kills or preempts loses at most the probe in progress.
 */
export class ShardCheckpoint {
  private document: ExperimentResults | undefined;
  private readonly points: PointResult[] = [];
  private readonly probes: ProbeRecord[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly out: string,
    private readonly shard: ShardId,
  ) {}

  onEvent(event: EngineEvent): void {
    if (event.kind === 'run-started') {
      this.document = resultsDocument({
        status: 'running',
        spec: event.spec,
        environment: event.environment,
        dataset: event.dataset,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        points: this.points,
        probes: this.probes,
        shard: this.shard,
      });
    } else if (event.kind === 'probe-finished') {
      this.probes.push(event.probe);
      this.save();
    } else if (event.kind === 'point-finished') {
      this.points.push(event.point);
      this.save();
    }
  }

  /** Waits for the last checkpoint to be on disk. */
  settled(): Promise<void> {
    return this.writing;
  }

  private save(): void {
    const document = this.document;
    if (!document) return;
    const json = `${JSON.stringify(document, null, 2)}\n`;
    // Written beside, then renamed: a kill mid-write never leaves a torn file.
    this.writing = this.writing
      .then(() => writeFile(`${this.out}.partial`, json))
      .then(() => rename(`${this.out}.partial`, this.out));
  }
}
