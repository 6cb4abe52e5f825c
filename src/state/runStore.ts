import { create } from 'zustand';
import type {
  EngineEvent,
  ExperimentResults,
  ExperimentSpec,
  PointResult,
  ProbeRecord,
  RunEnvironment,
} from '../engine/index.ts';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../engine/results.ts';
import { BUDGET_LIMITED_NOTE, formatCount, probeVerdict } from '../share/verdicts.ts';
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

const LOG_LIMIT = 400;

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
  begin(spec: ExperimentSpec, runId: string): void;
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
}

const emptyRun = {
  runId: undefined,
  viewing: undefined,
  environment: undefined,
  startedIso: undefined,
  backend: undefined,
  error: undefined,
  dataset: undefined,
  planned: [],
  points: [],
  probes: [],
  current: undefined,
  finishedAt: undefined,
  results: undefined,
  log: [],
};

export const useRunStore = create<RunState>()((set, get) => ({
  phase: 'idle',
  ...emptyRun,
  begin: (spec, runId) =>
    set({
      ...emptyRun,
      phase: 'starting',
      runId,
      spec,
      startedAt: performance.now(),
      startedIso: new Date().toISOString(),
    }),
  showResults: (results, source, runId) =>
    set({
      ...emptyRun,
      phase: results.status === 'complete' ? 'finished' : 'cancelled',
      runId,
      viewing: source,
      spec: results.spec,
      environment: results.environment,
      dataset: results.dataset,
      planned: results.points.map((p) => ({
        width: p.width,
        parameterCount: p.parameterCount,
        model: p.model,
      })),
      points: results.points,
      probes: withProbeTimes(results.probes),
      results,
      startedAt: 0,
      finishedAt: results.points.reduce((sum, p) => sum + p.wallMs, 0),
      log: [],
    }),
  setPhase: (phase) => set({ phase }),
  fail: (message, now) =>
    set((state) => ({
      phase: 'failed',
      error: message,
      finishedAt: now,
      log: appendLog(state.log, state.startedAt, now, 'error', message),
    })),
  markTerminated: (message, now) =>
    set((state) => ({
      phase: 'cancelled',
      finishedAt: now,
      log: appendLog(state.log, state.startedAt, now, 'warn', message),
    })),
  apply: (messages, now) => {
    let state: RunState = get();
    for (const message of messages) state = { ...state, ...reduce(state, message, now) };
    set(state);
  },
}));

/** The part of the run state one worker message changes. */
function reduce(state: RunState, message: WorkerMessage, now: number): Partial<RunState> {
  const log = (level: LogEntry['level'], text: string) =>
    appendLog(state.log, state.startedAt, now, level, text);
  switch (message.kind) {
    case 'backend': {
      const { info } = message;
      let log1 = state.log;
      for (const reason of info.skipped)
        log1 = appendLog(log1, state.startedAt, now, 'warn', `Skipped ${reason}`);
      if (info.measurement) log1 = appendLog(log1, state.startedAt, now, 'info', info.measurement);
      return {
        backend: info,
        phase: state.phase === 'starting' ? 'running' : state.phase,
        log: appendLog(
          log1,
          state.startedAt,
          now,
          'info',
          `Training on ${info.name}${info.adapter ? ` (${info.adapter})` : ''}`,
        ),
      };
    }
    case 'paused':
      if (state.phase !== 'running' && state.phase !== 'paused') return {};
      return { phase: message.paused ? 'paused' : 'running' };
    case 'fatal':
      return {
        phase: 'failed',
        error: message.message,
        finishedAt: now,
        log: log('error', message.message),
      };
    case 'engine':
      return reduceEngineEvent(state, message.event, now, log);
  }
}

