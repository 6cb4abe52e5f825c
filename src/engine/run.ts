import * as tf from '@tensorflow/tfjs';
import { RunCancelledError, type RunControl } from './control.ts';
import { type DatasetFiles, openDataset, type UserDataFile } from './data/index.ts';
import { RepeatData } from './data/repeatData.ts';
import { sweepPoints } from './experiment/sweepPoints.ts';
import type { EngineEvent, EventSink } from './events.ts';
import { type ModelPlan, planModel } from './models/index.ts';
import { createRng, deriveSeed, permutation } from './random.ts';
import {
  type ExperimentResults,
  findNonMonotone,
  isBudgetLimited,
  mean,
  type PointResult,
  type ProbeRecord,
  resultsDocument,
  type RunEnvironment,
  type SeedResult,
  sampleStd,
} from './results.ts';
import { parallelGallopThenBisect, type SearchOutcome } from './search/gallopThenBisect.ts';
import { measureGeneralizationAtSharedSize } from './sharedSizeGeneralization.ts';
import { type ShardId, shardingProblem, shardOfJob } from './shards.ts';
import {
  type ExperimentSpec,
  MAX_STEPS,
  parseSpec,
  START_FRACTION_OF_PARAMETERS,
  type TrainSpec,
  VERIFY_FACTOR,
  VERIFY_MIN_DELTA_DIVISOR,
} from './experiment/index.ts';
import { type EpochMetrics, type FitProbeInput, fitProbe } from './train/fitProbe.ts';
import { fitProbesStacked } from './train/stackedProbes.ts';
import { ProbeFailedError } from './train/probeFailure.ts';
import { ENGINE_VERSION } from './version.ts';

export interface RunOptions {
  onEvent?: EventSink;
  control?: RunControl;
  /** Facts the engine cannot see itself (the WebGPU adapter's name, say). */
  environment?: Partial<RunEnvironment>;
  /**
   * Probes already measured for this same spec (an interrupted run): their outcomes are
   * reused instead of retraining. The search is deterministic given its answers, so the
   * run retraces its path through them and continues where it stopped.
   */
  replay?: readonly ProbeRecord[];
  /** Where the shipped datasets (MNIST, ...) are read from; gaussian data needs none. */
  files?: DatasetFiles;
  /** The user's own data, for a spec whose source is "csv" or "images" (checked by hash). */
  userData?: UserDataFile;
  /**
   * Run only shard `index` of `count` (1-based) of the sweep's (width, seed) jobs, for a
   * sweep spread over machines (see shards.ts); the results are partial, for mergeShards.
   */
  shard?: ShardId;
  /**
   * Judge mini-batch plateaus on epochs' mean batch loss instead of the full-batch loss:
   * the rule before, kept for the bench's comparison of the two (not part of a spec).
   */
  plateauOnEpochMean?: boolean;
}

/**
 * Measures EMC for every model of the sweep: for each width and each seed, a
 * gallop-then-bisect search whose every probe is one full training. Returns the results
 * document (also when stopped: status "cancelled", with every finished probe).
 */
