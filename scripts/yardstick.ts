// The speed yardsticks of `npm run bench`: PyTorch on the same CPU (when Debian's
// python3-torch is installed) and the lab's time to its first EMC point in headless Chromium.
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { chromium } from '@playwright/test';
import { CHROMIUM_FLAGS, chromiumPath, WEBGPU_FLAG } from '../src/bench/chromium.ts';
import { gotoWhenServed, startPreview } from './preview.ts';
import { measureStepRate } from '../src/bench/stepRate.ts';
import {
  engineSearchPoints,
  pytorchSearchJob,
  pytorchStepJob,
  type SearchPoint,
  YARDSTICK_SEARCH_SPEC,
  YARDSTICK_STEP_CASES,
} from '../src/bench/yardstick.ts';

const PYTHON = '/usr/bin/python3';

interface PyTorchAnswer {
  torch: string;
  threads: number;
  stepRates: { id: string; stepsPerSecond: number }[];
  search: { points: SearchPoint[] };
}

export interface StepComparison {
  label: string;
  backend: string;
  engine: number;
  pytorch: number;
}

export interface YardstickReport {
  torch: string;
  steps: StepComparison[];
  search: { backend: string; engine: SearchPoint[]; pytorch: SearchPoint[] }[];
}

/** Why PyTorch cannot run here, or undefined when it can. */
export function pytorchMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} is missing`;
  if (probe.status !== 0) return 'python3-torch is not installed (apt-get install python3-torch)';
  return undefined;
}

export function runPyTorch(job: object): PyTorchAnswer {
  const result = spawnSync(PYTHON, ['scripts/pytorch_yardstick.py'], {
    input: JSON.stringify(job),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`the PyTorch yardstick failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as PyTorchAnswer;
}

/** The same step-rate models and EMC search in the engine (wasm, cpu) and in PyTorch. */
export async function pytorchComparison(): Promise<YardstickReport> {
  const backends = ['wasm', 'cpu'];
  const steps: StepComparison[] = [];
  const search: YardstickReport['search'] = [];
  // PyTorch first and alone: nothing else runs on the two cores meanwhile.
  const torch = runPyTorch({
    stepRates: pytorchStepJob(YARDSTICK_STEP_CASES),
    search: pytorchSearchJob(),
  });
  for (const backend of backends) {
    await tf.setBackend(backend);
    for (const c of YARDSTICK_STEP_CASES) {
      // The pure-JS cpu backend needs minutes for the 784-256-256 MLP; nobody's choice for it.
      if (backend === 'cpu' && c.inputShape[0] === 784) continue;
      const rate = await measureStepRate(c, 2);
      steps.push({
        label: c.label,
        backend,
        engine: rate.engineStepsPerSecond,
        pytorch: torch.stepRates.find((r) => r.id === c.id)?.stepsPerSecond ?? Number.NaN,
      });
    }
    search.push({ backend, engine: await engineSearchPoints(), pytorch: torch.search.points });
    process.stderr.write(`yardstick ${backend}: done\n`);
  }
  return { torch: torch.torch, steps, search };
}

export interface FirstPoint {
  webgpu: boolean;
  seconds: number;
  backend: string;
  measurement: string;
}

/**
 * The lab as a visitor meets it: default experiment, auto backend, one click on Run; the
 * time until the first EMC point is drawn, with and without a (software) WebGPU adapter.
 */
export async function firstPointTimes(port: number): Promise<FirstPoint[]> {
  const server = startPreview(port);
  const times: FirstPoint[] = [];
  try {
    for (const webgpu of [true, false]) {
      const browser = await chromium.launch({
        executablePath: chromiumPath,
        args: webgpu ? [...CHROMIUM_FLAGS, WEBGPU_FLAG] : CHROMIUM_FLAGS,
      });
      try {
        const page = await browser.newPage();
        await gotoWhenServed(page, `http://localhost:${port}/`);
        const run = page.getByRole('button', { name: 'Run', exact: true });
        await run.waitFor();
        const started = performance.now();
        await run.click();
        await page.waitForFunction(
          () =>
            Number(
              document.querySelector('[data-testid="emc-chart"]')?.getAttribute('data-points'),
            ) >= 1,
          undefined,
          { timeout: 300_000, polling: 100 },
        );
        const seconds = (performance.now() - started) / 1000;
        const badge = page.getByTestId('backend-badge');
        times.push({
          webgpu,
          seconds,
          backend: (await badge.getAttribute('data-backend')) ?? '?',
          measurement: (await page.getByTestId('backend-measurement').textContent()) ?? '',
        });
        process.stderr.write(`first point (webgpu ${webgpu}): ${seconds.toFixed(1)} s\n`);
      } finally {
        await browser.close();
      }
    }
  } finally {
    server.stop();
  }
  return times;
}

export function yardstickTables(
  report: YardstickReport | string,
  firstPoints: FirstPoint[],
  table: (header: string[], rows: string[][]) => string,
): string {
  const fixed = (value: number, digits = 1) => value.toFixed(digits);
  const sections: string[] = [];
  if (typeof report === 'string') {
    sections.push(`### PyTorch yardstick\n\nNot run: ${report}.`);
  } else {
    sections.push(
      `### PyTorch yardstick: the same models, Adam steps/s (PyTorch ${report.torch}, one thread)`,
      '',
      table(
        ['model', 'engine backend', 'engine steps/s', 'PyTorch steps/s', 'PyTorch / engine'],
        report.steps.map((s) => [
          s.label,
          s.backend,
          fixed(s.engine),
          fixed(s.pytorch),
          `${fixed(s.pytorch / s.engine, 2)}×`,
        ]),
      ),
      '',
      `### PyTorch yardstick: the same EMC search (${YARDSTICK_SEARCH_SPEC.name})`,
      '',
      table(
        [
          'width',
          'params',
          'engine backend',
          'engine EMC (probes)',
          'engine s',
          'PyTorch EMC (probes)',
          'PyTorch s',
          'engine / PyTorch time',
        ],
        report.search.flatMap(({ backend, engine, pytorch }) =>
          engine.map((point, i) => {
            const theirs = pytorch[i] as SearchPoint;
            return [
              String(point.width),
              String(point.parameterCount),
              backend,
              `${point.emc} (${point.probes})`,
              fixed(point.wallMs / 1000, 2),
              `${theirs.emc} (${theirs.probes})`,
              fixed(theirs.wallMs / 1000, 2),
              `${fixed(point.wallMs / theirs.wallMs, 2)}×`,
            ];
          }),
        ),
      ),
    );
  }
  sections.push(
    '',
    '### First EMC point of the default experiment in the lab (headless Chromium, auto backend)',
    '',
    table(
      ['WebGPU adapter', 'seconds to first point', 'backend chosen', 'measurement'],
      firstPoints.map((p) => [
        p.webgpu ? 'software (SwiftShader)' : 'none',
        fixed(p.seconds),
        p.backend,
        p.measurement,
      ]),
    ),
  );
  return sections.join('\n');
}
