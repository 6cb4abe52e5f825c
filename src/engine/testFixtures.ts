/**
 * Small, valid results records for tests of everything that consumes results (store,
 * links, files, CSV), so each test states only the fields it is about.
 */
import * as tf from '@tensorflow/tfjs';
import { gaussianNoise } from './data/gaussian.ts';
import { type ExperimentSpec, type ExperimentSpecInput, parseSpec } from './experiment/index.ts';
import { planModel } from './models/index.ts';
import { createRng, permutation } from './random.ts';
import type { PointResult, ProbeRecord, SeedResult } from './results.ts';
import type { RunEnvironment } from './resultsSchema.ts';
import { type FitProbeInput, fitProbe, type ProbeOutcome } from './train/fitProbe.ts';

/** The environment of a results document written by a test (cpu, float32). */
export const TEST_ENVIRONMENT: RunEnvironment = {
  backend: 'cpu',
  floatPrecision: 32,
  tfjsVersion: '4.22.0',
  engineVersion: '0.1.0',
  platform: 'test',
};

type SpecSections = Omit<ExperimentSpecInput, 'version' | 'seed' | 'name'>;

/** Per section, the fields a test sets; each section merges over the fixture's own. */
export type SpecOverrides = Partial<Pick<ExperimentSpecInput, 'seed' | 'name'>> & {
  [Section in keyof SpecSections]?: Partial<SpecSections[Section]>;
};

/**
 * A small valid spec, parsed: Gaussian data in 4 dimensions with 2 classes, a linear
 * classifier, Adam on batches of 4, a 500-step cap. Tests override only the fields they
 * are about, section by section: `specFixture({ train: { batchSize: 'full' } })`.
 */
export function specFixture(overrides: SpecOverrides = {}): ExperimentSpec {
  const base: ExperimentSpecInput = {
    version: 3,
    seed: 1,
    data: { source: 'gaussian', inputShape: [4], classes: 2, poolSize: 20 },
    model: { family: 'mlp', depth: 0 },
    sweep: { widths: [1] },
    train: {
      optimizer: 'adam',
      learningRate: 0.1,
      batchSize: 4,
      maxSteps: 500,
      patience: 20,
      minDelta: 0.001,
    },
    search: { precision: 0.1, seeds: 1 },
  };
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const own = (base as Record<string, unknown>)[key];
    merged[key] =
      own && typeof own === 'object' && !Array.isArray(own)
        ? { ...own, ...(value as object) }
        : value;
  }
  return parseSpec(merged);
}

/**
 * A probe that fitted, or (with `fits: false`) one that converged without fitting: the
 * ordinary "does not fit" of results version 2, with a small gradient and no saddle.
 */
export function probeRecord(overrides: Partial<ProbeRecord> = {}): ProbeRecord {
  const fits = overrides.fits ?? true;
  return {
    pointIndex: 0,
    seedIndex: 0,
    n: 10,
    fits,
    stopReason: fits ? 'fit' : 'converged',
    epochs: 10,
    steps: 10,
    finalLoss: 0.1,
    finalAccuracy: fits ? 1 : 0.9,
    testAccuracy: null,
    wallMs: 100,
    converged: !fits,
    gradNorm: fits ? 0.05 : 0.001,
    initialGradNorm: 1,
    stallGradNorm: fits ? null : 0.001,
    hessianMin: fits ? null : 0.0001,
    hessianMax: fits ? null : 2,
    saddle: false,
    saddleEscapes: 0,
    verification: false,
    extensions: 0,
    finalLearningRate: 0.01,
    ...overrides,
  };
}

export function seedResult(overrides: Partial<SeedResult> = {}): SeedResult {
  return {
    seedIndex: 0,
    seed: 1,
    emc: 20,
    bracket: [20, 22],
    censored: false,
    budgetLimited: false,
    verified: true,
    overturned: 0,
    probes: 4,
    testAccuracy: null,
    ...overrides,
  };
}

export function pointResult(overrides: Partial<PointResult> = {}): PointResult {
  return {
    index: 0,
    width: 4,
    model: 'MLP 1×4 relu',
    parameterCount: 56,
    emcMean: 20,
    emcStd: 0,
    budgetLimited: false,
    verified: true,
    seeds: [seedResult()],
    nonMonotone: [],
    wallMs: 400,
    generalization: null,
    ...overrides,
  };
}

/** A tensor of seeded N(0, 1) values: the same numbers for the same seed, on any backend. */
export function normalTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(gaussianNoise(tf.util.sizeFromShape(shape), seed), shape);
}

/**
 * One seed's search as the engine records it, consistent with itself: N = emc fitted and
 * emc + 1 did not. By default the failure converged and a longer training (verification)
 * confirmed it; `undecided` leaves it at the step cap instead (budget-limited, unverified).
 */