export async function runExperiment(
  specInput: unknown,
  options: RunOptions = {},
): Promise<ExperimentResults> {
  const spec = parseSpec(specInput);
  const emit = (event: EngineEvent) => options.onEvent?.(event);
  const shardProblem = options.shard && shardingProblem(spec, options.shard);
  if (shardProblem) throw new Error(shardProblem);
  const inShard = (pointIndex: number, seedIndex: number) =>
    !options.shard ||
    shardOfJob(spec, pointIndex, seedIndex, options.shard.count) === options.shard.index;
  const data = new RepeatData(
    spec.data,
    spec.seed,
    await openDataset(spec.data, options.files, options.userData),
  );
  const dataset = data.first;
  const plans = sweepPoints(spec).map(({ width, dimension }) =>
    planModel(spec.model, width, dataset.inputShape, dataset.classes, dimension),
  );
  const results: ExperimentResults = resultsDocument({
    status: 'complete',
    spec,
    environment: { ...describeEnvironment(), ...options.environment },
    dataset: dataset.description,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    points: [],
    probes: [],
    ...(options.shard ? { shard: { ...options.shard } } : {}),
  });
  emit({
    kind: 'run-started',
    spec,
    environment: results.environment,
    dataset: dataset.description,
    points: plans.map((plan) => ({
      width: plan.width,
      parameterCount: plan.parameterCount,
      model: plan.describe(),
      ...subspaceDimension(plan),
    })),
  });

  const replay = new Map((options.replay ?? []).map((p) => [replayKey(p), p]));
  try {
    let guess = spec.search.start;
    for (const [pointIndex, plan] of plans.entries()) {
      const seedIndices = Array.from({ length: spec.search.seeds }, (_, i) => i).filter((i) =>
        inShard(pointIndex, i),
      );
      if (seedIndices.length === 0) continue;
      const point = await measurePoint(spec, plan, pointIndex, data, guess, results, {
        ...options,
        replayed: replay,
        seedIndices,
      });
      results.points.push(point);
      emit({ kind: 'point-finished', point });
      // Warm start: a wider model's EMC is near the previous one's, so start the search there.
      if (spec.search.warmStart) guess = Math.max(1, Math.round(point.emcMean));
    }
    // Generalization needs every point's EMC: a shard leaves it to the merge.
    if (spec.data.testSize > 0 && !options.shard) {
      results.points = await measureGeneralizationAtSharedSize({
        points: results.points,
        seeds: spec.search.seeds,
        probeInput: (pointIndex, seedIndex) =>
          searchProbeInput(spec, plans[pointIndex] as ModelPlan, data, seedIndex, options.control),
        onEvent: options.onEvent,
      });
    }
  } catch (error) {
    if (!(error instanceof RunCancelledError)) {
      results.status = 'failed';
      results.error = error instanceof Error ? error.message : String(error);
      emit({ kind: 'error', message: results.error });
      throw error;
    }
    results.status = 'cancelled';
  } finally {
    data.dispose();
  }
  results.finishedAt = new Date().toISOString();
  emit({ kind: 'run-finished', results });
  return results;
}

