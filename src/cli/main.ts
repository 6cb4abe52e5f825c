import { parseArgs } from 'node:util';
import {
  type ExperimentResults,
  type ExperimentSpec,
  measureGeneralization,
  mergeShards,
  type ProbeRecord,
  type ShardId,
  shardingProblem,
  type SpecCheck,
  readSpec,
  type UserDataFile,
  sweepPoints,
} from '../engine/index.ts';
import { labelGapReport, labelPairProblem } from '../engine/generalization.ts';
import { lowerBoundsOf } from '../share/verdicts.ts';
import { diskDatasetFiles } from './datasetFiles.ts';
import { formatLabelGap } from './labelGapTable.ts';
import { BACKENDS, type NodeBackend, selectBackend } from './backendSelection.ts';
import { describeRescue, outputProblem, saveResults } from './outputFile.ts';
import { choosePresetVariant, formatPresetList } from './presetChoice.ts';
import { ProgressLine } from './progress.ts';
import { parseJobs, threadsFor, trainInJobs } from './jobs.ts';
import { readResultsFile, readSpecText } from './resultsInput.ts';
import { earlierShardProbes, parseShard, ShardCheckpoint } from './shards.ts';
import { formatStudyList, runStudyCommand } from './study.ts';
import { trainInThread, type TrainingOutcome } from './trainInThread.ts';
import { type DataFileOptions, withUserData } from './userDataFile.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_INVALID = 2;
export const EXIT_INTERRUPTED = 130;

