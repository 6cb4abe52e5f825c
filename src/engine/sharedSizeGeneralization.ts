import { RunCancelledError } from './control.ts';
import type { EventSink } from './events.ts';
import { mean, type PointResult, type SharedSizeGeneralization } from './results.ts';
import { type FitProbeInput, fitProbe } from './train/fitProbe.ts';
import { ProbeFailedError } from './train/probeFailure.ts';

/**
 * The one training-set size every point of a sweep is evaluated at: the smallest EMC over
 * every point and seed. Every model fits that many samples (an EMC that is only a lower
 * bound still fitted at least that many), so each is compared at 100% train accuracy on
 * the same N. 0 when some search fitted nothing: there is nothing to compare at.
 */
export function sharedTrainingSize(points: readonly PointResult[]): number {
  const emcs = points.flatMap((point) => point.seeds.map((seed) => seed.emc));
  return emcs.length === 0 ? 0 : Math.min(...emcs);
}

export interface SharedSizeInput {
  points: readonly PointResult[];
  seeds: number;
  /**
   * Everything but N of the search's probe for this point and repeat (model plan, data on
   * the device, sample order, initialization seed, training spec), so the generalization
   * probe trains exactly as the search's probes did.
   */
  probeInput: (pointIndex: number, seedIndex: number) => Omit<FitProbeInput, 'n'>;
  onEvent?: EventSink;
}

/**
 * Trains every (point, seed) once more at the shared N and measures its test accuracy.
 * Returns the points with `generalization` filled in (null for all when the shared N is 0),
 * or throws RunCancelledError: a stopped run keeps no partial measurement. These probes
 * are not part of any search, so they are not recorded among the run's probes.
 */
export async function measureGeneralizationAtSharedSize(
  input: SharedSizeInput,
): Promise<PointResult[]> {
  const n = sharedTrainingSize(input.points);
  if (n === 0) return input.points.map((point) => ({ ...point, generalization: null }));
  input.onEvent?.({
    kind: 'generalization-started',
    n,
    probes: input.points.length * input.seeds,
  });
  const measured: SharedSizeGeneralization[] = [];
  for (const [pointIndex, point] of input.points.entries()) {
    const outcomes = [];
    for (let seedIndex = 0; seedIndex < input.seeds; seedIndex++) {
      try {
        outcomes.push(await fitProbe({ ...input.probeInput(pointIndex, seedIndex), n }));
      } catch (error) {
        if (error instanceof RunCancelledError) throw error;
        throw new ProbeFailedError({ pointIndex, width: point.width, seedIndex, n }, error);
      }
    }
    const testAccuracies = outcomes.map((outcome) => outcome.testAccuracy);
    if (!testAccuracies.every((a): a is number => a !== null)) {
      throw new Error('a generalization probe trained without a test split');
    }
    const generalization: SharedSizeGeneralization = {
      n,
      trainAccuracy: mean(outcomes.map((outcome) => outcome.finalAccuracy)),
      testAccuracy: mean(testAccuracies),
      fits: outcomes.every((outcome) => outcome.fits),
    };
    measured.push(generalization);
    input.onEvent?.({ kind: 'generalization-measured', pointIndex, ...generalization });
  }
  return input.points.map((point, i) => ({ ...point, generalization: measured[i] ?? null }));
}
