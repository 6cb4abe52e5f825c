import { type ExperimentSpec, parseSpec } from '../engine/experiment/index.ts';
import { sweepPoints } from '../engine/experiment/sweepPoints.ts';
import { type ExperimentResults, isBudgetLimited, mean, sampleStd } from '../engine/results.ts';
import { type PointResult, type ProbeRecord, RESULTS_VERSION } from '../engine/resultsSchema.ts';
import { compactResults } from './compactResults.ts';

/**
 * The largest share links the schema and the consistency rules let through, for tests of
 * how the lab opens them (unit and browser): a finished run of 2 widths × 20 seeds (the
 * most seeds a search has) whose every seed holds `probesPerJob` probes, consistent with
 * its results (so the lab shows them rather than refusing them). No tfjs: browser tests
 * build it in Node.
 */

/** 2 widths × 20 seeds, 8 probes a round on a pool of 4,000: 224 search probes a seed at most. */
export function largeLinkSpec(): ExperimentSpec {
  return parseSpec({
    version: 3,
    name: 'many probes',
    seed: 1,
    data: { source: 'gaussian', inputShape: [8], classes: 10, poolSize: 4000 },
    model: { family: 'mlp', depth: 1 },
    sweep: { widths: [4, 8] },
    train: {
      optimizer: 'adam',
      learningRate: 0.01,
      batchSize: 'full',
      maxSteps: 2000,
      patience: 50,
      minDelta: 0.0001,
    },
    search: { precision: 0.05, seeds: 20, parallel: 8, verify: false },
  });
}

function probe(pointIndex: number, seedIndex: number, n: number, fits: boolean): ProbeRecord {
  return {
    pointIndex,
    seedIndex,
    n,
    fits,
    stopReason: fits ? 'fit' : 'converged',
    epochs: 40 + (n % 97),
    steps: 40 + (n % 97),
    finalLoss: fits ? 0.01 : 0.4 + (n % 13) / 100,
    finalAccuracy: fits ? 1 : 0.9,
    testAccuracy: null,
    wallMs: 100 + (n % 37),
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
  };
}

/**
 * A complete run of `spec` (largeLinkSpec's) with `probesPerJob` probes a seed: the seed's
 * EMC e fitted and e + 1 failed, half the other probes fitting below e, half failing above.
 */
export function largeLinkResults(spec: ExperimentSpec, probesPerJob: number): ExperimentResults {
  const probes: ProbeRecord[] = [];
  const points: PointResult[] = sweepPoints(spec).map(({ width }, index) => {
    const seeds = Array.from({ length: spec.search.seeds }, (_, seedIndex) => {
      const emc = 1000 + 400 * index + 13 * seedIndex;
      const extra = probesPerJob - 2;
      const below = Math.floor(extra / 2);
      const mine = [
        probe(index, seedIndex, emc, true),
        probe(index, seedIndex, emc + 1, false),
        ...Array.from({ length: below }, (_, i) => probe(index, seedIndex, emc - 1 - i * 3, true)),
        ...Array.from({ length: extra - below }, (_, i) =>
          probe(index, seedIndex, emc + 2 + i * 5, false),
        ),
      ];
      probes.push(...mine);
      const bracket: [number, number] = [emc, emc + 1];
      return {
        seedIndex,
        seed: 1000 + seedIndex,
        emc,
        bracket,
        censored: false,
        budgetLimited: isBudgetLimited(bracket, mine),
        verified: false,
        overturned: 0,
        probes: mine.length,
        testAccuracy: null,
      };
    });
    const emcs = seeds.map((s) => s.emc);
    return {
      index,
      width,
      model: `MLP 1×${width} relu`,
      parameterCount: width * 19 + 10,
      emcMean: mean(emcs),
      emcStd: sampleStd(emcs),
      budgetLimited: seeds.some((s) => s.budgetLimited),
      verified: false,
      seeds,
      nonMonotone: [],
      wallMs: 12_345,
      generalization: null,
    };
  });
  return {
    format: 'emc-lab-results',
    version: RESULTS_VERSION,
    status: 'complete',
    spec,
    environment: {
      backend: 'webgpu',
      floatPrecision: 32,
      tfjsVersion: '4.22.0',
      engineVersion: '0.1.0',
      platform: 'test',
    },
    dataset: 'gaussian',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T01:00:00Z',
    points,
    probes,
  };
}

/**
 * What a link carrying largeLinkSpec and its results (probes included) holds, before
 * lz-string compresses it into "#e=…" (the caller compresses: lz-string's named exports
 * differ between Node's loader and a bundler's).
 */
export function largeLinkPayload(probesPerJob: number): object {
  const spec = largeLinkSpec();
  return { spec, results: compactResults(largeLinkResults(spec, probesPerJob), true) };
}