const USAGE = `Usage:
  emc-lab run SPEC.json [--out RESULTS.json] [--backend auto|wasm|cpu|webgpu] [--jobs N]
                       [--quiet] [--allow-outside-data]
  emc-lab run SPEC.json --shard I/N --out PART.json [--backend …] [--quiet]
  emc-lab run --preset ID [--variant K] [--out RESULTS.json] [--backend auto|wasm|cpu|webgpu]
                       [--jobs N] [--quiet]
  emc-lab merge PART.json... [--out RESULTS.json] [--backend …] [--quiet]
  emc-lab presets
  emc-lab study
  emc-lab study ID --out DIR [--jobs N] [--backend auto|wasm|cpu|webgpu] [--quiet] [--shrink]
  emc-lab validate SPEC.json
  emc-lab gap TRUE-RESULTS.json RANDOM-RESULTS.json

run       measures EMC for every model of the spec's sweep and writes the results JSON
          (to stdout without --out); progress goes to stderr. With --preset, the spec is
          variant K of that preset (--variant may be left out when it has only one).
          --shard I/N runs shard I of N of the sweep's (width, seed) jobs and writes partial
          results (kept up to date as probes finish; a re-run continues from them). I may be
          "auto": JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm
          array). Needs "warmStart": false in the spec's search when the sweep has several
          widths.
          --jobs N trains N of the sweep's (width, seed) jobs at once, in threads of one
          process (default: the number of cores; results are the same as with --jobs 1).
          A sweep with "warmStart": true and several widths runs in one thread: each width
          starts from the one before. Not with --shard (run more shards instead).
merge     joins every shard's partial results into the results one process would have
          written (it trains the generalization probes when the spec has a test split).
presets   lists the presets, one per line: id, finding and title, variants (K=label),
          separated by tabs.
study     lists the studies, one per line: id, finding and title, variants (tab-separated).
          With an ID, runs that study: per variant, each learning rate of its grid on a
          tuning seed, then the best rate with every seed, each point verified; writes every
          run's results JSON into DIR as it finishes, then DIR/report.md (settings, verdict
          per claim, tables) and DIR/chart.svg. --jobs and --backend as for run. A study
          takes about an hour on 2 cores (finding-5 many more: see its report's protocol).
          --shrink runs it with tiny pools, one width, one seed and one learning rate in
          seconds to minutes: a check that it runs, whose verdicts say nothing.
validate  checks a spec and names every problem.
gap       sets EMC(true labels) - EMC(random labels) beside the generalization gap for two
          runs of one sweep that differ only in their labels (the paper's finding 4). The
          gap is measured at one N shared by every width (the true-label run's smallest
          EMC); rows whose EMC is only a lower bound are shown but left out of r.

--backend auto (the default) times a few training steps of the spec's first model on wasm,
cpu and, where a Vulkan driver is installed, webgpu, and trains on the fastest; the timings
go to stderr. webgpu runs on the GPU through Dawn's Node bindings (npm package webgpu) and
needs a Vulkan loader and driver (without a GPU: VK_ICD_FILENAMES=/usr/lib/chromium/
vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium uses the software driver of
Debian's chromium).

--out is checked before training and written atomically (a temporary file beside it,
renamed); if it cannot be written after a run, the results go to a rescue file in the temp
folder (named on stderr). Ctrl-C stops a run within about a second, even mid-step, and
writes the results so far. data.file must lie in the spec's folder unless
--allow-outside-data is given.

Exit codes: 0 success, 1 the run failed (or its results could not be written where asked),
2 invalid spec or arguments, 130 interrupted.`;

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
  if (command === 'study') return study(specPath, values, argv);
  // A mistyped --out is refused before anything trains, not after.
  if (values.out !== undefined && (command === 'run' || command === 'merge')) {
    const problem = await outputProblem(values.out, { fileOnly: values.shard !== undefined });
    if (problem) {
      process.stderr.write(`emc-lab: ${problem}\n`);
      return EXIT_INVALID;
    }
  }
  if (command === 'merge')
    return merge(
      [specPath, ...extra].filter((p) => p !== undefined),
      values,
    );
  if (!specPath && values.preset === undefined) {
    const needs = command === 'run' ? 'a SPEC.json or --preset ID' : 'a SPEC.json';
    process.stderr.write(`emc-lab: ${command} needs ${needs}\n\n${USAGE}\n`);
    return EXIT_INVALID;
  }
  const resolved = await resolveRunSpec({
    specPath,
    preset: values.preset,
    variant: values.variant,
    allowOutsideData: values['allow-outside-data'],
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
  for (const note of check.migrationNotes ?? []) process.stderr.write(`emc-lab: ${note}\n`);
  if (command === 'validate') {
    const { spec } = check;
    process.stdout.write(
      `${origin}: valid — "${spec.name}", ${sweepPoints(spec).length} sweep point(s), ${spec.search.seeds} seed(s)\n`,
    );
    return EXIT_OK;
  }
  let shard: ShardId | undefined;
  if (values.shard !== undefined) {
    const parsedShard = parseShard(values.shard);
    const problem = parsedShard.ok
      ? shardingProblem(check.spec, parsedShard.value)
      : parsedShard.error;
    if (problem || !parsedShard.ok) {
      process.stderr.write(`emc-lab: ${problem}\n`);
      return EXIT_INVALID;
    }
    if (!values.out) {
      process.stderr.write(
        'emc-lab: --shard needs --out PART.json: the partial results are merged later, and a re-run continues from them\n',
      );
      return EXIT_INVALID;
    }
    shard = parsedShard.value;
  }
  const parsedJobs = parseJobs(values.jobs);
  if (!parsedJobs.ok) {
    process.stderr.write(`emc-lab: ${parsedJobs.error}\n`);
    return EXIT_INVALID;
  }
  const jobs = parsedJobs.value;
  if (values.jobs !== undefined && shard && jobs > 1) {
    process.stderr.write(
      `emc-lab: --jobs ${jobs} does not go with --shard: a shard runs in one thread (split the sweep into more shards instead)\n`,
    );
    return EXIT_INVALID;
  }
  const threads = shard ? { threads: 1 } : threadsFor(check.spec, jobs, values.jobs !== undefined);
  if (threads.note) process.stderr.write(`emc-lab: ${threads.note}\n`);
  return run(check.spec, { ...values, shard, threads: threads.threads }, resolved.userData);
}

/** Where the spec to measure comes from: a SPEC.json path, or a preset and its variant. */
export interface SpecArgs {
  specPath?: string;
  preset?: string;
  variant?: string;
  /** --allow-outside-data: the spec's data.file may lie outside its folder. */
  allowOutsideData?: boolean;
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
  allowOutsideData,
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
  const file = await readSpecFile(specPath, { allowOutside: allowOutsideData });
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
      shard: { type: 'string' },
      jobs: { type: 'string' },
      shrink: { type: 'boolean', default: false },
      'allow-outside-data': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command = 'help', specPath, ...extra] = positionals;
  if (!['run', 'presets', 'study', 'validate', 'gap', 'merge', 'help'].includes(command)) {
    throw new Error(`unknown command "${command}"`);
  }
  if (command === 'presets' && specPath !== undefined) {
    throw new Error(`unexpected argument "${specPath}"`);
  }
  const extraAllowed = command === 'gap' ? 1 : command === 'merge' ? Infinity : 0;
  if (extra.length > extraAllowed) throw new Error(`unexpected argument "${extra[extraAllowed]}"`);
  if (command !== 'study' && values.shrink)
    throw new Error(`--shrink goes with study, not ${command}`);
  for (const option of ['shard', 'jobs'] as const) {
    const allowed = option === 'jobs' && command === 'study';
    if (command !== 'run' && !allowed && values[option] !== undefined) {
      throw new Error(`--${option} goes with run, not ${command}`);
    }
  }
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
  dataOptions: DataFileOptions,
): Promise<{ check: SpecCheck; userData?: UserDataFile } | { ok: false; error: string }> {
  const refused = (error: string) => ({ check: { ok: false as const, errors: [error] } });
  const read = await readSpecText(path);
  if (!read.ok) return refused(read.code ? `cannot read the file (${read.code})` : read.error);
  let raw: unknown;
  try {
    raw = JSON.parse(read.text);
  } catch (error) {
    return refused(`not valid JSON: ${(error as Error).message}`);
  }
  const withData = await withUserData(raw, path, dataOptions);
  if (!withData.ok) return { ok: false, error: `${path}: ${withData.error}` };
  return { check: readSpec(withData.spec), userData: withData.userData };
}

