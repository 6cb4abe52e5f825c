import type { EngineEvent, ExperimentResults, ProbeRecord } from '../engine/index.ts';
import { describeEvent } from '../share/describeEvent.ts';
import type { WorkerMessage } from '../worker/protocol.ts';
import { appendLog } from './runLog.ts';
import type { LogEntry, RunState } from './runTypes.ts';

/** The part of the run state one worker message changes. */
export function reduce(state: RunState, message: WorkerMessage, now: number): Partial<RunState> {
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
    case 'alive':
    case 'life-lock-held':
      return {}; // the worker client's watchdog reads these
    case 'backend-timing':
      return {}; // answers the background timing's own worker (BackendUpgrade), never a run's
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
  const described = describeEvent(event);
  // Progress (a probe's start, its epochs) is too frequent for the log.
  const logged = () =>
    described.level === 'progress' ? state.log : log(described.level, described.text);
  switch (event.kind) {
    case 'run-started':
      return {
        spec: event.spec,
        environment: event.environment,
        dataset: event.dataset,
        planned: event.points,
        log: logged(),
      };
    case 'point-started':
      return { log: logged() };
    case 'round-started':
      return { log: logged() };
    case 'probe-started':
      return { current: freshProbe(event, now) };
    case 'epoch': {
      const current = state.current;
      // With several workers, the curve shown is that of the probe started last.
      const same =
        current?.n === event.n &&
        current.pointIndex === event.pointIndex &&
        current.seedIndex === event.seedIndex;
      if (!current || !same) return {};
      const point = { epoch: event.epoch, loss: event.loss, accuracy: event.accuracy };
      return { current: { ...current, curve: [...current.curve, point] } };
    }
    case 'probe-extended':
      return { log: logged() };
    case 'verification-started':
      return {
        current: freshProbe(event, now),
        log: logged(),
      };
    case 'probe-finished': {
      const probe = event.probe;
      const atSeconds = (now - (state.startedAt ?? now)) / 1000;
      // A resumed run shows its kept probes from the start: their replay adds nothing new.
      const kept = probe.replayed && state.probes.some((p) => probeKey(p) === probeKey(probe));
      return {
        probes: kept ? state.probes : [...state.probes, { ...probe, atSeconds }],
        log: logged(),
      };
    }
    case 'point-finished': {
      const point = event.point;
      return {
        // In sweep order: with several workers a wider point may finish first. A resumed
        // run's kept point is replaced by its replay.
        points: [...state.points.filter((p) => p.index !== point.index), point].sort(
          (a, b) => a.index - b.index,
        ),
        log: logged(),
      };
    }
    case 'generalization-started':
      return { log: logged() };
    case 'generalization-measured': {
      const { pointIndex, n, trainAccuracy, testAccuracy, fits } = event;
      // The run-finished results carry the same; updating now lets the panel show it early.
      const points = state.points.map((p, i) =>
        i === pointIndex ? { ...p, generalization: { n, trainAccuracy, testAccuracy, fits } } : p,
      );
      return {
        points,
        log: logged(),
      };
    }
    case 'run-finished': {
      const results = withKeptResults(event.results, state);
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
        log: logged(),
      };
    }
    case 'error':
      return {
        phase: 'failed',
        error: event.message,
        finishedAt: now,
        log: logged(),
      };
  }
}

/** Which probe of the sweep a record is: the engine's replay key. */
export function probeKey(
  probe: Pick<ProbeRecord, 'pointIndex' | 'seedIndex' | 'n' | 'verification'>,
): string {
  return `${probe.pointIndex}/${probe.seedIndex}/${probe.n}${probe.verification ? '/verification' : ''}`;
}

/**
 * A resumed run stopped (or failed) before its worker had replayed every kept probe: the
 * results still hold them, and the points they had finished, so the saved run loses nothing.
 */
function withKeptResults(results: ExperimentResults, state: RunState): ExperimentResults {
  if (results.status === 'complete') return results;
  const inResults = new Set(results.probes.map(probeKey));
  const missing = state.probes.filter((p) => !inResults.has(probeKey(p)));
  const pointIndices = new Set(results.points.map((p) => p.index));
  const missingPoints = state.points.filter((p) => !pointIndices.has(p.index));
  if (missing.length === 0 && missingPoints.length === 0) return results;
  return {
    ...results,
    points: [...results.points, ...missingPoints].sort((a, b) => a.index - b.index),
    probes: [...results.probes, ...missing.map(({ atSeconds: _, ...probe }) => probe)],
  };
}

/** A probe (or a verification) that has just started training: no epochs yet. */
function freshProbe(
  event: { pointIndex: number; seedIndex: number; n: number },
  now: number,
): NonNullable<RunState['current']> {
  return {
    pointIndex: event.pointIndex,
    seedIndex: event.seedIndex,
    n: event.n,
    startedAt: now,
    curve: [],
  };
}
