import type { ExperimentResults, ProbeRecord } from '../engine/index.ts';
import { resultsDocument } from '../engine/results.ts';
import type { RunState, TimedProbe } from './runTypes.ts';

/** The results document of the run so far: what is saved, exported and shared. */
export function liveResults(
  state: Pick<
    RunState,
    | 'phase'
    | 'results'
    | 'spec'
    | 'environment'
    | 'dataset'
    | 'startedIso'
    | 'points'
    | 'probes'
    | 'error'
  >,
): ExperimentResults | undefined {
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
  return resultsDocument({
    status,
    spec: state.spec,
    environment: state.environment,
    dataset: state.dataset ?? '',
    startedAt: state.startedIso ?? '',
    finishedAt: status === 'running' ? null : new Date().toISOString(),
    points: state.points,
    probes: state.probes.map(({ atSeconds: _, ...probe }) => probe),
    ...(state.error ? { error: state.error } : {}),
  });
}

/** Probes read from a file have no finish times: space them by their own wall times. */
export function withProbeTimes(probes: ProbeRecord[]): TimedProbe[] {
  let elapsed = 0;
  return probes.map((probe) => {
    elapsed += probe.wallMs / 1000;
    return { ...probe, atSeconds: elapsed };
  });
}
