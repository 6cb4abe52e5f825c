import { mkdir } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { type ExperimentResults, type ExperimentSpec, readSpec } from '../engine/index.ts';
import { firstDifference } from '../engine/shards.ts';
import { findStudy, STUDIES, type Study, studyFindingLabel } from '../presets/studies.ts';
import { runStudy, StudyInterrupted } from '../presets/studyRun.ts';
import { studyChartSvg, studyReportMarkdown } from '../presets/studyReport.ts';
import { failureCode, writeFileAtomically } from './outputFile.ts';
import { readResultsFile } from './resultsInput.ts';
import type { TrainingOutcome } from './trainInThread.ts';

/**
 * `emc-lab study`: lists the studies; `emc-lab study ID --out DIR` runs one (studyRun.ts)
 * and writes into DIR every run's results JSON as it finishes, then report.md and chart.svg.
 * Training goes through the CLI's own path (`train`: run's threads, --jobs and --backend).
 */
export const REPORT_FILE = 'report.md';
export const CHART_FILE = 'chart.svg';

/** One line per study: id, finding and title, variants, separated by tabs (as `presets`). */
export function formatStudyList(studies: readonly Study[] = STUDIES): string {
  return studies
    .map((study) => {
      return `${study.id}\t${studyFindingLabel(study.finding)}: ${study.title}\t${study.variants.map((v) => v.label).join('; ')}`;
    })
    .join('\n');
}

export interface StudyCommand {
  id: string;
  out: string;
  shrink: boolean;
  /** How the command was typed, for the report. */
  command: string;
  /** Trains one spec as `emc-lab run` would (a number: an exit code it chose). */
  train(spec: ExperimentSpec): Promise<TrainingOutcome | number>;
  note(text: string): void;
}

export type StudyExit = 'ok' | 'failed' | 'invalid' | 'interrupted';

/** Runs the study; says on stderr (through `note`) what went wrong, and returns how it ended. */
export async function runStudyCommand(options: StudyCommand): Promise<StudyExit> {
  const found = findStudy(options.id);
  if (!found.ok) {
    options.note(found.error);
    return 'invalid';
  }
  try {
    await mkdir(options.out, { recursive: true });
  } catch (error) {
    options.note(`cannot create the folder ${options.out} (${failureCode(error)})`);
    return 'invalid';
  }
  let stopped = false;
  const onSigint = () => (stopped = true);
  process.on('SIGINT', onSigint);
  try {
    const outcome = await runStudy(
      found.study,
      {
        run: async (input, file) => {
          if (stopped) throw new StudyInterrupted();
          const check = readSpec(input);
          if (!check.ok) {
            throw new Error(`the study's spec for ${file} is invalid: ${check.errors.join('; ')}`);
          }
          const earlier = await reusableResults(join(options.out, file), check.spec);
          if (earlier) {
            options.note(`${file}: reusing the complete run already in ${options.out}`);
            return earlier;
          }
          const trained = await options.train(check.spec);
          if (typeof trained === 'number')
            throw new Error(`training ${file} ended with ${trained}`);
          if (trained.kind === 'failed') throw new Error(`${file}: ${trained.message}`);
          if (!trained.results) throw new StudyInterrupted();
          return trained.results;
        },
        onResults: (file, results) =>
          writeFileAtomically(join(options.out, file), `${JSON.stringify(results, null, 2)}\n`),
        onNote: (text) => options.note(text),
      },
      { shrink: options.shrink },
    );
    const context = { command: options.command, machine: machineName(), chartFile: CHART_FILE };
    await writeFileAtomically(join(options.out, CHART_FILE), studyChartSvg(outcome));
    await writeFileAtomically(
      join(options.out, REPORT_FILE),
      studyReportMarkdown(outcome, context),
    );
    options.note(`report written to ${join(options.out, REPORT_FILE)}`);
    return outcome.status === 'complete' ? 'ok' : 'interrupted';
  } catch (error) {
    options.note(`the study failed: ${(error as Error).message}`);
    return 'failed';
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * The results a study already wrote at `path`, when they are a complete run of exactly
 * `spec` (a study stopped by Ctrl-C, or rerun after a change to some of its variants, trains
 * only what is missing or changed); otherwise undefined and the run trains afresh.
 */
export async function reusableResults(
  path: string,
  spec: ExperimentSpec,
): Promise<ExperimentResults | undefined> {
  const read = await readResultsFile(path);
  if (!read.ok || read.results.status !== 'complete') return undefined;
  return firstDifference(read.results.spec, spec) === undefined ? read.results : undefined;
}

function machineName(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 1024 ** 3)} GiB, node ${process.versions.node}`;
}