async function measurePoint(
  spec: ExperimentSpec,
  plan: ModelPlan,
  pointIndex: number,
  data: RepeatData,
  guess: number | undefined,
  results: ExperimentResults,
  options: RunOptions & { replayed: Map<string, ProbeRecord>; seedIndices: number[] },
): Promise<PointResult> {
  const started = performance.now();
  const emit = (event: EngineEvent) => options.onEvent?.(event);
  emit({
    kind: 'point-started',
    pointIndex,
    width: plan.width,
    parameterCount: plan.parameterCount,
  });
  const start = guess ?? Math.max(1, Math.ceil(plan.parameterCount * START_FRACTION_OF_PARAMETERS));
  const seeds: SeedResult[] = [];
  const pointProbes: ProbeRecord[] = [];

  for (const seedIndex of options.seedIndices) {
    const { seed } = repeatSeeds(spec, seedIndex);
    const probeInput = {
      ...searchProbeInput(spec, plan, data, seedIndex, options.control),
      plateauOnEpochMean: options.plateauOnEpochMean,
    };
    const testAccuracyAt = new Map<number, number | null>();
    const seedProbes: ProbeRecord[] = [];
    const record = (probe: ProbeRecord) => {
      results.probes.push(probe);
      pointProbes.push(probe);
      seedProbes.push(probe);
      testAccuracyAt.set(probe.n, probe.testAccuracy);
      emit({ kind: 'probe-finished', probe });
    };
    // One round of the search: its N, each answered by a replayed probe or a training; with
    // search.parallel > 1 the trainings of a round run stacked, as one computation.
    const answerRound = async (ns: readonly number[]): Promise<boolean[]> => {
      if (ns.length > 1) emit({ kind: 'round-started', pointIndex, seedIndex, ns: [...ns] });
      for (const n of ns) emit({ kind: 'probe-started', pointIndex, seedIndex, n });
      const outcomes = new Map<number, ProbeRecord>();
      const fresh: number[] = [];
      for (const n of ns) {
        const earlier = options.replayed.get(replayKey({ pointIndex, seedIndex, n }));
        if (earlier) outcomes.set(n, { ...earlier, replayed: true });
        else fresh.push(n);
      }
      const onEpoch = (n: number, metrics: EpochMetrics) =>
        emit({ kind: 'epoch', pointIndex, seedIndex, n, ...metrics });
      const onExtend = (n: number, steps: number) =>
        emit({ kind: 'probe-extended', pointIndex, seedIndex, n, steps });
      try {
        if (fresh.length > 1) {
          const trained = await fitProbesStacked({ ...probeInput, ns: fresh, onEpoch, onExtend });
          for (const outcome of trained) {
            outcomes.set(outcome.n, { pointIndex, seedIndex, ...outcome, verification: false });
          }
        } else {
          for (const n of fresh) {
            const outcome = await fitProbe({
              ...probeInput,
              n,
              onEpoch: (metrics) => onEpoch(n, metrics),
              onExtend: (steps) => onExtend(n, steps),
            });
            outcomes.set(n, { pointIndex, seedIndex, ...outcome, verification: false });
          }
        }
      } catch (error) {
        if (error instanceof RunCancelledError) throw error;
        const n = Math.max(...fresh);
        throw new ProbeFailedError({ pointIndex, width: plan.width, seedIndex, n }, error);
      }
      return ns.map((n) => {
        const probe = outcomes.get(n) as ProbeRecord;
        record(probe);
        return probe.fits;
      });
    };
    // The search is deterministic given its answers: after a verdict is overturned it runs
    // again through the answers it has (the overturned N now fits) and goes on above.
    const answers = new Map<number, boolean>();
    const answerRemembered = async (ns: readonly number[]): Promise<boolean[]> => {
      const unknown = ns.filter((n) => !answers.has(n));
      if (unknown.length > 0) {
        const fresh = await answerRound(unknown);
        unknown.forEach((n, i) => answers.set(n, fresh[i] as boolean));
      }
      return ns.map((n) => answers.get(n) as boolean);
    };
    let overturned = 0;
    let verified = false;
    let search: SearchOutcome;
    for (;;) {
      search = await parallelGallopThenBisect(answerRemembered, {
        start,
        max: spec.data.poolSize,
        precision: spec.search.precision,
        parallel: spec.search.parallel,
      });
      const hi = search.bracket[1];
      const decisive =
        hi === null
          ? undefined
          : [...seedProbes].reverse().find((p) => p.n === hi && !p.verification);
      if (!spec.search.verify || !decisive || decisive.stopReason === 'budget') break;
      // A probe replayed from a record that lost its step count cannot be trained 4× longer.
      if (!Number.isFinite(decisive.steps)) break;
      // A diverged loss diverges again on the same seeded trajectory: nothing to verify.
      if (decisive.stopReason !== 'converged') {
        verified = true;
        break;
      }
      const check = await verifyVerdict(decisive);
      record(check);
      if (!check.fits) {
        verified = true;
        break;
      }
      overturned++;
      answers.set(decisive.n, true);
    }
    seeds.push({
      seedIndex,
      seed,
      emc: search.emc,
      bracket: search.bracket,
      censored: search.censored,
      budgetLimited: isBudgetLimited(search.bracket, seedProbes),
      verified,
      overturned,
      probes: seedProbes.length,
      testAccuracy: testAccuracyAt.get(search.emc) ?? null,
    });

    /**
     * Trains the decisive probe again from its initialization, for VERIFY_FACTOR times its
     * steps beyond where it stopped, with the plateau stop off and a more patient
     * learning-rate schedule (verificationTrain): a verdict must hold when training is
     * longer and when it is more patient. Retraining instead of keeping the model spares
     * memory between probes.
     */
    async function verifyVerdict(decisive: ProbeRecord): Promise<ProbeRecord> {
      const { n } = decisive;
      const steps = Math.min(MAX_STEPS, decisive.steps * (1 + VERIFY_FACTOR));
      emit({ kind: 'verification-started', pointIndex, seedIndex, n, steps });
      const earlier = options.replayed.get(
        replayKey({ pointIndex, seedIndex, n, verification: true }),
      );
      if (earlier) return { ...earlier, replayed: true };
      try {
        const outcome = await fitProbe({
          ...probeInput,
          n,
          train: verificationTrain(spec.train, steps),
          plateauStops: false,
          onEpoch: (metrics) => emit({ kind: 'epoch', pointIndex, seedIndex, n, ...metrics }),
        });
        return { pointIndex, seedIndex, ...outcome, verification: true };
      } catch (error) {
        if (error instanceof RunCancelledError) throw error;
        throw new ProbeFailedError({ pointIndex, width: plan.width, seedIndex, n }, error);
      }
    }
  }

  const emcs = seeds.map((s) => s.emc);
  return {
    index: pointIndex,
    width: plan.width,
    model: plan.describe(),
    parameterCount: plan.parameterCount,
    ...subspaceDimension(plan),
    emcMean: mean(emcs),
    emcStd: sampleStd(emcs),
    budgetLimited: seeds.some((s) => s.budgetLimited),
    verified: seeds.every((s) => s.verified),
    seeds,
    nonMonotone: findNonMonotone(pointProbes),
    wallMs: performance.now() - started,
    // Measured once every point is: it needs the smallest EMC of the whole sweep.
    generalization: null,
  };
}