async function run(
  spec: ExperimentSpec,
  options: { out?: string; backend: NodeBackend; quiet: boolean; shard?: ShardId; threads: number },
  userData?: UserDataFile,
): Promise<number> {
  const progress = new ProgressLine(process.stderr, options.quiet);
  const outcome =
    options.threads > 1
      ? await trainInThreads(spec, options, userData, progress)
      : await trainOneThread(spec, options, userData, progress);
  if (typeof outcome === 'number') return outcome;
  progress.done();
  if (outcome.kind === 'failed') {
    const what = outcome.stage === 'backend' ? '' : 'the run failed: ';
    process.stderr.write(`emc-lab: ${what}${outcome.message}\n`);
    return EXIT_FAILED;
  }
  if (!outcome.results) {
    process.stderr.write('emc-lab: interrupted before training started; nothing to write\n');
    return EXIT_INTERRUPTED;
  }
  const written = await writeResults(outcome.results, options.out, 'results written to');
  if (!written) return EXIT_FAILED;
  return outcome.kind === 'interrupted' ? EXIT_INTERRUPTED : EXIT_OK;
}

/** The sweep in one training thread (a shard's checkpointed and resumed); a number is an exit code. */
async function trainOneThread(
  spec: ExperimentSpec,
  options: { out?: string; backend: NodeBackend; quiet: boolean; shard?: ShardId },
  userData: UserDataFile | undefined,
  progress: ProgressLine,
): Promise<TrainingOutcome | number> {
  const { shard, out } = options;
  let replay: ProbeRecord[] = [];
  if (shard && out) {
    const earlier = await earlierShardProbes(out, spec, shard);
    if (!earlier.ok) {
      process.stderr.write(`emc-lab: ${earlier.error}\n`);
      return EXIT_INVALID;
    }
    replay = earlier.value;
    if (replay.length > 0) {
      progress.note(
        `continuing shard ${shard.index}/${shard.count}: ${replay.length} probes of ${out} are reused, not retrained`,
      );
    }
  }
  const checkpoint =
    shard && out ? new ShardCheckpoint(out, shard, (problem) => progress.note(problem)) : undefined;
  const outcome = await trainInThread(
    { spec, backend: options.backend, userData, shard, replay },
    {
      onBackend: (measurement) => {
        if (measurement && !options.quiet) progress.note(measurement);
      },
      onEvent: (event) => {
        progress.update(event);
        checkpoint?.onEvent(event);
      },
      onInterrupt: () =>
        progress.note('interrupted: stopping the run and writing the results so far'),
    },
  );
  await checkpoint?.settled();
  return outcome;
}

