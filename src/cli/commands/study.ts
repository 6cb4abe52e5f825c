import type { NodeBackend } from '../backendSelection.ts';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK } from '../exitCodes.ts';
import { parseJobs, threadsFor } from '../jobs.ts';
import { ProgressLine } from '../progress.ts';
import { formatStudyList, runStudyCommand } from '../study.ts';
import { trainSpec } from '../training.ts';
import type { Command } from './command.ts';

export const studyCommand: Command = {
  maxArgs: 1,
  options: ['out', 'jobs', 'shrink'],
  run: ({ args: [id], values, argv }) => study(id, values, argv),
};

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
      const outcome = await trainSpec(spec, { ...options, threads }, undefined, progress);
      progress.done();
      return outcome;
    },
  });
  return { ok: EXIT_OK, failed: EXIT_FAILED, invalid: EXIT_INVALID, interrupted: EXIT_INTERRUPTED }[
    exit
  ];
}
