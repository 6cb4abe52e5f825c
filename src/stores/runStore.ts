import { create } from 'zustand';
import { withProbeTimes } from './liveResults.ts';
import { appendLog } from './runLog.ts';
import { reduce } from './runReducer.ts';
import type { RunState } from './runTypes.ts';

/**
 * The current run's store. What a worker message changes is runReducer.ts; the results a
 * run has so far, liveResults.ts; the types, runTypes.ts.
 */
const emptyRun = {
  runId: undefined,
  workers: undefined,
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
  begin: (spec, runId, workers = 1) =>
    set({
      ...emptyRun,
      phase: 'starting',
      runId,
      workers,
      spec,
      startedAt: performance.now(),
      startedIso: new Date().toISOString(),
    }),
  keep: (probes, points) =>
    set({
      probes: withProbeTimes([...probes]),
      points: [...points].sort((a, b) => a.index - b.index),
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
        ...(p.dimension === undefined ? {} : { dimension: p.dimension }),
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
  note: (level, text, now) =>
    set((state) => ({ log: appendLog(state.log, state.startedAt, now, level, text) })),
  apply: (messages, now) => {
    let state: RunState = get();
    for (const message of messages) state = { ...state, ...reduce(state, message, now) };
    set(state);
  },
}));