/**
 * The sweep's jobs in `threads` training threads (jobs.ts): each thread's progress lines
 * start with [I/N]; the points and the run's summary are reported once, merged.
 */
async function trainInThreads(
  spec: ExperimentSpec,
  options: { backend: NodeBackend; quiet: boolean; threads: number },
  userData: UserDataFile | undefined,
  progress: ProgressLine,
): Promise<TrainingOutcome> {
  const { threads, quiet } = options;
  const points = sweepPoints(spec).length;
  const lines = Array.from(
    { length: threads },
    (_, i) => new ProgressLine(process.stderr, quiet, { prefix: `[${i + 1}/${threads}] `, points }),
  );
  let started = false;
  const outcome = await trainInJobs({ spec, backend: options.backend, userData }, threads, {
    onBackend: (measurement) => {
      if (quiet) return;
      if (measurement) progress.note(measurement);
      const jobs = points * spec.search.seeds;
      progress.note(`training the sweep's ${jobs} (width, seed) jobs in ${threads} threads`);
    },
    onEvent: (thread, event) => {
      if (thread === undefined) progress.update(event);
      else if (event.kind === 'run-started') {
        if (!started) progress.update(event);
        started = true;
      } else if (event.kind !== 'point-finished' && event.kind !== 'run-finished') {
        lines[thread - 1]?.update(event);
      }
    },
    onInterrupt: () =>
      progress.note('interrupted: stopping every thread and writing the results so far'),
  });
  if (outcome.kind !== 'failed' && outcome.results) {
    for (const point of outcome.results.points) progress.update({ kind: 'point-finished', point });
    progress.update({ kind: 'run-finished', results: outcome.results });
  }
  return outcome;
}

/**
 * Writes results to `out` atomically (stdout without one); when that fails, to a rescue
 * file, saying where in one line. False when they did not reach `out`.
 */
async function writeResults(
  results: ExperimentResults,
  out: string | undefined,
  done: string,
): Promise<boolean> {
  const json = `${JSON.stringify(results, null, 2)}\n`;
  if (!out) {
    process.stdout.write(json);
    return true;
  }
  const saved = await saveResults(out, json);
  if (!saved.ok) {
    process.stderr.write(`emc-lab: ${describeRescue(saved)}\n`);
    return false;
  }
  process.stderr.write(`emc-lab: ${done} ${out}\n`);
  return true;
}

