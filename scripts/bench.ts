// `npm run bench`: EMC Lab's speed, measured. Prints markdown tables and writes
// bench/latest.json. Not part of the tests (tests check behaviour, never wall-clock times).
//
//   npm run bench                 everything (Node, headless Chromium, search, presets)
//   npm run bench -- --quick      skips the presets (the slowest part)
//   npm run bench -- --fidelity   only the presets and the widened convergence study;
//                                 writes bench/fidelity.md and .json (about 25 minutes)
//   npm run bench -- --yardstick  only PyTorch's ratios and the lab's first-point times;
//                                 writes bench/yardstick.md (a few minutes)
//   npm run bench -- --fused      only the fused dense step: with and without it on MLPs of
//                                 growing size, against PyTorch, and the CNNs' engine loop
//                                 against model.fit; writes bench/fused.md (10+ minutes)
//   npm run bench -- --fused --interleaved
//                                 only the PyTorch yardstick models, wasm, at a fifth of
//                                 their epochs, PyTorch and the engine taking turns three
//                                 times (best of each): ratios on a busy shared machine
//   npm run bench -- --jobs       only emc-lab run --jobs 1 against --jobs 2 on a sweep of
//                                 independent jobs; writes bench/jobs.md (a few minutes)
//   npm run bench -- --studies [ID]
//                                 only the studies (src/presets/studies.ts), or study ID:
//                                 emc-lab study ID --out bench/studies/<id> on every core, the
//                                 reference reports (about an hour each; finding-5 far more)
import { gotoWhenServed, startPreview } from './preview.ts';
import { STUDIES } from '../src/presets/studies.ts';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { chromium } from '@playwright/test';
import { CHROMIUM_FLAGS, chromiumPath, WEBGPU_FLAG } from '../src/bench/chromium.ts';
import type { BrowserBackendBench } from '../src/bench/browserMain.ts';
import {
  measureParallelSearch,
  PARALLEL_SEARCH_SPEC,
  type ParallelSearchRow,
} from '../src/bench/parallelSearch.ts';
import {
  drawStudySpecs,
  type StudyRow,
  studySpec,
  summarizeStudy,
} from '../src/bench/widenedStudy.ts';
import {
  type FidelityRuns,
  fidelityReport,
  fixed,
  type PresetRun,
  summarizePreset,
  table,
} from '../src/bench/fidelityReport.ts';
import { compareSearchCost, type SearchCost } from '../src/bench/searchCost.ts';
import {
  type FusedStepRate,
  measureFusedStep,
  measureStepRate,
  STEP_RATE_CASES,
  type StepRate,
} from '../src/bench/stepRate.ts';
import { FUSED_STEP_CASES, pytorchStepJob, YARDSTICK_STEP_CASES } from '../src/bench/yardstick.ts';
import { diskDatasetFiles } from '../src/cli/datasetFiles.ts';
import { type ExperimentResults, runExperiment } from '../src/engine/index.ts';
import { tuneWasmKernels } from '../src/engine/kernels/wasmKernels.ts';
import { presetDurationsOf } from '../src/presets/presetDurations.ts';
import { PRESETS, variantSpec } from '../src/presets/presets.ts';
import {
  firstPointTimes,
  pytorchComparison,
  pytorchMissing,
  runPyTorch,
  yardstickTables,
} from './yardstick.ts';

const PORT = 4175;
const quick = process.argv.includes('--quick');
const fidelityOnly = process.argv.includes('--fidelity');
const yardstickOnly = process.argv.includes('--yardstick');
const fusedOnly = process.argv.includes('--fused');
const jobsOnly = process.argv.includes('--jobs');
const studiesAt = process.argv.indexOf('--studies');
const files = diskDatasetFiles();
tuneWasmKernels();

interface Row {
  where: string;
  backend: string;
  rate: StepRate;
}

async function nodeStepRates(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    await tf.ready();
    // The pure-JS cpu backend takes minutes for the larger CNN and is nobody's choice for it.
    const cases = STEP_RATE_CASES.filter((c) => backend !== 'cpu' || c.id !== 'cnn-large');
    for (const c of cases) {
      rows.push({
        where: 'node',
        backend,
        rate: await measureStepRate(c, backend === 'cpu' ? 1 : 3),
      });
      process.stderr.write(`node ${backend} ${c.label}: done\n`);
    }
  }
  return rows;
}

