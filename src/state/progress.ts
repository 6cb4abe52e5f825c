import { epochShape } from '../engine/train/epochRules.ts';
import type { RunState } from './runTypes.ts';

/** Probes a search usually needs before any has finished: gallop plus bisection. */
const TYPICAL_PROBES_PER_SEARCH = 8;
/** The time-left estimate appears only once this many probes have finished. */
const PROBES_BEFORE_ESTIMATE = 3;

export interface RunProgress {
  /** 0..1 over the whole sweep (every point × seed search). */
  sweep: number;
  /** 0..1 of the current probe's step cap (train.maxSteps, in epochs of its N). */
  probe: number;
  /** Seconds left, once a few probes have finished. */
  secondsLeft?: number;
}

/**
 * Progress and time left, estimated from the probes so far: each search takes about as many
 * probes as the finished ones did, each about as long as the average finished probe.
 */
export function estimateProgress(state: RunState, now: number): RunProgress {
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

  let secondsLeft: number | undefined;
  if (state.probes.length >= PROBES_BEFORE_ESTIMATE && !done && state.startedAt !== undefined) {
    const elapsed = (now - state.startedAt) / 1000;
    const perProbe = elapsed / state.probes.length;
    const remainingProbes = Math.max(
      0,
      searches * probesPerSearch - probesInFinished - probesInCurrent,
    );
    secondsLeft = remainingProbes * perProbe;
  }
  return { sweep, probe, secondsLeft };
}

/** The epochs the step cap allows a probe of `n` samples (one step per mini-batch). */
function capEpochs(state: RunState, n: number): number {
  const train = state.spec?.train;
  if (!train) return 1;
  return Math.max(1, Math.ceil(train.maxSteps / epochShape(n, train).stepsPerEpoch));
}
