import type { ExperimentResults, PointResult, ProbeRecord, RunEnvironment } from './results.ts';
import type { ExperimentSpec } from './experiment/index.ts';
import type { EpochMetrics } from './train/fitProbe.ts';

/**
 * Progress of a run, emitted in this order: run-started, then per point point-started,
 * per probe probe-started / epoch* / probe-finished, point-finished; then, when the data has
 * a test split, generalization-started and one generalization-measured per point; finally
 * run-finished (also for a stopped run, with status "cancelled") or error. With search.parallel > 1, a
 * round-started precedes each round of several probes: their probe-started events come
 * first, then their epochs interleaved, then their results. When a seed's search ends, a
 * verification-started and its probe's epochs and probe-finished follow (search.verify),
 * and after an overturned verdict the search's next probes. Every event has a `kind`, so
 * the worker can forward them as messages unchanged.
 */
export type EngineEvent =
  | {
      kind: 'run-started';
      spec: ExperimentSpec;
      environment: RunEnvironment;
      dataset: string;
      /** `dimension`: the random subspace's d, the parameters that train, where there is one. */
      points: Array<{ width: number; parameterCount: number; model: string; dimension?: number }>;
    }
  | { kind: 'point-started'; pointIndex: number; width: number; parameterCount: number }
  | { kind: 'round-started'; pointIndex: number; seedIndex: number; ns: number[] }
  | { kind: 'probe-started'; pointIndex: number; seedIndex: number; n: number }
  | ({ kind: 'epoch'; pointIndex: number; seedIndex: number; n: number } & EpochMetrics)
  /** A probe was inconclusive at its budget's end and trains on, from where it stopped. */
  | { kind: 'probe-extended'; pointIndex: number; seedIndex: number; n: number; steps: number }
  | { kind: 'probe-finished'; probe: ProbeRecord }
  /**
   * A seed's search ended on a "does not fit" at `n`: that probe trains again for `steps`
   * with the plateau stop off. Its probe-finished (verification: true) says whether the
   * verdict held; if it fitted, the search goes on above `n`.
   */
  | {
      kind: 'verification-started';
      pointIndex: number;
      seedIndex: number;
      n: number;
      steps: number;
    }
  | { kind: 'point-finished'; point: PointResult }
  /**
   * Every point is measured: each (point, seed) now trains once more at `n`, the smallest
   * EMC of the sweep, to compare the models' test accuracy on equal training data.
   */
  | { kind: 'generalization-started'; n: number; probes: number }
  /** A point's generalization at the shared N (means over seeds); see PointResult.generalization. */
  | {
      kind: 'generalization-measured';
      pointIndex: number;
      n: number;
      trainAccuracy: number;
      testAccuracy: number;
      fits: boolean;
    }
  | { kind: 'run-finished'; results: ExperimentResults }
  | { kind: 'error'; message: string };

export type EngineEventKind = EngineEvent['kind'];
export type EventSink = (event: EngineEvent) => void;