interface ParallelRows {
  where: string;
  backend: string;
  rows: ParallelSearchRow[];
}

async function nodeParallelSearch(): Promise<ParallelRows> {
  await tf.setBackend('wasm');
  const rows = await measureParallelSearch();
  process.stderr.write('node wasm parallel search: done\n');
  return { where: 'node', backend: 'wasm', rows };
}

async function browserStepRates(): Promise<{
  rows: Row[];
  parallel: ParallelRows[];
  unavailable: string[];
  adapter?: string;
}> {
  const server = startPreview(PORT);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [...CHROMIUM_FLAGS, WEBGPU_FLAG],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (message) => process.stderr.write(`chromium: ${message.text()}\n`));
    await gotoWhenServed(page, `http://localhost:${PORT}/bench.html`);
    await page.waitForFunction(() => window.emcBench?.done === true, undefined, {
      timeout: 480_000,
      polling: 1000,
    });
    const state = await page.evaluate(() => window.emcBench);
    if (state?.error) throw new Error(`the benchmark page failed: ${state.error}`);
    const results: BrowserBackendBench[] = state?.results ?? [];
    return {
      rows: results.flatMap((r) =>
        r.rates.map((rate) => ({ where: 'chromium', backend: r.backend, rate })),
      ),
      parallel: results
        .filter((r) => r.parallel.length > 0)
        .map((r) => ({ where: 'chromium', backend: r.backend, rows: r.parallel })),
      unavailable: results
        .filter((r) => !r.available)
        .map((r) => `${r.backend} (${r.note ?? 'unavailable'})`),
      adapter: results.find((r) => r.backend === 'webgpu')?.note,
    };
  } finally {
    await browser.close();
    server.stop();
  }
}

/** Specs whose first point both searches measure: a fine precision makes the difference visible. */
const SEARCH_SPECS = [
  {
    version: 3 as const,
    name: 'MLP 1×16, gaussian d = 16, random labels, precision 2%',
    seed: 1,
    data: {
      source: 'gaussian' as const,
      inputShape: [16],
      classes: 4,
      labels: 'random' as const,
      poolSize: 2000,
    },
    model: { family: 'mlp' as const, depth: 1 },
    sweep: { widths: [16] },
    train: {
      optimizer: 'adam' as const,
      learningRate: 0.02,
      batchSize: 'full' as const,
      maxSteps: 300,
      patience: 40,
      minDelta: 0.0001,
    },
    search: { precision: 0.02, seeds: 1 },
  },
  {
    version: 3 as const,
    name: 'MLP 1×16 on MNIST, random labels, precision 5%',
    seed: 1,
    data: { source: 'mnist' as const, labels: 'random' as const, poolSize: 1000 },
    model: { family: 'mlp' as const, depth: 1 },
    sweep: { widths: [16] },
    train: {
      optimizer: 'adam' as const,
      learningRate: 0.01,
      batchSize: 16,
      maxEpochs: 150,
      patience: 25,
      minDelta: 0.001,
    },
    search: { precision: 0.05, seeds: 1, start: 20 },
  },
];

async function searchCosts(): Promise<SearchCost[]> {
  await tf.setBackend('wasm');
  const costs: SearchCost[] = [];
  for (const spec of SEARCH_SPECS) {
    costs.push(await compareSearchCost(spec, files));
    process.stderr.write(`search: ${spec.name}: done\n`);
  }
  return costs;
}

/** Every classroom preset end to end, then the widened convergence study. */
async function presetRuns(): Promise<FidelityRuns> {
  await tf.setBackend('wasm');
  const runs: PresetRun[] = [];
  for (const preset of PRESETS) {
    const started = performance.now();
    const results = [];
    for (let index = 0; index < preset.variants.length; index++) {
      results.push(await runExperiment(variantSpec(preset, index), { files }));
    }
    const seconds = (performance.now() - started) / 1000;
    runs.push(
      summarizePreset(
        `${preset.finding}. ${preset.id}`,
        preset.variants.map((v) => v.label),
        results,
        seconds,
      ),
    );
    process.stderr.write(`preset ${preset.id}: ${seconds.toFixed(0)} s\n`);
  }
  const studyStarted = performance.now();
  const study: StudyRow[] = [];
  for (const spec of drawStudySpecs()) {
    const row = await studySpec(spec, files);
    study.push(row);
    const took = [row.first, row.verified, row.patient, row.epochMean].reduce(
      (sum, run) => sum + run.seconds,
      0,
    );
    process.stderr.write(`study ${row.name.slice(0, 3)}: ${took.toFixed(0)} s\n`);
  }
  const summary = summarizeStudy(study, (performance.now() - studyStarted) / 1000);
  return { runs, study, summary };
}

