import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  type EngineEvent,
  type ExperimentResults,
  type ExperimentSpec,
  runExperiment,
  type SpecCheck,
  readSpec,
  type UserDataFile,
} from '../engine/index.ts';
import {
  chooseFastestBackend,
  describeMeasuredChoice,
  startTfBackend,
} from '../engine/backendChoice.ts';
import { tuneWasmKernels } from '../engine/kernels/wasmKernels.ts';
import { labelGapReport, labelPairProblem } from '../engine/generalization.ts';
import { parseResultsFile } from '../share/resultsFile.ts';
import { lowerBoundsOf } from '../share/verdicts.ts';
import { diskDatasetFiles } from './datasetFiles.ts';
import { formatLabelGap } from './labelGapTable.ts';
import { choosePresetVariant, formatPresetList } from './presetChoice.ts';
import { ProgressLine } from './progress.ts';
import { withUserData } from './userDataFile.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_INVALID = 2;
export const EXIT_INTERRUPTED = 130;

const USAGE = `Usage:
  emc-lab run SPEC.json [--out RESULTS.json] [--backend auto|wasm|cpu] [--quiet]
  emc-lab run --preset ID [--variant K] [--out RESULTS.json] [--backend auto|wasm|cpu] [--quiet]
  emc-lab presets
  emc-lab validate SPEC.json
  emc-lab gap TRUE-RESULTS.json RANDOM-RESULTS.json

run       measures EMC for every model of the spec's sweep and writes the results JSON
          (to stdout without --out); progress goes to stderr. With --preset, the spec is
          variant K of that preset (--variant may be left out when it has only one).
presets   lists the presets, one per line: id, finding and title, variants (K=label),
          separated by tabs.
validate  checks a spec and names every problem.
gap       sets EMC(true labels) - EMC(random labels) beside the generalization gap for two
          runs of one sweep that differ only in their labels (the paper's finding 4). The
          gap is measured at one N shared by every width (the true-label run's smallest
          EMC); rows whose EMC is only a lower bound are shown but left out of r.

--backend auto (the default) times a few training steps of the spec's first model on wasm
and on cpu and trains on the faster; the timings go to stderr.

Exit codes: 0 success, 1 the run failed, 2 invalid spec or arguments, 130 interrupted.`;

const BACKENDS = ['auto', 'wasm', 'cpu'] as const;
type NodeBackend = (typeof BACKENDS)[number];

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(argv);
  } catch (error) {
    process.stderr.write(`emc-lab: ${(error as Error).message}\n\n${USAGE}\n`);
    return EXIT_INVALID;
  }
  const { command, specPath, values, extra } = parsed;
  if (values.help || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (command === 'presets') {
    process.stdout.write(`${formatPresetList()}\n`);
    return EXIT_OK;
  }
  if (command === 'gap') return gap(specPath, extra[0]);
  if (!specPath && values.preset === undefined) {
    const needs = command === 'run' ? 'a SPEC.json or --preset ID' : 'a SPEC.json';
    process.stderr.write(`emc-lab: ${command} needs ${needs}\n\n${USAGE}\n`);
    return EXIT_INVALID;
  }
  const resolved = await resolveRunSpec({
    specPath,
    preset: values.preset,
    variant: values.variant,
  });
  if (!resolved.ok) {
    process.stderr.write(`emc-lab: ${resolved.error}\n`);
    return EXIT_INVALID;
  }
  const { origin, check } = resolved;
  if (!check.ok) {
    process.stderr.write(`emc-lab: ${origin} is not a valid experiment spec:\n`);
    for (const error of check.errors) process.stderr.write(`  ${error}\n`);
    return EXIT_INVALID;
  }
  if (command === 'validate') {
    const { spec } = check;
    process.stdout.write(
      `${origin}: valid — "${spec.name}", ${spec.sweep.widths.length} sweep point(s), ${spec.search.seeds} seed(s)\n`,
    );
    return EXIT_OK;
  }
  return run(check.spec, values, resolved.userData);
}

/** Where the spec to measure comes from: a SPEC.json path, or a preset and its variant. */
export interface SpecArgs {
  specPath?: string;
  preset?: string;
  variant?: string;
}

/** `origin` names the spec in messages: its path, or the preset and variant. */
export type ResolvedSpec =
  | { ok: true; origin: string; check: SpecCheck; userData?: UserDataFile }
  | { ok: false; error: string };

/**
 * The spec `run` measures: the file's contents, or `variantSpec(preset, K)` checked exactly
 * as if it had been saved to a file. `ok: false` is a mistake in the arguments; a spec that
 * fails validation comes back as a failed `check`.
 */
export async function resolveRunSpec({
  specPath,
  preset,
  variant,
}: SpecArgs): Promise<ResolvedSpec> {
  if (preset !== undefined && specPath) {
    return {
      ok: false,
      error: `give a SPEC.json or --preset ID, not both (got ${specPath} and --preset ${preset})`,
    };
  }
  if (preset !== undefined) {
    const choice = choosePresetVariant(preset, variant);
    if (!choice.ok) return choice;
    return { ok: true, origin: choice.origin, check: readSpec(choice.spec) };
  }
  if (variant !== undefined) return { ok: false, error: '--variant goes with --preset ID' };
  if (!specPath) return { ok: false, error: 'no spec: give a SPEC.json or --preset ID' };
  const file = await readSpecFile(specPath);
  if ('error' in file) return file;
  return { ok: true, origin: specPath, ...file };
}

