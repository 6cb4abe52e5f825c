import { EventEmitter } from 'node:events';
import { availableParallelism, freemem } from 'node:os';
import {
  type EngineEvent,
  type ExperimentResults,
  type ExperimentSpec,
  formatBytes,
  mergeShards,
  parallelJobs,
  specMemory,
} from '../engine/index.ts';
import type { NodeBackend } from './backendSelection.ts';
import type { Parsed } from './shards.ts';
import {
  onStopSignals,
  type TrainingHooks,
  trainInThread,
  type TrainingOutcome,
} from './trainInThread.ts';
import type { TrainingRequest } from './trainingThread.ts';

/**
 * `--jobs N`: how many (width, seed) jobs of the sweep train at once, N ≥ 1; without the
 * option, one per core.
 */
export function parseJobs(text: string | undefined): Parsed<number> {
  if (text === undefined) return { ok: true, value: availableParallelism() };
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    return { ok: false, error: `--jobs must be a whole number ≥ 1 (got "${text}")` };
  }
  return { ok: true, value: Number(text) };
}

/**
 * How many training threads a run of `spec` uses for `jobs` asked: no more than it has
 * (width, seed) jobs, nor than `freeBytes` of memory holds (each thread has its own data and
 * models: specMemory each), and one when the jobs are not independent (a warm-started sweep
 * of several widths, each starting at the mean EMC over seeds of the width before). `note`
 * says why fewer than asked, when the user asked (`explicit`) for more than one.
 */
export function threadsFor(
  spec: ExperimentSpec,
  jobs: number,
  explicit: boolean,
  freeBytes = freemem(),
): { threads: number; note?: string } {
  const { count: threads, chained } = parallelJobs(spec, jobs);
  if (jobs <= 1) return { threads: 1 };
  const withNote = (threads: number, why: string) =>
    explicit ? { threads, note: `--jobs ${jobs}: ${why}` } : { threads };
  if (chained) {
    return withNote(
      1,
      'this sweep warm-starts each width at the previous width\'s EMC (search.warmStart, true by default), so its jobs are not independent; running them in one thread (set "warmStart": false in its search section to run them in parallel)',
    );
  }
  const perThread = specMemory(spec).total;
  const fit = Math.max(1, Math.floor(freeBytes / perThread));
  if (fit >= threads) return { threads };
  return withNote(
    fit,
    `each thread needs about ${formatBytes(perThread)} and ${formatBytes(freeBytes)} of memory are free, so ${fit} thread${fit === 1 ? '' : 's'} train at once`,
  );
}

export interface JobsHooks {
  onBackend(measurement: string | undefined): void;
  /** `thread` (1-based) ran the job; undefined for the generalization after the merge. */
  onEvent(thread: number | undefined, event: EngineEvent): void;
  onInterrupt(): void;
}

/**
 * Runs the sweep of `request` as `threads` shards (I/threads, see shards.ts), each in a
 * training thread of its own, and merges them in memory into the results one thread would
 * have returned (generalization included: measured after the merge, in one more thread).
 * The first thread chooses the backend (auto's measurement is taken once); the others start
 * on its choice. A stop signal (SIGINT, SIGTERM, SIGHUP) stops every thread, as does one that fails; an interrupted run comes
 * back with every probe any thread had finished.
 */
export async function trainInJobs(
  request: Omit<TrainingRequest, 'shard' | 'replay'>,
  threads: number,
  hooks: JobsHooks,
): Promise<TrainingOutcome> {
  const interrupts = new EventEmitter().setMaxListeners(0);
  let stopped = false;
  const stopAll = () => {
    if (stopped) return;
    stopped = true;
    interrupts.emit('SIGINT');
  };
  const onStopSignal = () => {
    if (!stopped) hooks.onInterrupt();
    stopAll();
  };
  const stopListening = onStopSignals(process, onStopSignal);
  try {
    const train = (thread: number, backend: NodeBackend, onBackend: TrainingHooks['onBackend']) =>
      trainInThread(
        { ...request, backend, shard: { index: thread, count: threads }, replay: [] },
        { onBackend, onEvent: (event) => hooks.onEvent(thread, event), onInterrupt: () => {} },
        interrupts,
      ).then((outcome) => {
        if (outcome.kind === 'failed') stopAll();
        return outcome;
      });
    let chosen!: (backend: NodeBackend) => void;
    const backendChosen = new Promise<NodeBackend>((resolve) => (chosen = resolve));
    const first = train(1, request.backend, (measurement, backend) => {
      hooks.onBackend(measurement);
      chosen(backend);
    });
    const backend = await Promise.race([backendChosen, first.then(() => undefined)]);
    const rest =
      backend && !stopped
        ? Array.from({ length: threads - 1 }, (_, i) => train(i + 2, backend, () => {}))
        : [];
    const outcomes = await Promise.all([first, ...rest]);
    const failed = outcomes.find((outcome) => outcome.kind === 'failed');
    if (failed) return failed;
    const merged = mergeOutcomes(outcomes);
    if (merged.kind !== 'finished' || merged.results.spec.data.testSize === 0) return merged;
    if (stopped)
      return { kind: 'interrupted', results: { ...merged.results, status: 'cancelled' } };
    return await generalize(request, merged.results, hooks, interrupts);
  } finally {
    stopListening();
  }
}

/** The threads' results as one run's: all finished, or the probes of a stopped run. */
function mergeOutcomes(outcomes: TrainingOutcome[]): TrainingOutcome {
  const parts = outcomes.flatMap((outcome, i) =>
    outcome.kind !== 'failed' && outcome.results
      ? [{ name: `thread ${i + 1}`, results: outcome.results }]
      : [],
  );
  const unfinished = outcomes.some((outcome) => outcome.kind !== 'finished');
  if (parts.length === 0) return { kind: 'interrupted' };
  const merged = mergeShards(parts, { unfinished });
  if (!merged.ok) return { kind: 'failed', stage: 'run', message: merged.error };
  return unfinished
    ? { kind: 'interrupted', results: merged.results }
    : { kind: 'finished', results: merged.results };
}

/** The merged sweep's generalization, measured in a training thread; stoppable by a stop signal. */
async function generalize(
  request: Omit<TrainingRequest, 'shard' | 'replay'>,
  merged: ExperimentResults,
  hooks: JobsHooks,
  interrupts: EventEmitter,
): Promise<TrainingOutcome> {
  const backend = merged.environment.backend as NodeBackend;
  const outcome = await trainInThread(
    { ...request, backend, replay: [], measured: merged },
    {
      onBackend: () => {},
      onEvent: (event) => hooks.onEvent(undefined, event),
      onInterrupt: () => {},
    },
    interrupts,
  );
  // Ended mid-step: the merged sweep, without its generalization.
  if (outcome.kind === 'interrupted' && !outcome.results) {
    return { kind: 'interrupted', results: { ...merged, status: 'cancelled' } };
  }
  return outcome;
}