async function fidelity(): Promise<void> {
  tf.enableProdMode();
  const started = performance.now();
  const runs = await presetRuns();
  const seconds = (performance.now() - started) / 1000;
  const presetSeconds = runs.runs.reduce((sum, r) => sum + r.seconds, 0);
  const report = `${fidelityReport(runs)}\n\nWall time: ${fixed(seconds, 0)} s (presets ${fixed(presetSeconds, 0)} s, study ${fixed(runs.summary.seconds, 0)} s).`;
  process.stdout.write(`${report}\n`);
  mkdirSync('bench', { recursive: true });
  const measuredAt = new Date().toISOString();
  writeFileSync(
    'bench/fidelity.json',
    `${JSON.stringify({ measuredAt, ...runs, seconds }, null, 2)}\n`,
  );
  writeFileSync('bench/fidelity.md', `${report}\n`);
  // What the preset cards say they take (src/presets/presetDurations.ts).
  writeFileSync(
    'src/presets/presetDurations.json',
    `${JSON.stringify(presetDurationsOf({ measuredAt, ...runs }), null, 2)}\n`,
  );
}

/** PyTorch's ratios (when it is installed) and the lab's time to its first EMC point. */
async function yardsticks() {
  const missing = pytorchMissing();
  const pytorch = missing ?? (await pytorchComparison());
  const firstPoints = await firstPointTimes(PORT + 1);
  return { pytorch, firstPoints, report: yardstickTables(pytorch, firstPoints, table) };
}

async function yardstickOnlyRun(): Promise<void> {
  tf.enableProdMode();
  const { pytorch, firstPoints, report } = await yardsticks();
  process.stdout.write(`${report}\n`);
  mkdirSync('bench', { recursive: true });
  writeFileSync(
    'bench/yardstick.json',
    `${JSON.stringify({ measuredAt: new Date().toISOString(), pytorch, firstPoints }, null, 2)}\n`,
  );
  writeFileSync('bench/yardstick.md', `${report}\n`);
}

/**
 * 4 widths × 2 seeds of random-label MLPs, warmStart false: 8 independent (width, seed) jobs.
 * Sized so training outweighs each thread's start (loading tfjs and the engine): the fused step
 * finished the earlier sweep (widths 2-8, pool 200, 2,000 steps) in 11 s, where --jobs 2 was
 * no faster (0.98× on an idle machine).
 */
const JOBS_SWEEP = {
  version: 3,
  name: 'jobs bench: MLP widths 8-24 × 2 seeds on 400 random labels',
  seed: 7,
  data: {
    source: 'gaussian',
    inputShape: [8],
    classes: 2,
    labels: 'random',
    poolSize: 400,
    testSize: 0,
  },
  model: { family: 'mlp', depth: 1, activation: 'relu' },
  sweep: { widths: [8, 12, 16, 24] },
  train: { optimizer: 'adam', learningRate: 0.05, batchSize: 'full', maxSteps: 4000 },
  search: { precision: 0.1, seeds: 2, warmStart: false },
};

interface JobsRow {
  jobs: number;
  seconds: number;
  probes: number;
  /** Points and probes equal to --jobs 1's, wall times aside. */
  sameResults: boolean;
}