async function gap(truePath: string | undefined, randomPath: string | undefined): Promise<number> {
  if (!truePath || !randomPath) {
    process.stderr.write(`emc-lab: gap needs two results files\n\n${USAGE}\n`);
    return EXIT_INVALID;
  }
  const read = await readResultsFiles([truePath, randomPath]);
  if (!read) return EXIT_INVALID;
  const runs = read.map((part) => part.results);
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

/** `emc-lab study` lists the studies; with an ID it runs one into --out DIR (study.ts). */
async function study(
  id: string | undefined,
  values: { out?: string; backend: NodeBackend; quiet: boolean; jobs?: string; shrink: boolean },
  argv: string[],
): Promise<number> {
  if (id === undefined) {
    process.stdout.write(`${formatStudyList()}\n`);
    return EXIT_OK;
  }
  if (!values.out) {
    process.stderr.write(`emc-lab: study ${id} needs --out DIR: its report and results go there\n`);
    return EXIT_INVALID;
  }
  const parsedJobs = parseJobs(values.jobs);
  if (!parsedJobs.ok) {
    process.stderr.write(`emc-lab: ${parsedJobs.error}\n`);
    return EXIT_INVALID;
  }
  const jobs = parsedJobs.value;
  const options = { backend: values.backend, quiet: values.quiet };
  const exit = await runStudyCommand({
    id,
    out: values.out,
    shrink: values.shrink,
    command: ['emc-lab', ...argv].join(' '),
    note: (text) => process.stderr.write(`emc-lab: ${text}\n`),
    train: async (spec) => {
      const progress = new ProgressLine(process.stderr, values.quiet);
      const { threads, note } = threadsFor(spec, jobs, values.jobs !== undefined);
      if (note) progress.note(note);
      const outcome =
        threads > 1
          ? await trainInThreads(spec, { ...options, threads }, undefined, progress)
          : await trainOneThread(spec, options, undefined, progress);
      progress.done();
      return outcome;
    },
  });
  return { ok: EXIT_OK, failed: EXIT_FAILED, invalid: EXIT_INVALID, interrupted: EXIT_INTERRUPTED }[
    exit
  ];
}

/** Joins shards' partial results; trains the generalization probes when there is a test split. */
async function merge(
  paths: string[],
  options: { out?: string; backend: NodeBackend; quiet: boolean; 'allow-outside-data': boolean },
): Promise<number> {
  if (paths.length === 0) {
    process.stderr.write(`emc-lab: merge needs the shards' partial results files\n\n${USAGE}\n`);
    return EXIT_INVALID;
  }
  const parts = await readResultsFiles(paths);
  if (!parts) return EXIT_INVALID;
  const merged = mergeShards(parts);
  if (!merged.ok) {
    process.stderr.write(`emc-lab: cannot merge: ${merged.error}\n`);
    return EXIT_INVALID;
  }
  let { results } = merged;
  if (results.spec.data.testSize > 0) {
    const progress = new ProgressLine(process.stderr, options.quiet);
    try {
      const backend = await selectBackend(options.backend, results.spec);
      if (backend.measurement && !options.quiet) progress.note(backend.measurement);
      if (!options.quiet) progress.note('measuring generalization at the N every width fits');
      // Your own data is read as the spec names it, relative to the current folder.
      const withData = await withUserData(results.spec, 'merged.json', {
        allowOutside: options['allow-outside-data'],
      });
      if (!withData.ok) throw new Error(withData.error);
      results = await measureGeneralization(results, {
        files: diskDatasetFiles(),
        userData: withData.userData,
        onEvent: (event) => progress.update(event),
      });
    } catch (error) {
      progress.done();
      process.stderr.write(`emc-lab: the merge failed: ${(error as Error).message}\n`);
      return EXIT_FAILED;
    }
    progress.done();
  }
  const written = await writeResults(results, options.out, `${parts.length} shards merged into`);
  return written ? EXIT_OK : EXIT_FAILED;
}

/** Reads results files, or says on stderr which one cannot be read and why (then undefined). */
async function readResultsFiles(
  paths: string[],
): Promise<{ name: string; results: ExperimentResults }[] | undefined> {
  const read: { name: string; results: ExperimentResults }[] = [];
  for (const path of paths) {
    const parsed = await readResultsFile(path);
    if (!parsed.ok) {
      process.stderr.write(
        'code' in parsed
          ? `emc-lab: cannot read ${path} (${parsed.code})\n`
          : `emc-lab: ${path}: ${parsed.error}\n`,
      );
      return undefined;
    }
    read.push({ name: path, results: parsed.results });
  }
  return read;
}