function parseCli(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      backend: { type: 'string', default: 'auto' },
      quiet: { type: 'boolean', short: 'q', default: false },
      preset: { type: 'string' },
      variant: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command = 'help', specPath, ...extra] = positionals;
  if (!['run', 'presets', 'validate', 'gap', 'help'].includes(command)) {
    throw new Error(`unknown command "${command}"`);
  }
  if (command === 'presets' && specPath !== undefined) {
    throw new Error(`unexpected argument "${specPath}"`);
  }
  const extraAllowed = command === 'gap' ? 1 : 0;
  if (extra.length > extraAllowed) throw new Error(`unexpected argument "${extra[extraAllowed]}"`);
  if (command !== 'run' && (values.preset !== undefined || values.variant !== undefined)) {
    throw new Error(`--preset and --variant go with run, not ${command}`);
  }
  if (!BACKENDS.includes(values.backend as NodeBackend)) {
    throw new Error(`--backend must be one of ${BACKENDS.join(', ')} (got "${values.backend}")`);
  }
  return {
    command,
    specPath,
    extra,
    values: { ...values, backend: values.backend as NodeBackend },
  };
}

/**
 * A spec file, checked; with the user's data it names (data.file, relative to the spec)
 * read and checked too. Data that cannot be read is an argument error, named.
 */
async function readSpecFile(
  path: string,
): Promise<{ check: SpecCheck; userData?: UserDataFile } | { ok: false; error: string }> {
  const refused = (error: string) => ({ check: { ok: false as const, errors: [error] } });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return refused(`cannot read the file (${(error as NodeJS.ErrnoException).code})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return refused(`not valid JSON: ${(error as Error).message}`);
  }
  const withData = await withUserData(raw, path);
  if (!withData.ok) return { ok: false, error: `${path}: ${withData.error}` };
  return { check: readSpec(withData.spec), userData: withData.userData };
}

async function run(
  spec: ExperimentSpec,
  options: { out?: string; backend: NodeBackend; quiet: boolean },
  userData?: UserDataFile,
): Promise<number> {
  const progress = new ProgressLine(process.stderr, options.quiet);
  try {
    const measurement = await selectBackend(options.backend, spec);
    if (measurement && !options.quiet) progress.note(measurement);
  } catch (error) {
    process.stderr.write(`emc-lab: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
  const abort = new AbortController();
  const onInterrupt = () => {
    progress.note('interrupted: finishing the current step, then writing partial results');
    abort.abort();
  };
  process.once('SIGINT', onInterrupt);
  let results: ExperimentResults;
  try {
    results = await runExperiment(spec, {
      onEvent: (event: EngineEvent) => progress.update(event),
      files: diskDatasetFiles(),
      userData,
      control: {
        signal: abort.signal,
        // Lets the SIGINT handler run during training (the steps themselves are synchronous).
        betweenSteps: () => new Promise((resolve) => setImmediate(resolve)),
      },
    });
  } catch (error) {
    progress.done();
    process.stderr.write(`emc-lab: the run failed: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  progress.done();
  const json = `${JSON.stringify(results, null, 2)}\n`;
  if (options.out) {
    await writeFile(options.out, json);
    process.stderr.write(`emc-lab: results written to ${options.out}\n`);
  } else {
    process.stdout.write(json);
  }
  return results.status === 'cancelled' ? EXIT_INTERRUPTED : EXIT_OK;
}

async function gap(truePath: string | undefined, randomPath: string | undefined): Promise<number> {
  if (!truePath || !randomPath) {
    process.stderr.write(`emc-lab: gap needs two results files\n\n${USAGE}\n`);
    return EXIT_INVALID;
  }
  const runs: ExperimentResults[] = [];
  for (const path of [truePath, randomPath]) {
    let contents: string;
    try {
      contents = await readFile(path, 'utf8');
    } catch (error) {
      process.stderr.write(
        `emc-lab: cannot read ${path} (${(error as NodeJS.ErrnoException).code})\n`,
      );
      return EXIT_INVALID;
    }
    const parsed = parseResultsFile(contents);
    if (!parsed.ok) {
      process.stderr.write(`emc-lab: ${path}: ${parsed.error}\n`);
      return EXIT_INVALID;
    }
    runs.push(parsed.results);
  }
  const [trueRun, randomRun] = runs as [ExperimentResults, ExperimentResults];
  const problem = labelPairProblem(trueRun, randomRun);
  if (problem) {
    process.stderr.write(`emc-lab: cannot compare ${truePath} and ${randomPath}: ${problem}\n`);
    return EXIT_INVALID;
  }
  const bounds = { true: lowerBoundsOf(trueRun), random: lowerBoundsOf(randomRun) };
  process.stdout.write(`${formatLabelGap(labelGapReport(trueRun, randomRun), bounds)}\n`);
  return EXIT_OK;
}

/** Starts the chosen backend; for "auto", the faster by measurement, described in the answer. */
async function selectBackend(
  backend: NodeBackend,
  spec: ExperimentSpec,
): Promise<string | undefined> {
  // Production mode silences tfjs' advice to install tfjs-node (which downloads a binary and
  // so is not an option here), keeping stderr for our own progress.
  tf.enableProdMode();
  if (backend !== 'cpu') {
    await import('@tensorflow/tfjs-backend-wasm');
    tuneWasmKernels();
  }
  if (backend === 'auto') {
    return describeMeasuredChoice(
      await chooseFastestBackend(['wasm', 'cpu'], spec, startTfBackend),
    );
  }
  const problem = await startTfBackend(backend);
  if (problem) throw new Error(`the ${backend} backend failed to start: ${problem}`);
  return undefined;
}