export function searchedSeed(options: {
  emc: number;
  pointIndex?: number;
  seedIndex?: number;
  undecided?: boolean;
  seed?: Partial<SeedResult>;
}): { seed: SeedResult; probes: ProbeRecord[] } {
  const { emc, pointIndex = 0, seedIndex = 0, undecided = false } = options;
  const at = { pointIndex, seedIndex };
  const failure = undecided
    ? probeRecord({ ...at, n: emc + 1, fits: false, stopReason: 'budget', converged: false })
    : probeRecord({ ...at, n: emc + 1, fits: false });
  const probes = [
    ...(emc > 0 ? [probeRecord({ ...at, n: emc })] : []),
    failure,
    ...(undecided ? [] : [probeRecord({ ...at, n: emc + 1, fits: false, verification: true })]),
  ];
  return {
    seed: seedResult({
      seedIndex,
      emc,
      bracket: [emc, emc + 1],
      budgetLimited: undecided,
      verified: !undecided,
      probes: probes.length,
      ...options.seed,
    }),
    probes,
  };
}

/** A point whose seeds are searchedSeed's, with the mean, deviation and flags they give. */
export function searchedPoint(
  emcs: readonly number[],
  overrides: Partial<PointResult> & { index?: number; undecided?: boolean } = {},
): { point: PointResult; probes: ProbeRecord[] } {
  const { undecided, ...pointOverrides } = overrides;
  const index = overrides.index ?? 0;
  const seeds = emcs.map((emc, seedIndex) =>
    searchedSeed({ emc, pointIndex: index, seedIndex, undecided }),
  );
  const mean = emcs.reduce((a, b) => a + b, 0) / emcs.length;
  const std =
    emcs.length < 2
      ? 0
      : Math.sqrt(emcs.reduce((sum, e) => sum + (e - mean) ** 2, 0) / (emcs.length - 1));
  return {
    point: pointResult({
      index,
      emcMean: mean,
      emcStd: std,
      budgetLimited: !!undecided,
      verified: !undecided,
      seeds: seeds.map((s) => s.seed),
      ...pointOverrides,
    }),
    probes: seeds.flatMap((s) => s.probes),
  };
}

/**
 * Probes of N = 12 (fits) and N = 60 (does not) on 60 Gaussian samples of 6 features, of a
 * 33-parameter ReLU MLP or (`family: 'cnn'`) a 29-parameter ReLU CNN on 2×3 images, trained
 * once with `candidate`'s step (the plan's dense or CNN description kept) and once by autodiff
 * (the plan without it): a step written out by hand must reach the autodiff step's outcomes.
 * `leaked` counts the tensors the candidate's probes left behind.
 */
export async function probesBesideAutodiff(
  candidate: Pick<FitProbeInput, 'fusedStep'>,
  family: 'mlp' | 'cnn' = 'mlp',
) {
  const train = specFixture({
    train: { learningRate: 0.02, batchSize: 8, maxSteps: 3000 },
  }).train;
  const inputShape = family === 'mlp' ? [6] : [2, 3, 1];
  const width = family === 'mlp' ? 3 : 2;
  const plan = planModel({ family, depth: 1, activation: 'relu' }, width, inputShape, 3);
  const pool = tf.tidy(() => ({
    x: normalTensor([60, ...inputShape], 2),
    y: tf.tensor1d(
      Int32Array.from({ length: 60 }, (_, i) => (i * 7) % 3),
      'int32',
    ),
  }));
  const order = permutation(60, createRng(3));
  const run = async (options: Partial<FitProbeInput>) => {
    const outcomes: ProbeOutcome[] = [];
    for (const n of [12, 60]) {
      outcomes.push(
        await fitProbe({ plan, pool, classes: 3, n, order, train, seed: 5, ...options }),
      );
    }
    return outcomes;
  };
  const before = tf.memory().numTensors;
  const written = await run(candidate);
  const leaked = tf.memory().numTensors - before;
  const autodiff = await run({ plan: { ...plan, dense: undefined, cnn: undefined } });
  tf.dispose([pool.x, pool.y]);
  return { plan, train, candidate: written, autodiff, leaked };
}

/**
 * How the candidate's probes compare with the autodiff step's: their verdicts (to be equal;
 * one probe fits, one not) and whether each took about as many epochs (within 10% + 2).
 */
export function autodiffAgreement(candidate: ProbeOutcome[], autodiff: ProbeOutcome[]) {
  const summary = (o: ProbeOutcome) => ({ n: o.n, fits: o.fits, stopReason: o.stopReason });
  return {
    verdicts: candidate.map(summary),
    reference: autodiff.map(summary),
    distinctVerdicts: new Set(candidate.map((o) => o.fits)).size,
    epochsClose: candidate.every((o, i) => {
      const reference = autodiff[i] as ProbeOutcome;
      return Math.abs(o.epochs - reference.epochs) <= reference.epochs * 0.1 + 2;
    }),
  };
}
