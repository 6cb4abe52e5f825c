import { type DatasetFiles, loadDataset } from '../engine/data/index.ts';
import { planModel } from '../engine/models/index.ts';
import { disposeUploaded, uploadDataset } from '../engine/data/repeatData.ts';
import { repeatSeeds, runExperiment } from '../engine/run.ts';
import { type ExperimentSpecInput, parseSpec } from '../engine/experiment/index.ts';
import { fitProbe } from '../engine/train/fitProbe.ts';

/**
 * Trainings and wall time for one EMC point, measured two ways on the same spec (its first
 * width, first seed): the engine's gallop-then-bisect search, and the fixed-step procedure
 * (N = Δ, 2Δ, 3Δ, ... until a probe fails) with Δ equal to the width of the engine's final
 * bracket, so both end with the same precision. Probes with the same N train identically
 * in both (same subset, same initialization).
 */
export interface SearchCost {
  spec: string;
  emc: number;
  precision: number;
  engineProbes: number;
  engineSeconds: number;
  fixedStep: number;
  fixedStepEmc: number;
  fixedStepProbes: number;
  fixedStepSeconds: number;
  /** fixed-step trainings / engine trainings. */
  probeRatio: number;
  /**
   * The fit-check gate, studied on the engine's own probes: each retrained with the full
   * check on every epoch. How many reached the same fit decision, and the training time
   * of all of them gated and ungated.
   */
  gate: { probes: number; sameDecision: number; gatedSeconds: number; ungatedSeconds: number };
}

export async function compareSearchCost(
  specInput: ExperimentSpecInput,
  files?: DatasetFiles,
): Promise<SearchCost> {
  const spec = parseSpec({ ...specInput, sweep: { widths: [specInput.sweep.widths[0]] } });
  spec.search.seeds = 1;
  const started = performance.now();
  const engine = await runExperiment(spec, { files });
  const engineSeconds = (performance.now() - started) / 1000;
  const seed = engine.points[0]?.seeds[0];
  if (!seed) throw new Error('the engine measured no point');
  const step = Math.max(1, (seed.bracket[1] ?? seed.emc + 1) - seed.bracket[0]);

  const dataset = await loadDataset(spec.data, spec.seed, files);
  const plan = planModel(
    spec.model,
    spec.sweep.widths[0] as number,
    dataset.inputShape,
    dataset.classes,
  );
  const device = uploadDataset(dataset);
  const { order, initSeed } = repeatSeeds(spec, 0);
  let probes = 0;
  let fitted = 0;
  let fixedStepSeconds = 0;
  const gate = { probes: 0, sameDecision: 0, gatedSeconds: 0, ungatedSeconds: 0 };
  try {
    for (const probe of engine.probes) {
      const ungated = await fitProbe({
        plan,
        pool: device.pool,
        classes: dataset.classes,
        n: probe.n,
        order,
        train: spec.train,
        seed: initSeed,
        checkUngated: true,
      });
      gate.probes++;
      if (ungated.fits === probe.fits) gate.sameDecision++;
      gate.gatedSeconds += probe.wallMs / 1000;
      gate.ungatedSeconds += ungated.wallMs / 1000;
    }
    const fixedStarted = performance.now();
    for (let n = step; n <= spec.data.poolSize; n += step) {
      probes++;
      const outcome = await fitProbe({
        plan,
        pool: device.pool,
        classes: dataset.classes,
        n,
        order,
        train: spec.train,
        seed: initSeed,
      });
      if (!outcome.fits) break;
      fitted = n;
    }
    fixedStepSeconds = (performance.now() - fixedStarted) / 1000;
  } finally {
    disposeUploaded(device);
  }
  return {
    spec: spec.name,
    emc: seed.emc,
    precision: spec.search.precision,
    engineProbes: seed.probes,
    engineSeconds,
    fixedStep: step,
    fixedStepEmc: fitted,
    fixedStepProbes: probes,
    fixedStepSeconds,
    probeRatio: probes / seed.probes,
    gate,
  };
}
