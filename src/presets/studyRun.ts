import type { ExperimentSpecInput } from '../engine/experiment/index.ts';
import { type ExperimentResults, mean, type RunEnvironment } from '../engine/results.ts';
import { isLowerBound } from '../share/verdicts.ts';
import { variantSpec } from './presets.ts';
import type { Study } from './studies.ts';
import { type ClaimVerdict, judgeClaims } from './studyVerdict.ts';

/**
 * Runs a study (studies.ts) through any `run(spec)` (the CLI's training threads, or the
 * engine directly in tests): per variant a tuning pass, one run per learning rate of the grid
 * on one tuning seed at the sweep's middle width, the rate with the largest EMC per parameter
 * chosen; then the
 * measured run at that rate with all seeds; then the verdicts. Pure: it writes nothing, and
 * hands each run's results to `onResults` as soon as it has them.
 */
export interface StudyHooks {
  /**
   * Trains one spec; results with status "cancelled", or a StudyInterrupted thrown, stop the
   * study (Ctrl-C).
   */
  run(spec: ExperimentSpecInput, file: string): Promise<ExperimentResults>;
  /** Each run's results, under the file name the report refers to them by. */
  onResults?(file: string, results: ExperimentResults): Promise<void> | void;
  onNote?(text: string): void;
}

export interface StudyOptions {
  /**
   * For tests and a smoke check: tiny pools, the first width, the first learning rate, a
   * short step cap (shrinkSpec). The verdicts are then about the shrunk runs.
   */
  shrink?: boolean;
}

/** The tuning seed differs from every measured seed's base: the rate is not chosen on a seed it is judged on. */
export const TUNING_SEED_OFFSET = 1000;

export interface TuningTrial {
  learningRate: number;
  /** EMC / parameters at the tuning width, on the tuning seed. */
  efficiency: number;
  /** Some width's EMC is only a lower bound (censored or budget-limited) at this rate. */
  lowerBound: boolean;
  file: string;
}

export interface VariantRun {
  label: string;
  learningRate: number;
  /** The grid tried, in its order (empty when the rate comes from another variant or the grid has one rate). */
  tuning: TuningTrial[];
  /** The variant whose tuning chose this rate, when not this one (study.tuneBy). */
  tunedBy?: string;
  file: string;
  results: ExperimentResults;
}

export interface StudyOutcome {
  study: Study;
  shrunk: boolean;
  /** "interrupted": stopped before every run finished; the verdicts are then left out. */
  status: 'complete' | 'interrupted';
  startedAt: string;
  finishedAt: string;
  /** The measured runs that finished. */
  variants: VariantRun[];
  verdicts: ClaimVerdict[];
  environment: RunEnvironment | null;
}

/** Thrown by `run` (or raised for a cancelled run) to stop the study: Ctrl-C. */
export class StudyInterrupted extends Error {}