/**
 * The generalization step of a run, for finished points that were measured apart (the
 * merged shards of a sweep): the same probes, on the same data, as runExperiment trains
 * after its last point. Results without a test split come back as they are.
 */
export async function measureGeneralization(
  results: ExperimentResults,
  options: Pick<RunOptions, 'files' | 'userData' | 'onEvent' | 'control'> = {},
): Promise<ExperimentResults> {
  const { spec } = results;
  if (spec.data.testSize === 0) return results;
  const data = new RepeatData(
    spec.data,
    spec.seed,
    await openDataset(spec.data, options.files, options.userData),
  );
  try {
    const plans = sweepPoints(spec).map(({ width, dimension }) =>
      planModel(spec.model, width, data.first.inputShape, data.first.classes, dimension),
    );
    const points = await measureGeneralizationAtSharedSize({
      points: results.points,
      seeds: spec.search.seeds,
      probeInput: (pointIndex, seedIndex) =>
        searchProbeInput(spec, plans[pointIndex] as ModelPlan, data, seedIndex, options.control),
      onEvent: options.onEvent,
    });
    return { ...results, points };
  } finally {
    data.dispose();
  }
}

/**
 * What every training of one point and repeat shares, whatever its N: the search's probes
 * and the generalization probe at the sweep's shared N train alike.
 */
function searchProbeInput(
  spec: ExperimentSpec,
  plan: ModelPlan,
  data: RepeatData,
  seedIndex: number,
  control: RunControl | undefined,
): Omit<FitProbeInput, 'n'> {
  const { order, initSeed } = repeatSeeds(spec, seedIndex);
  const device = data.device(seedIndex);
  return {
    plan,
    pool: device.pool,
    test: device.test,
    classes: spec.data.classes,
    order,
    train: spec.train,
    seed: initSeed,
    control,
  };
}

/**
 * What repeat `seedIndex` of a search draws: nested subsets (N samples are the first N of
 * one permutation per repeat) and the weights' initialization seed, the same for every N.
 */
export function repeatSeeds(
  spec: ExperimentSpec,
  seedIndex: number,
): { seed: number; order: Int32Array; initSeed: number } {
  const seed = deriveSeed(spec.seed, 'repeat', seedIndex);
  return {
    seed,
    order: permutation(spec.data.poolSize, createRng(deriveSeed(seed, 'order'))),
    initSeed: deriveSeed(seed, 'init') % 2 ** 31,
  };
}

function replayKey(
  probe: Pick<ProbeRecord, 'pointIndex' | 'seedIndex' | 'n'> & { verification?: boolean },
): string {
  return `${probe.pointIndex}/${probe.seedIndex}/${probe.n}${probe.verification ? '/verification' : ''}`;
}

function describeEnvironment(): RunEnvironment {
  const backend = tf.getBackend();
  const nodeProcess = (
    globalThis as { process?: { versions?: { node?: string }; platform?: string } }
  ).process;
  const userAgent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;
  return {
    backend,
    floatPrecision: tf.backend().floatPrecision(),
    tfjsVersion: tf.version.tfjs,
    engineVersion: ENGINE_VERSION,
    platform: nodeProcess?.versions?.node
      ? `node ${nodeProcess.versions.node} (${nodeProcess.platform})`
      : (userAgent ?? 'unknown'),
  };
}

/**
 * The training of a verification: `steps` long, its learning-rate cuts on plateaus of
 * VERIFY_FACTOR × the patience at minDelta ÷ VERIFY_MIN_DELTA_DIVISOR (the plateau stop
 * itself is off while verifying).
 */
export function verificationTrain(train: TrainSpec, steps: number): TrainSpec {
  return {
    ...train,
    maxSteps: steps,
    patience: Math.min(MAX_STEPS, train.patience * VERIFY_FACTOR),
    minDelta: train.minDelta / VERIFY_MIN_DELTA_DIVISOR,
  };
}

/** `{ dimension: d }` for a point trained in a random subspace (planned and measured alike). */
function subspaceDimension(plan: ModelPlan): { dimension?: number } {
  return plan.reparameterization?.kind === 'subspace'
    ? { dimension: plan.reparameterization.dimension }
    : {};
}
