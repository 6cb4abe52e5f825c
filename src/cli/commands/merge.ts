import { measureGeneralization, mergeShards } from '../../engine/index.ts';
import { selectBackend, type NodeBackend } from '../backendSelection.ts';
import { diskDatasetFiles } from '../datasetFiles.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK } from '../exitCodes.ts';
import { refuseOutput, writeResults } from '../outputFile.ts';
import { ProgressLine } from '../progress.ts';
import { readResultsFiles } from '../resultsInput.ts';
import { USAGE } from '../usage.ts';
import { withUserData } from '../userDataFile.ts';
import type { Command } from './command.ts';

/** `emc-lab merge PART.json...`: the shards' partial results joined into one run's. */
export const mergeCommand: Command = {
  maxArgs: Infinity,
  options: ['out', 'allow-outside-data'],
  async run({ args, values }) {
    const refused = await refuseOutput(values.out);
    if (refused !== undefined) return refused;
    return merge(args, values);
  },
};

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
