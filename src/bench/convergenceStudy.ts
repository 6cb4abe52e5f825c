import { type DatasetFiles, openDataset } from '../engine/data/index.ts';
import { RepeatData } from '../engine/data/repeatData.ts';
import { planModel } from '../engine/models/index.ts';
import type { ExperimentResults } from '../engine/results.ts';
import { repeatSeeds } from '../engine/run.ts';
import type { TrainSpec } from '../engine/experiment/index.ts';
import { fitProbe } from '../engine/train/fitProbe.ts';

/** How much longer the study trains a decisive probe than its verdict took. */
export const STUDY_BUDGET_FACTOR = 4;

/**
 * Do the engine's "does not fit" verdicts survive more training? For every seed's decisive
 * probe (the smallest N that did not fit, which sets the EMC), train the same probe again
 * with 4× the budget:
 * - a probe called converged trains on past its verdict for 4× the steps it took, with
 *   the convergence stop switched off (plateaus only cut the learning rate, as they do
 *   before convergence);
 * - a budget-limited one trains under a 4× step cap, by the usual rules.
 * A converged probe that then fits was a false verdict; the goal is none.
 */
export interface ConvergenceCheck {
  spec: string;
  decisive: number;
  converged: number;
  convergedFlipped: number;
  budgetLimited: number;
  budgetFlipped: number;
  /** Points whose EMC the longer training would raise: "width: EMC → at least N". */
  moves: string[];
  seconds: number;
}

export async function studyConvergence(
  results: ExperimentResults,
  files?: DatasetFiles,
): Promise<ConvergenceCheck> {
  const started = performance.now();
  const { spec } = results;
  const data = new RepeatData(spec.data, spec.seed, await openDataset(spec.data, files));
  const check: ConvergenceCheck = {
    spec: spec.name,
    decisive: 0,
    converged: 0,
    convergedFlipped: 0,
    budgetLimited: 0,
    budgetFlipped: 0,
    moves: [],
    seconds: 0,
  };
  try {
    for (const point of results.points) {
      const plan = planModel(spec.model, point.width, data.first.inputShape, data.first.classes);
      for (const seed of point.seeds) {
        const hi = seed.bracket[1];
        const decisive = results.probes.find(
          (p) =>
            p.pointIndex === point.index && p.seedIndex === seed.seedIndex && p.n === hi && !p.fits,
        );
        if (!decisive || (decisive.stopReason !== 'converged' && decisive.stopReason !== 'budget'))
          continue;
        check.decisive++;
        const converged = decisive.stopReason === 'converged';
        const train: TrainSpec = converged
          ? {
              ...spec.train,
              maxEpochs: undefined,
              maxSteps: STUDY_BUDGET_FACTOR * decisive.steps,
              // Never converged: only the step cap ends it, short of a fit.
              gradTolerance: Number.MIN_VALUE,
            }
          : { ...spec.train, maxSteps: STUDY_BUDGET_FACTOR * spec.train.maxSteps };
        const { order, initSeed } = repeatSeeds(spec, seed.seedIndex);
        const device = data.device(seed.seedIndex);
        const longer = await fitProbe({
          plan,
          pool: device.pool,
          classes: data.first.classes,
          n: decisive.n,
          order,
          train,
          seed: initSeed,
        });
        if (converged) check.converged++;
        else check.budgetLimited++;
        if (!longer.fits) continue;
        if (converged) check.convergedFlipped++;
        else check.budgetFlipped++;
        check.moves.push(
          `${point.model}, seed ${seed.seedIndex + 1}: ${seed.emc} → ≥ ${decisive.n}`,
        );
      }
    }
  } finally {
    data.dispose();
  }
  check.seconds = (performance.now() - started) / 1000;
  return check;
}