function reduceEngineEvent(
  state: RunState,
  event: EngineEvent,
  now: number,
  log: (level: LogEntry['level'], text: string) => LogEntry[],
): Partial<RunState> {
  switch (event.kind) {
    case 'run-started':
      return {
        spec: event.spec,
        environment: event.environment,
        dataset: event.dataset,
        planned: event.points,
        log: log('info', `Started "${event.spec.name}": ${event.dataset}`),
      };
    case 'point-started':
      return {
        log: log(
          'info',
          `Point ${event.pointIndex + 1}: width ${event.width}, ${event.parameterCount} parameters`,
        ),
      };
    case 'round-started':
      return {
        log: log(
          'info',
          `Training ${event.ns.length} probes at once, stacked: N = ${event.ns.join(', ')}`,
        ),
      };
    case 'probe-started':
      return {
        current: {
          pointIndex: event.pointIndex,
          seedIndex: event.seedIndex,
          n: event.n,
          startedAt: now,
          curve: [],
        },
      };
    case 'epoch': {
      const current = state.current;
      if (!current || current.n !== event.n) return {};
      const point = { epoch: event.epoch, loss: event.loss, accuracy: event.accuracy };
      return { current: { ...current, curve: [...current.curve, point] } };
    }
    case 'probe-extended':
      return {
        log: log(
          'info',
          `N = ${event.n} still inconclusive after ${formatCount(event.steps)} steps: training on (budget doubled)`,
        ),
      };
    case 'probe-finished': {
      const probe = event.probe;
      const atSeconds = (now - (state.startedAt ?? now)) / 1000;
      return {
        probes: [...state.probes, { ...probe, atSeconds }],
        log: log(
          'info',
          `N = ${probe.n}: ${probeVerdict(probe)}${probe.replayed ? ', replayed from the interrupted run' : ''}`,
        ),
      };
    }
    case 'point-finished': {
      const point = event.point;
      const text = `${point.model}: EMC ${formatEmc(point)} with ${point.parameterCount} parameters`;
      return {
        points: [...state.points, point],
        log: point.budgetLimited
          ? log('warn', `${text} (${BUDGET_LIMITED_NOTE})`)
          : log('info', text),
      };
    }
    case 'generalization-started':
      return {
        log: log(
          'info',
          `Measuring generalization at N = ${event.n}, the smallest EMC of the sweep: ${event.probes} more trainings`,
        ),
      };
    case 'generalization-measured': {
      const { pointIndex, n, trainAccuracy, testAccuracy, fits } = event;
      const point = state.points[pointIndex];
      // The run-finished results carry the same; updating now lets the panel show it early.
      const points = state.points.map((p, i) =>
        i === pointIndex ? { ...p, generalization: { n, trainAccuracy, testAccuracy, fits } } : p,
      );
      return {
        points,
        log: log(
          'info',
          `Generalization at N = ${n} (shared by the sweep): test accuracy ${percent(testAccuracy)}${point ? ` for ${point.model}` : ''}`,
        ),
      };
    }
    case 'run-finished': {
      const { results } = event;
      const phase =
        results.status === 'complete'
          ? 'finished'
          : results.status === 'cancelled'
            ? 'cancelled'
            : 'failed';
      return {
        phase,
        results,
        points: results.points,
        finishedAt: now,
        log: log('info', `Run ${results.status} after ${results.probes.length} probes`),
      };
    }
    case 'error':
      return {
        phase: 'failed',
        error: event.message,
        finishedAt: now,
        log: log('error', event.message),
      };
  }
}

/** The results document of the run so far: what is saved, exported and shared. */
export function liveResults(state: RunState): ExperimentResults | undefined {
  if (state.results && state.phase !== 'running') return state.results;
  if (!state.spec || !state.environment) return undefined;
  const status =
    state.phase === 'finished'
      ? 'complete'
      : state.phase === 'failed'
        ? 'failed'
        : state.phase === 'cancelled'
          ? 'cancelled'
          : 'running';
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    status,
    spec: state.spec,
    environment: state.environment,
    dataset: state.dataset ?? '',
    startedAt: state.startedIso ?? '',
    finishedAt: status === 'running' ? null : new Date().toISOString(),
    points: state.points,
    probes: state.probes.map(({ atSeconds: _, ...probe }) => probe),
    ...(state.error ? { error: state.error } : {}),
  };
}

/** Probes read from a file have no finish times: space them by their own wall times. */
function withProbeTimes(probes: ProbeRecord[]): TimedProbe[] {
  let elapsed = 0;
  return probes.map((probe) => {
    elapsed += probe.wallMs / 1000;
    return { ...probe, atSeconds: elapsed };
  });
}

/**
 * A point's EMC as the lab shows it: "≥ 96" when it is only a lower bound, because every N
 * up to the pool fitted (censored) or a decisive probe ran out of steps (budget-limited).
 */
export function formatEmc(point: PointResult): string {
  const lowerBound = point.budgetLimited || point.seeds.some((s) => s.censored);
  const spread = point.seeds.length > 1 ? ` ± ${point.emcStd.toFixed(1)}` : '';
  return `${lowerBound ? '≥ ' : ''}${Math.round(point.emcMean * 10) / 10}${spread}`;
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

function appendLog(
  log: LogEntry[],
  startedAt: number | undefined,
  now: number,
  level: LogEntry['level'],
  text: string,
): LogEntry[] {
  const entry = { atSeconds: (now - (startedAt ?? now)) / 1000, level, text };
  const next = [...log, entry];
  return next.length > LOG_LIMIT ? next.slice(next.length - LOG_LIMIT) : next;
}
