import { epochShape } from '../engine/train/epochRules.ts';
import type { RunState } from './runTypes.ts';

/** Probes a search usually needs before any has finished: gallop plus bisection. */
const TYPICAL_PROBES_PER_SEARCH = 8;

export interface RunProgress {
  /** 0..1 over the whole sweep (every point × seed search). */
  sweep: number;
  /** 0..1 of the current probe's step cap (train.maxSteps, in epochs of its N). */
  probe: number;
  /** Seconds left, from the probes' measured training times; undefined until one finished. */
  secondsLeft?: number;
}

/**
 * Progress and time left. The time left comes from measured training times only (never the
 * worker's start-up or auto's backend timing, which would inflate every probe): once a
 * point is finished, each remaining point takes as long per parameter as the finished ones
 * did (a wider model fits more samples, so its probes are larger and more numerous); before
 * that, each search takes the typical number of probes at the finished probes' average time.
 */
export function estimateProgress(state: RunState): RunProgress {
  const seeds = state.spec?.search.seeds ?? 1;
  const searches = Math.max(1, state.planned.length * seeds);
  const finishedSearches = state.points.reduce((sum, p) => sum + p.seeds.length, 0);
  const probesPerSearch =
    finishedSearches > 0
      ? state.points.reduce((sum, p) => sum + p.seeds.reduce((s, seed) => s + seed.probes, 0), 0) /
        finishedSearches
      : TYPICAL_PROBES_PER_SEARCH;
  const probesInFinished = state.points.reduce(
    (sum, p) => sum + p.seeds.reduce((s, seed) => s + seed.probes, 0),
    0,
  );
  const probesInCurrent = Math.max(0, state.probes.length - probesInFinished);
  const currentFraction = Math.min(0.95, probesInCurrent / Math.max(1, probesPerSearch));
  const done = ['finished'].includes(state.phase);
  const sweep = done ? 1 : Math.min(1, (finishedSearches + currentFraction) / searches);

  const lastEpoch = state.current?.curve.at(-1)?.epoch ?? 0;
  const probe = state.current
    ? Math.min(1, lastEpoch / capEpochs(state, state.current.n))
    : done
      ? 1
      : 0;

  const secondsLeft = done ? undefined : measuredSecondsLeft(state, searches, probesPerSearch);
  return { sweep, probe, secondsLeft };
}

function measuredSecondsLeft(
  state: RunState,
  searches: number,
  probesPerSearch: number,
): number | undefined {
  if (state.probes.length === 0) return undefined;
  const seeds = state.spec?.search.seeds ?? 1;
  const finishedMs = state.points.reduce((sum, p) => sum + p.wallMs, 0);
  const finishedParameterSearches = state.points.reduce(
    (sum, p) => sum + p.parameterCount * p.seeds.length,
    0,
  );
  if (finishedParameterSearches > 0) {
    const msPerParameterSearch = finishedMs / finishedParameterSearches;
    const finishedIndexes = new Set(state.points.map((p) => p.index));
    const unfinished = state.planned.filter((_, index) => !finishedIndexes.has(index));
    const plannedMs = unfinished.reduce(
      (sum, p) => sum + p.parameterCount * seeds * msPerParameterSearch,
      0,
    );
    const spentMs = state.probes
      .filter((p) => !finishedIndexes.has(p.pointIndex))
      .reduce((sum, p) => sum + p.wallMs, 0);
    return Math.max(0, plannedMs - spentMs) / 1000;
  }
  const msPerProbe = state.probes.reduce((sum, p) => sum + p.wallMs, 0) / state.probes.length;
  const remainingProbes = Math.max(0, searches * probesPerSearch - state.probes.length);
  return (remainingProbes * msPerProbe) / 1000;
}

/** The epochs the step cap allows a probe of `n` samples (one step per mini-batch). */
function capEpochs(state: RunState, n: number): number {
  const train = state.spec?.train;
  if (!train) return 1;
  return Math.max(1, Math.ceil(train.maxSteps / epochShape(n, train).stepsPerEpoch));
}