/** `emc-lab run --jobs J` of JOBS_SWEEP on cpu, each in its own process, timed end to end. */
function jobsSpeedup(): JobsRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'emc-bench-jobs-'));
  const spec = join(dir, 'sweep.json');
  writeFileSync(spec, JSON.stringify(JOBS_SWEEP));
  const science = (results: ExperimentResults) =>
    JSON.stringify({
      points: results.points.map(({ wallMs: _, ...point }) => point),
      probes: results.probes.map(({ wallMs: _, ...probe }) => probe),
    });
  let reference: string | undefined;
  return [1, 2].map((jobs) => {
    const out = join(dir, `jobs-${jobs}.json`);
    const started = performance.now();
    execFileSync(
      process.execPath,
      [
        'bin/emc-lab.js',
        'run',
        spec,
        '--backend',
        'cpu',
        '--quiet',
        '--jobs',
        String(jobs),
        '--out',
        out,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const seconds = (performance.now() - started) / 1000;
    const results = JSON.parse(readFileSync(out, 'utf8')) as ExperimentResults;
    reference ??= science(results);
    process.stderr.write(`emc-lab run --jobs ${jobs}: ${seconds.toFixed(0)} s\n`);
    return {
      jobs,
      seconds,
      probes: results.probes.length,
      sameResults: science(results) === reference,
    };
  });
}

function jobsTable(rows: JobsRow[]): string {
  const one = rows.find((r) => r.jobs === 1)?.seconds ?? Number.NaN;
  return [
    `### emc-lab run --jobs: ${JOBS_SWEEP.name} (cpu, warmStart false)`,
    '',
    table(
      ['--jobs', 'wall s', 'probes', 'results as --jobs 1', 'speed-up vs --jobs 1'],
      rows.map((r) => [
        String(r.jobs),
        fixed(r.seconds),
        String(r.probes),
        r.sameResults ? 'identical' : 'DIFFERENT',
        `${fixed(one / r.seconds, 2)}×`,
      ]),
    ),
  ].join('\n');
}

async function jobsOnlyRun(): Promise<void> {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.versions.node}`;
  const rows = jobsSpeedup();
  const report = `Machine: ${machine}.\n\n${jobsTable(rows)}`;
  process.stdout.write(`${report}\n`);
  mkdirSync('bench', { recursive: true });
  writeFileSync(
    'bench/jobs.json',
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, rows }, null, 2)}\n`,
  );
  writeFileSync('bench/jobs.md', `${report}\n`);
}

