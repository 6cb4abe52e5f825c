import type {
  EngineEvent,
  ExperimentResults,
  ExperimentSpec,
  PointResult,
  ProbeRecord,
} from '../engine/index.ts';
// The shard module only: the page must not pull TensorFlow.js into its bundle.
import { mergePoint, mergeShards } from '../engine/shards.ts';
import type { WorkerMessage } from '../worker/protocol.ts';

/** What the pool does once every worker has ended its shard. */
export type PoolEnd =
  /** Send the merged sweep to one more worker for its generalization (see measureGeneralization). */
  | { kind: 'generalize'; results: ExperimentResults }
  /** The run is over: these are its results, as one worker would have ended it. */
  | { kind: 'finished'; results: ExperimentResults }
  | { kind: 'failed'; message: string };

/**
 * The messages of the pool's workers, each running one shard of the sweep (see shards.ts),
 * as the one stream of a single worker's run: the run store, the charts and the autosave
 * cannot tell them apart. Probes pass on as they finish; a point passes on once every
 * seed of it has (its mean over seeds needs them all); the shards' results merge, as
 * `emc-lab run --jobs` merges its threads', into those one worker would have returned.
 */
export class PoolMerge {
  private readonly partials: PointResult[] = [];
  private readonly probes: ProbeRecord[] = [];
  private readonly ended = new Map<number, ExperimentResults>();
  private readonly skipped = new Set<number>();
  private readonly pointsStarted = new Set<number>();
  private runStarted = false;
  private backendSeen = false;

  constructor(
    private readonly spec: ExperimentSpec,
    private readonly workers: number,
  ) {}

  /** Worker `worker`'s (0-based) messages, as the single run's messages for the store. */
  receive(worker: number, messages: readonly WorkerMessage[]): WorkerMessage[] {
    return messages.flatMap((message) => this.receiveOne(worker, message));
  }

  /** Worker `worker` will send no results (the run stopped before it started). */
  skip(worker: number): void {
    this.skipped.add(worker);
  }

  /** Whether every worker has sent its shard's results, or was skipped. */
  get allEnded(): boolean {
    return this.ended.size + this.skipped.size === this.workers;
  }

  /** Once every worker has ended: the merged results, or the generalization still to measure. */
  end(): PoolEnd {
    const parts = [...this.ended.entries()]
      .sort(([a], [b]) => a - b)
      .map(([worker, results]) => ({ name: `worker ${worker + 1}`, results }));
    const unfinished =
      this.skipped.size > 0 || parts.some(({ results }) => results.status !== 'complete');
    const merged = mergeShards(parts, { unfinished });
    if (!merged.ok) return { kind: 'failed', message: merged.error };
    const { results } = merged;
    if (!unfinished && results.spec.data.testSize > 0) return { kind: 'generalize', results };
    return { kind: 'finished', results };
  }

  private receiveOne(worker: number, message: WorkerMessage): WorkerMessage[] {
    if (message.kind === 'backend') {
      // The first worker chooses (auto measures once); the others start on its choice.
      if (this.backendSeen) return [];
      this.backendSeen = true;
      return [message];
    }
    if (message.kind !== 'engine') return [message];
    return this.receiveEvent(worker, message.event).map((event) => ({ kind: 'engine', event }));
  }

  private receiveEvent(worker: number, event: EngineEvent): EngineEvent[] {
    switch (event.kind) {
      case 'run-started':
        if (this.runStarted) return [];
        this.runStarted = true;
        return [event];
      case 'point-started':
        if (this.pointsStarted.has(event.pointIndex)) return [];
        this.pointsStarted.add(event.pointIndex);
        return [event];
      case 'probe-finished':
        this.probes.push(event.probe);
        return [event];
      case 'point-finished': {
        this.partials.push(event.point);
        const point = mergePoint(this.spec, event.point.index, this.partials, this.probes);
        return point ? [{ kind: 'point-finished', point }] : [];
      }
      case 'run-finished':
        this.ended.set(worker, event.results);
        return [];
      default:
        return [event];
    }
  }
}
