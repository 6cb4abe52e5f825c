import type {
  ExperimentResults,
  ExperimentSpec,
  PointResult,
  ProbeRecord,
  RunEnvironment,
} from '../engine/index.ts';
import type { BackendInfo, WorkerMessage } from '../worker/protocol.ts';

export type RunPhase =
  'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'finished' | 'cancelled' | 'failed';

/** Phases in which a worker is training (or about to, or winding down). */
export function isActivePhase(phase: RunPhase): boolean {
  return phase === 'starting' || phase === 'running' || phase === 'paused' || phase === 'stopping';
}

export interface PlannedPoint {
  width: number;
  parameterCount: number;
  model: string;
  /** A random subspace's d, the parameters that train. */
  dimension?: number;
}

/** A finished probe with when it finished, in seconds since the run started. */
export interface TimedProbe extends ProbeRecord {
  atSeconds: number;
}

export interface CurrentProbe {
  pointIndex: number;
  seedIndex: number;
  n: number;
  startedAt: number;
  curve: Array<{ epoch: number; loss: number; accuracy: number }>;
}

export interface LogEntry {
  atSeconds: number;
  level: 'info' | 'warn' | 'error';
  text: string;
}

/**
 * Everything about the current run, fed by worker messages in batches (see runner.ts).
 * Components subscribe to slices, so a chart update does not re-render the form.
 */
export interface RunState {
  phase: RunPhase;
  /** Identifies the run in the saved history (the same id across a resume). */
  runId?: string;
  /** Where shown results came from, when they were not measured here and now. */
  viewing?: 'link' | 'file' | 'history';
  environment?: RunEnvironment;
  startedIso?: string;
  backend?: BackendInfo;
  error?: string;
  spec?: ExperimentSpec;
  dataset?: string;
  planned: PlannedPoint[];
  points: PointResult[];
  probes: TimedProbe[];
  current?: CurrentProbe;
  startedAt?: number;
  finishedAt?: number;
  results?: ExperimentResults;
  log: LogEntry[];
  /** How many workers train this run at once (see TrainingPool); 1 when it was not trained here. */
  workers?: number;
  begin(spec: ExperimentSpec, runId: string, workers?: number): void;
  /**
   * A resumed run's finished probes and points, shown at once: the worker's replay of them
   * (see the reducer) adds nothing new.
   */
  keep(probes: readonly ProbeRecord[], points: readonly PointResult[]): void;
  /** Shows finished results (from a link, a file or the history) without running anything. */
  showResults(
    results: ExperimentResults,
    source: 'link' | 'file' | 'history',
    runId?: string,
  ): void;
  setPhase(phase: RunPhase): void;
  apply(messages: WorkerMessage[], now: number): void;
  fail(message: string, now: number): void;
  /** The worker was killed after a Stop it did not answer in time. */
  markTerminated(message: string, now: number): void;
  /** A line for the run's log from outside its workers (the background backend timing). */
  note(level: 'info' | 'warn', text: string, now: number): void;
}