async function main(): Promise<void> {
  tf.enableProdMode();
  const started = performance.now();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 1024 ** 3)} GiB, node ${process.versions.node}`;
  const timed = async <T>(section: string, work: () => Promise<T>): Promise<T> => {
    const sectionStarted = performance.now();
    const result = await work();
    const took = (performance.now() - sectionStarted) / 1000;
    process.stderr.write(`${section}: ${took.toFixed(0)} s\n`);
    return result;
  };
  const node = await timed('node step rates', nodeStepRates);
  const nodeParallel = await timed('node parallel search', nodeParallelSearch);
  const browser = await timed('chromium', browserStepRates);
  const search = await timed('search cost', searchCosts);
  const yardstick = await timed('yardsticks', yardsticks);
  const jobs = await timed('run --jobs', async () => jobsSpeedup());
  const fidelityRuns = quick ? undefined : await timed('presets and convergence', presetRuns);
  const seconds = (performance.now() - started) / 1000;

  const steps = table(
    [
      'where',
      'backend',
      'model',
      'params',
      'engine steps/s',
      'model.fit + final check steps/s',
      'engine / fit',
    ],
    [...node, ...browser.rows].map(({ where, backend, rate }) => [
      where,
      backend,
      rate.label,
      String(rate.parameterCount),
      fixed(rate.engineStepsPerSecond),
      fixed(rate.fitStepsPerSecond),
      fixed(rate.ratio, 2),
    ]),
  );
  const searchTable = table(
    [
      'spec',
      'EMC',
      'engine trainings',
      'engine s',
      'fixed step Δ',
      'fixed-step trainings',
      'fixed-step s',
      'trainings ratio',
    ],
    search.map((s) => [
      s.spec,
      `${s.emc} (fixed step: ${s.fixedStepEmc})`,
      String(s.engineProbes),
      fixed(s.engineSeconds),
      String(s.fixedStep),
      String(s.fixedStepProbes),
      fixed(s.fixedStepSeconds),
      `${fixed(s.probeRatio)}×`,
    ]),
  );
  const gateTable = table(
    ['spec', 'probes', 'same fit decision', 'training s, gated', 'training s, every epoch'],
    search.map((s) => [
      s.spec,
      String(s.gate.probes),
      `${s.gate.sameDecision} of ${s.gate.probes}`,
      fixed(s.gate.gatedSeconds),
      fixed(s.gate.ungatedSeconds),
    ]),
  );
  const parallelTable = table(
    [
      'where',
      'backend',
      'k',
      'EMC [bracket]',
      'trainings',
      'rounds',
      'wall s',
      'speed-up vs k = 1',
    ],
    [nodeParallel, ...browser.parallel].flatMap(({ where, backend, rows }) => {
      const sequential = rows.find((r) => r.parallel === 1)?.seconds ?? Number.NaN;
      return rows.map((r) => [
        where,
        backend,
        String(r.parallel),
        `${r.emc} [${r.bracket[0]}, ${r.bracket[1] ?? '–'}]`,
        String(r.trainings),
        String(r.rounds),
        fixed(r.seconds),
        `${fixed(sequential / r.seconds, 2)}×`,
      ]);
    }),
  );
  const report = [
    `Machine: ${machine}. Chromium WebGPU adapter: ${browser.adapter ?? 'none'}.`,
    browser.unavailable.length ? `Unavailable in Chromium: ${browser.unavailable.join('; ')}.` : '',
    '',
    yardstick.report,
    '',
    '### Training steps per second',
    '',
    steps,
    '',
    '### Trainings per EMC point: gallop-then-bisect vs fixed steps (same final precision)',
    '',
    searchTable,
    '',
    '### The fit-check gate: full check only near a fit, against a full check every epoch',
    '',
    gateTable,
    '',
    `### Parallel search: one EMC point with k probes trained stacked per round (${PARALLEL_SEARCH_SPEC.name})`,
    '',
    parallelTable,
    '',
    jobsTable(jobs),
    ...(fidelityRuns ? ['', fidelityReport(fidelityRuns)] : []),
    '',
    `Benchmark wall time: ${fixed(seconds, 0)} s.`,
  ].join('\n');
  process.stdout.write(`${report}\n`);
  mkdirSync('bench', { recursive: true });
  writeFileSync(
    'bench/latest.json',
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, node, nodeParallel, browser, search, jobs, yardstick: { pytorch: yardstick.pytorch, firstPoints: yardstick.firstPoints }, fidelity: fidelityRuns, seconds }, null, 2)}\n`,
  );
  writeFileSync('bench/latest.md', `${report}\n`);
}

/**
 * The fused dense step alone: engine steps/s with and without it (wasm for every size,
 * cpu for the small ones), PyTorch's one-thread rate on the yardstick models it covers, and
 * the CNNs' engine loop against model.fit on wasm.
 */
async function fusedRun(): Promise<void> {
  tf.enableProdMode();
  const started = performance.now();
  const missing = pytorchMissing();
  const interleaved = process.argv.includes('--interleaved');
  const torchCases = YARDSTICK_STEP_CASES.filter((c) => FUSED_STEP_CASES.includes(c)).map((c) =>
    interleaved ? { ...c, epochs: Math.max(4, Math.round(c.epochs / 5)) } : c,
  );
  const torchRates = new Map<string, number>();
  const runTorch = () => {
    if (missing) return undefined;
    const answer = runPyTorch({ stepRates: pytorchStepJob(torchCases) });
    for (const r of answer.stepRates) {
      torchRates.set(r.id, Math.max(torchRates.get(r.id) ?? 0, r.stepsPerSecond));
    }
    return answer.torch;
  };
  // PyTorch first and alone, as the yardstick runs it.
  const torchVersion = runTorch();
  const rows: { backend: string; rate: FusedStepRate }[] = [];
  const cnns: StepRate[] = [];
  const cnnsByAutodiff: StepRate[] = [];
  if (interleaved) {
    await tf.setBackend('wasm');
    for (let round = 0; round < 3; round++) {
      if (round > 0) runTorch();
      for (const c of torchCases) {
        const rate = await measureFusedStep(c, 1);
        const row = rows.find((r) => r.rate.case === c.id);
        if (!row) rows.push({ backend: 'wasm', rate });
        else {
          row.rate.fusedStepsPerSecond = Math.max(
            row.rate.fusedStepsPerSecond,
            rate.fusedStepsPerSecond,
          );
          row.rate.tfjsStepsPerSecond = Math.max(
            row.rate.tfjsStepsPerSecond,
            rate.tfjsStepsPerSecond,
          );
        }
      }
      process.stderr.write(`fused, interleaved with PyTorch: round ${round + 1} done\n`);
    }
  } else {
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      await tf.ready();
      for (const c of FUSED_STEP_CASES) {
        if (backend === 'cpu' && c.inputShape[0] === 784) continue;
        rows.push({ backend, rate: await measureFusedStep(c, 3) });
        process.stderr.write(`fused ${backend} ${c.label}: done\n`);
      }
    }
    await tf.setBackend('wasm');
    for (const c of STEP_RATE_CASES.filter((s) => s.model.family === 'cnn')) {
      // The autodiff step (what the written-out CNN step replaced) first, then the engine's.
      cnnsByAutodiff.push(await measureStepRate(c, 2, true));
      cnns.push(await measureStepRate(c, 2));
      process.stderr.write(`cnn wasm ${c.label}: done\n`);
    }
  }
  const torch = torchVersion === undefined ? undefined : { torch: torchVersion };
  const torchRate = (id: string) => torchRates.get(id);
  const report = [
    `### The fused dense step: engine steps/s with it and with tfjs' kernels (Node)`,
    '',
    torch
      ? `PyTorch ${torch.torch}, one thread, on the same models where it has a rate.`
      : `PyTorch not run: ${missing}.`,
    '',
    table(
      [
        'model',
        'backend',
        'batch × params',
        'fused steps/s',
        'tfjs steps/s',
        'fused / tfjs',
        'PyTorch steps/s',
        'PyTorch / fused',
      ],
      rows.map(({ backend, rate }) => {
        const theirs = torchRate(rate.case);
        return [
          rate.label,
          backend,
          String(rate.multiplyAdds),
          fixed(rate.fusedStepsPerSecond),
          fixed(rate.tfjsStepsPerSecond),
          fixed(rate.fusedStepsPerSecond / rate.tfjsStepsPerSecond, 2),
          theirs === undefined ? '' : fixed(theirs),
          theirs === undefined ? '' : `${fixed(theirs / rate.fusedStepsPerSecond, 2)}×`,
        ];
      }),
    ),
    ...(cnns.length === 0
      ? []
      : [
          '',
          '### CNNs: engine loop vs model.fit (Node, wasm)',
          '',
          'Each row measured twice in turn: the engine with tfjs autodiff for its step, then',
          'with the written-out CNN step (train/stepGradients.ts); model.fit timed beside each.',
          '',
          table(
            [
              'model',
              'params',
              'engine steps/s, autodiff → written-out',
              'model.fit + final check steps/s',
              'engine / fit, autodiff → written-out',
            ],
            cnns.map((r, i) => {
              const before = cnnsByAutodiff[i] as StepRate;
              return [
                r.label,
                String(r.parameterCount),
                `${fixed(before.engineStepsPerSecond)} → ${fixed(r.engineStepsPerSecond)}`,
                `${fixed(before.fitStepsPerSecond)}, ${fixed(r.fitStepsPerSecond)}`,
                `${fixed(before.ratio, 2)} → ${fixed(r.ratio, 2)}`,
              ];
            }),
          ),
        ]),
    '',
    `Wall time: ${fixed((performance.now() - started) / 1000, 0)} s.`,
  ].join('\n');
  process.stdout.write(`${report}\n`);
  mkdirSync('bench', { recursive: true });
  const name = interleaved ? 'bench/fused-interleaved' : 'bench/fused';
  writeFileSync(
    `${name}.json`,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), torch, torchRates: Object.fromEntries(torchRates), rows, cnns, cnnsByAutodiff }, null, 2)}\n`,
  );
  writeFileSync(`${name}.md`, `${report}\n`);
}

/** The reference study reports: each study run by the CLI into bench/studies/<id>. */
async function studiesRun(): Promise<void> {
  const asked = process.argv[studiesAt + 1];
  const ids = asked && !asked.startsWith('--') ? [asked] : STUDIES.map((study) => study.id);
  for (const id of ids) {
    const out = join('bench', 'studies', id);
    execFileSync(process.execPath, ['bin/emc-lab.js', 'study', id, '--out', out], {
      stdio: 'inherit',
    });
  }
}

(studiesAt >= 0
  ? studiesRun()
  : fidelityOnly
    ? fidelity()
    : yardstickOnly
      ? yardstickOnlyRun()
      : fusedOnly
        ? fusedRun()
        : jobsOnly
          ? jobsOnlyRun()
          : main()
).catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
