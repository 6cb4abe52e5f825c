import {
  type EngineEvent,
  type ExperimentResults,
  type PointResult,
  type ProbeRecord,
  resultsDocument,
  type ShardId,
} from '../engine/index.ts';

/**
 * The results of a run so far, rebuilt from its events: what a shard's checkpoint file
 * holds, and what is written when an interrupted run's training thread had to be ended
 * mid-step (its own results never came back).
 */
export class PartialResults {
  private started: Extract<EngineEvent, { kind: 'run-started' }> | undefined;
  private readonly startedAt = new Date().toISOString();
  private readonly points: PointResult[] = [];
  private readonly probes: ProbeRecord[] = [];

  constructor(private readonly shard?: ShardId) {}

  /** Takes one event; true when it added a finished probe or point. */
  onEvent(event: EngineEvent): boolean {
    if (event.kind === 'run-started') this.started = event;
    else if (event.kind === 'probe-finished') this.probes.push(event.probe);
    else if (event.kind === 'point-finished') this.points.push(event.point);
    else return false;
    return event.kind !== 'run-started';
  }

  /** The document so far, or undefined before the run started (nothing to save yet). */
  document(status: 'running' | 'cancelled'): ExperimentResults | undefined {
    if (!this.started) return undefined;
    return resultsDocument({
      status,
      spec: this.started.spec,
      environment: this.started.environment,
      dataset: this.started.dataset,
      startedAt: this.startedAt,
      finishedAt: status === 'running' ? null : new Date().toISOString(),
      points: [...this.points],
      probes: [...this.probes],
      ...(this.shard ? { shard: { ...this.shard } } : {}),
    });
  }
}