export async function runStudy(
  study: Study,
  hooks: StudyHooks,
  options: StudyOptions = {},
): Promise<StudyOutcome> {
  const shrunk = options.shrink ?? false;
  const startedAt = new Date().toISOString();
  const variants: VariantRun[] = [];
  let environment: RunEnvironment | null = null;
  const ratesOf = (index: number) => {
    const grid = study.variants[index]?.learningRates ?? study.learningRates;
    return shrunk ? grid.slice(0, 1) : grid;
  };
  const train = async (spec: ExperimentSpecInput, file: string) => {
    const results = await hooks.run(shrunk ? shrinkSpec(spec) : spec, file);
    await hooks.onResults?.(file, results);
    environment ??= results.environment;
    if (results.status === 'cancelled') throw new StudyInterrupted();
    return results;
  };
  const tuned = new Map<string, { rate: number; tuning: TuningTrial[] }>();
  const tune = async (index: number) => {
    const label = study.variants[index]?.label as string;
    const known = tuned.get(label);
    if (known) return known;
    const tuning: TuningTrial[] = [];
    const rates = ratesOf(index);
    if (rates.length > 1) {
      for (const learningRate of rates) {
        hooks.onNote?.(`${label}: tuning at learning rate ${learningRate}`);
        const file = `tune-${slug(label)}-lr${learningRate}.json`;
        const results = await train(tuningSpec(variantSpec(study, index), learningRate), file);
        tuning.push({ learningRate, ...efficiencyOf(results), file });
      }
    }
    const best = tuning.reduce<TuningTrial | undefined>(
      (top, trial) => (!top || trial.efficiency > top.efficiency ? trial : top),
      undefined,
    );
    const chosen = { rate: best?.learningRate ?? (rates[0] as number), tuning };
    tuned.set(label, chosen);
    return chosen;
  };
  try {
    for (const [index, variant] of study.variants.entries()) {
      const by = study.tuneBy ?? variant.label;
      const byIndex = study.variants.findIndex((v) => v.label === by);
      if (byIndex < 0) throw new Error(`study ${study.id}: tuneBy names no variant ("${by}")`);
      const { rate, tuning } = await tune(byIndex);
      hooks.onNote?.(`${variant.label}: measuring at learning rate ${rate}`);
      const spec = withRate(variantSpec(study, index), rate);
      const file = `${slug(variant.label)}.json`;
      const results = await train(spec, file);
      variants.push({
        label: variant.label,
        learningRate: rate,
        tuning: by === variant.label ? tuning : [],
        ...(by === variant.label ? {} : { tunedBy: by }),
        file,
        results,
      });
    }
  } catch (error) {
    if (!(error instanceof StudyInterrupted)) throw error;
    return outcome('interrupted', []);
  }
  const runs = new Map(variants.map((v) => [v.label, v.results]));
  return outcome('complete', judgeClaims(study.claims, runs));

  function outcome(status: StudyOutcome['status'], verdicts: ClaimVerdict[]): StudyOutcome {
    return {
      study,
      shrunk,
      status,
      startedAt,
      finishedAt: new Date().toISOString(),
      variants,
      verdicts,
      environment,
    };
  }
}

/** EMC / parameters of the tuning run (its mean over widths, should it have several). */
function efficiencyOf(results: ExperimentResults): Omit<TuningTrial, 'learningRate' | 'file'> {
  return {
    efficiency: mean(results.points.map((p) => p.emcMean / p.parameterCount)),
    lowerBound: results.points.some(isLowerBound),
  };
}

function withRate(spec: ExperimentSpecInput, learningRate: number): ExperimentSpecInput {
  return { ...spec, train: { ...spec.train, learningRate } };
}

function tuningSpec(spec: ExperimentSpecInput, learningRate: number): ExperimentSpecInput {
  const tuned = withRate(spec, learningRate);
  return {
    ...tuned,
    name: `${spec.name} — tuning, learning rate ${learningRate}`,
    seed: spec.seed + TUNING_SEED_OFFSET,
    sweep: { widths: [tuningWidth(spec.sweep.widths)] },
    search: { ...spec.search, seeds: 1 },
  };
}

/** The width a variant is tuned at: the sweep's middle one (one job per rate keeps tuning cheap). */
export function tuningWidth(widths: readonly number[]): number {
  return widths[Math.floor((widths.length - 1) / 2)] as number;
}

/**
 * Shrunk sizes: a few seconds a run on the cpu backend. One seed: the shrunk verdicts are
 * inconclusive by design (fewer pairs than a verdict needs); the verdict rules are tested on
 * results built by hand.
 */
export const SHRUNK = { poolSize: 16, testSize: 8, maxSteps: 16, patience: 4, seeds: 1 } as const;

/**
 * A spec cut to the bone so a study's protocol runs in the test suite: a tiny pool (and test
 * split), the first width, one seed, a short step cap and patience, a coarse bisection.
 * Every other setting stays (model, data source, labels, optimizer, verification), so the
 * shrunk study exercises the same paths.
 */
export function shrinkSpec(spec: ExperimentSpecInput): ExperimentSpecInput {
  const testSize = spec.data.testSize ? Math.min(spec.data.testSize, SHRUNK.testSize) : 0;
  return {
    ...spec,
    data: { ...spec.data, poolSize: Math.min(spec.data.poolSize, SHRUNK.poolSize), testSize },
    sweep: { widths: spec.sweep.widths.slice(0, 1) },
    train: { ...spec.train, maxSteps: SHRUNK.maxSteps, patience: SHRUNK.patience },
    search: { ...spec.search, precision: 0.5, start: 8, seeds: SHRUNK.seeds },
  };
}

/** "SGD, batch 16" → "sgd-batch-16": a file name for a variant. */
export function slug(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
