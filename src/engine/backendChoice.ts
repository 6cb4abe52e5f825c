import * as tf from '@tensorflow/tfjs';
import { formatMs } from './formatMs.ts';
import type { ExperimentSpec } from './experiment/index.ts';
import { type StepTiming, type StepTimingOptions, timeTrainingSteps } from './train/stepTiming.ts';

/** A backend averaging this many times the fastest step so far is not timed further. */
export const GIVE_UP_FACTOR = 3;

/** One backend's part in an automatic choice: its step time, or why it was not timed. */
export interface BackendMeasurement {
  name: string;
  timing?: StepTiming;
  problem?: string;
}

export interface MeasuredChoice {
  chosen: string;
  measurements: BackendMeasurement[];
}

/**
 * "auto", by measurement rather than by name: a software WebGPU adapter or software WebGL
 * can be many times slower than WASM, and only a timing of the run's own model says which
 * backend is fastest on this machine (docs/architecture.md, "Yardsticks for speed"). Starts each
 * candidate in turn (cheapest to time first: the CPU backends compile nothing) with `start` (which answers a problem, or undefined once the backend
 * runs), times the spec's first training steps on it, and leaves the fastest one running.
 * Backends stay initialized, so what the winner compiled while being timed is reused.
 */
export async function chooseFastestBackend(
  candidates: readonly string[],
  spec: ExperimentSpec,
  start: (name: string) => Promise<string | undefined>,
  timeSteps: (
    spec: ExperimentSpec,
    options: StepTimingOptions,
  ) => Promise<StepTiming> = timeTrainingSteps,
): Promise<MeasuredChoice> {
  const measurements: BackendMeasurement[] = [];
  let fastestMs = Number.POSITIVE_INFINITY;
  for (const name of candidates) {
    const problem = await start(name);
    if (problem !== undefined) {
      measurements.push({ name, problem });
      continue;
    }
    try {
      // Timing stops early once a backend is clearly slower than the best so far.
      const timing = await timeSteps(spec, { giveUpAboveMs: GIVE_UP_FACTOR * fastestMs });
      fastestMs = Math.min(fastestMs, timing.msPerStep);
      measurements.push({ name, timing });
    } catch (error) {
      measurements.push({ name, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  const timed = measurements.filter((m) => m.timing !== undefined);
  if (timed.length === 0) {
    throw new Error(
      `No TensorFlow.js backend could train this model:\n${measurements
        .map((m) => `${m.name}: ${m.problem}`)
        .join('\n')}`,
    );
  }
  const fastest = timed.reduce((best, m) =>
    (m.timing as StepTiming).msPerStep < (best.timing as StepTiming).msPerStep ? m : best,
  );
  const restarted = await start(fastest.name);
  if (restarted !== undefined) throw new Error(`${fastest.name} failed to restart: ${restarted}`);
  return { chosen: fastest.name, measurements };
}

/**
 * Makes `name` the running tfjs backend: undefined once it runs, else why not (not
 * registered, failed to initialize, or its error), never an exception.
 */
export async function startTfBackend(name: string): Promise<string | undefined> {
  try {
    if (!tf.findBackend(name) && !tf.engine().registryFactory[name]) return 'not registered';
    if (!(await tf.setBackend(name))) return 'failed to initialize';
    await tf.ready();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * "Measured one training step of the first model: wasm 1.9 ms, webgpu 31 ms (warm-up
 * 2.4 s), cpu: failed to initialize. Training on wasm, the fastest here."
 */
export function describeMeasuredChoice(
  { chosen, measurements }: MeasuredChoice,
  timedLater: readonly string[] = [],
): string {
  const parts = measurements.map(({ name, timing, problem }) => {
    if (!timing) return `${name}: ${problem}`;
    if (timing.steps === 0) return `${name} over ${formatMs(timing.msPerStep)} (its first step)`;
    const warmup = timing.warmupMs >= 500 ? ` (warm-up ${formatMs(timing.warmupMs)})` : '';
    return `${name} ${formatMs(timing.msPerStep)}${warmup}`;
  });
  const fastest =
    timedLater.length > 0
      ? `the fastest of the CPU backends; ${timedLater.join(' and ')} ${timedLater.length > 1 ? 'are' : 'is'} timed while it trains`
      : 'the fastest here';
  return `Measured one training step of the first model: ${parts.join(', ')}. Training on ${chosen}, ${fastest}.`;
}
