import type { ExperimentResults, ExperimentSpec } from '../engine/index.ts';
// The shard module only: the page must not pull TensorFlow.js into its bundle.
import { parallelJobs } from '../engine/shards.ts';
import type { BackendChoice, BackendInfo, BackendName, WorkerMessage } from '../worker/protocol.ts';
import { PoolMerge } from './poolMerge.ts';
import {
  type Clock,
  type LifeLocks,
  newRunId,
  type RunSink,
  type StartOptions,
  TrainingWorkerClient,
  type WatchdogTimings,
  type WorkerLike,
} from './workerClient.ts';

/** Backends that train on a GPU: one worker has it to itself (stacked probes are its parallelism). */
const GPU_BACKENDS: readonly BackendName[] = ['webgpu', 'webgl'];

/**
 * How many workers train a run of `spec` when `wanted` are set: one on a GPU backend (chosen,
 * or remembered by auto), one for a warm-started sweep of several widths (each width starts
 * at the EMC of the one before: one chain), else no more than the sweep has (width, seed)
 * jobs. Auto with nothing remembered starts the pool; it narrows to one worker if auto then
 * picks a GPU.
 */
export function poolSize(
  spec: ExperimentSpec,
  backend: BackendChoice,
  wanted: number,
  remembered?: BackendName,
): number {
  const chosen = backend === 'auto' ? remembered : backend;
  if (chosen && GPU_BACKENDS.includes(chosen)) return 1;
  return parallelJobs(spec, wanted).count;
}

type WorkerState = 'waiting' | 'training' | 'stopping' | 'ended' | 'terminated';

/**
 * The lab's training workers for one run at a time. One worker, as TrainingWorkerClient
 * alone; several: each runs one shard of the sweep's independent (width, seed) jobs (the
 * split of `emc-lab run --jobs`), their messages merged into one run's (PoolMerge), and one
 * more worker measures the merged sweep's generalization. The first worker chooses the
 * backend; the others start on its choice. Pause, resume and stop reach every worker; one
 * that fails stops the others, and the run fails as with one worker, every finished probe
 * kept (and saved, so it can be resumed).
 */
export class TrainingPool {
  private clients: TrainingWorkerClient[] = [];
  private states: WorkerState[] = [];
  private merge: PoolMerge | undefined;
  /** Bumped per run, so a late message of an earlier run's worker is ignored. */
  private generation = 0;
  private paused = false;
  private terminatedMessage: string | undefined;
  private stopping = false;
  /** The backend the first worker chose: the generalization's worker starts on it too. */
  private backend: BackendName | undefined;
  private failed = false;
  /** What the last worker (the generalization) needs too: the user's data, say. */
  private options: StartOptions = {};

  constructor(
    private readonly createWorker: () => WorkerLike,
    private readonly run: RunSink,
    private readonly clock?: Clock,
    private readonly watchdog: { timings?: WatchdogTimings; lifeLocks?: LifeLocks } = {},
  ) {}

  /** Starts `spec` on `workers` workers (see poolSize), replacing any run in progress. */
  start(
    spec: ExperimentSpec,
    backend: BackendChoice,
    options: StartOptions & { workers: number },
  ): void {
    this.abandonAll();
    const generation = ++this.generation;
    const { workers, ...startOptions } = options;
    const runId = options.runId ?? newRunId();
    this.paused = false;
    this.stopping = false;
    this.failed = false;
    this.backend = undefined;
    this.terminatedMessage = undefined;
    this.options = { userData: options.userData };
    this.run.begin(spec, runId, workers);
    if (workers <= 1) {
      this.merge = undefined;
      this.launch(generation, 0, this.directSink(generation), spec, backend, startOptions);
      return;
    }
    this.merge = new PoolMerge(spec, workers);
    this.states = Array.from({ length: workers }, () => 'waiting');
    const first = (info: BackendInfo) => {
      if (GPU_BACKENDS.includes(info.name)) {
        // Auto chose a GPU: one worker has it to itself, running the whole sweep.
        this.abandonAll();
        this.merge = undefined;
        const alone = this.generation;
        this.launch(alone, 0, this.directSink(alone, info), spec, info.name, {
          ...startOptions,
          remembered: undefined,
        });
        return false;
      }
      this.backend = info.name;
      for (let worker = 1; worker < workers; worker++) {
        if (this.stopping) {
          this.states[worker] = 'ended';
          this.merge?.skip(worker);
          continue;
        }
        this.launch(generation, worker, this.poolSink(generation, worker), spec, info.name, {
          ...startOptions,
          remembered: undefined,
          shard: { index: worker + 1, count: workers },
        });
      }
      return true;
    };
    this.launch(generation, 0, this.poolSink(generation, 0, first), spec, backend, {
      ...startOptions,
      shard: { index: 1, count: workers },
    });
  }

  pause(): void {
    this.paused = true;
    for (const client of this.clients) client.pause();
  }

  resume(): void {
    this.paused = false;
    for (const client of this.clients) client.resume();
  }

  /** Every worker stops after its current step; the run ends once they all have. */
  stop(): void {
    this.stopping = true;
    this.run.setPhase('stopping');
    this.clients.forEach((client, worker) => {
      if (this.states[worker] === 'training') client.stop();
    });
  }

