import type { ExperimentResults } from '../../engine/index.ts';
import { labelGapReport, labelPairProblem } from '../../engine/generalization.ts';
import { lowerBoundsOf } from '../../share/verdicts.ts';
import { EXIT_INVALID, EXIT_OK } from '../exitCodes.ts';
import { formatLabelGap } from '../labelGapTable.ts';
import { readResultsFiles } from '../resultsInput.ts';
import { USAGE } from '../usage.ts';
import type { Command } from './command.ts';

/** `emc-lab gap TRUE.json RANDOM.json`: the label gap beside generalization (finding 4). */
export const gapCommand: Command = {
  maxArgs: 2,
  options: [],
  run: ({ args: [truePath, randomPath] }) => gap(truePath, randomPath),
};

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