  private launch(
    generation: number,
    worker: number,
    sink: RunSink,
    spec: ExperimentSpec,
    backend: BackendChoice,
    options: StartOptions,
  ): void {
    if (generation !== this.generation) return;
    const client = new TrainingWorkerClient(this.createWorker, sink, this.clock, this.watchdog);
    this.clients[worker] = client;
    this.states[worker] = 'training';
    client.start(spec, backend, options);
    if (this.paused) client.pause();
  }

  /** One worker's messages straight to the run (a run of one worker, or the last step). */
  private directSink(generation: number, chosen?: BackendInfo, quiet = false): RunSink {
    const live = () => generation === this.generation;
    return {
      begin: () => {},
      apply: (messages, now) => {
        if (!live()) return;
        // A GPU chosen by the pool's first worker: keep what auto measured to choose it.
        const patched = quiet
          ? messages.filter((m) => m.kind !== 'backend')
          : chosen
            ? messages.map((m): WorkerMessage =>
                m.kind === 'backend'
                  ? {
                      ...m,
                      info: {
                        ...m.info,
                        skipped: chosen.skipped,
                        measurement: chosen.measurement,
                        chosenBy: chosen.chosenBy,
                      },
                    }
                  : m,
              )
            : messages;
        this.run.apply(patched, now);
      },
      setPhase: (phase) => live() && this.run.setPhase(phase),
      phase: () => this.run.phase(),
      fail: (message, now) => live() && this.run.fail(message, now),
      markTerminated: (message, now) => live() && this.run.markTerminated(message, now),
    };
  }

  /** Worker `worker`'s messages through the merge; `first` sees the first worker's backend. */
  private poolSink(
    generation: number,
    worker: number,
    first?: (info: BackendInfo) => boolean,
  ): RunSink {
    const live = () => generation === this.generation;
    let choosing = first;
    return {
      begin: () => {},
      apply: (messages, now) => {
        if (!live() || !this.merge) return;
        const backend = messages.find((m) => m.kind === 'backend');
        if (choosing && backend?.kind === 'backend') {
          const choose = choosing;
          choosing = undefined;
          if (!choose(backend.info)) {
            this.run.apply([backend], now);
            return;
          }
        }
        const ends = messages.some(
          (m) =>
            m.kind === 'fatal' ||
            (m.kind === 'engine' && (m.event.kind === 'error' || m.event.kind === 'run-finished')),
        );
        const failing = messages.some(
          (m) => m.kind === 'fatal' || (m.kind === 'engine' && m.event.kind === 'error'),
        );
        if (ends) this.states[worker] = 'ended';
        const merge = this.merge;
        if (failing) this.stopOthers(worker);
        this.run.apply(merge.receive(worker, messages), now);
        if (!failing) this.maybeEnd(generation, now);
      },
      setPhase: () => {
        if (live() && this.states[worker] === 'training') this.states[worker] = 'stopping';
      },
      phase: () => this.states[worker] ?? 'ended',
      fail: (message, now) => {
        if (!live()) return;
        this.states[worker] = 'ended';
        this.stopOthers(worker);
        const count = this.states.length;
        this.run.fail(
          `${message} (worker ${worker + 1} of ${count}; the others were stopped with it)`,
          now,
        );
      },
      markTerminated: (message, now) => {
        if (!live()) return;
        this.states[worker] = 'terminated';
        this.terminatedMessage = message;
        this.maybeEnd(generation, now);
      },
    };
  }

  /** One worker failed: the others end now, what they had reported kept. */
  private stopOthers(failed: number): void {
    this.failed = true;
    this.clients.forEach((client, worker) => {
      if (worker === failed) return;
      client.abandon();
      this.states[worker] = 'ended';
    });
    this.generation++;
  }

  /** Once every worker has ended: the merged results, or the generalization still to measure. */
  private maybeEnd(generation: number, now: number): void {
    if (this.failed || !this.states.every((s) => s === 'ended' || s === 'terminated')) return;
    const merge = this.merge;
    if (!merge) return;
    this.merge = undefined;
    if (this.terminatedMessage !== undefined) {
      // A worker that did not stop in time took its results with it; its probes were kept as they came.
      this.run.markTerminated(this.terminatedMessage, now);
      return;
    }
    if (!merge.allEnded) return;
    const end = merge.end();
    if (end.kind === 'failed') {
      this.run.fail(end.message, now);
    } else if (end.kind === 'finished') {
      this.finish(end.results, now);
    } else if (this.run.phase() === 'stopping') {
      this.finish({ ...end.results, status: 'cancelled' }, now);
    } else {
      const { spec } = end.results;
      const backend = this.backend ?? (end.results.environment.backend as BackendName);
      this.clients = [];
      this.states = [];
      this.launch(generation, 0, this.directSink(generation, undefined, true), spec, backend, {
        ...this.options,
        measured: end.results,
      });
    }
  }

  private finish(results: ExperimentResults, now: number): void {
    this.run.apply([{ kind: 'engine', event: { kind: 'run-finished', results } }], now);
  }

  private abandonAll(): void {
    this.generation++;
    for (const client of this.clients) client.abandon();
    this.clients = [];
    this.states = [];
  }
}
