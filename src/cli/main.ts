import { parseCommandLine } from './arguments.ts';
import { EXIT_INVALID, EXIT_OK } from './exitCodes.ts';
import { USAGE } from './usage.ts';

export { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK } from './exitCodes.ts';

/**
 * Runs the CLI with `argv` (without node and the script); resolves to the exit code. The
 * commands live in commands/ (one file each, listed in commands/index.ts); arguments.ts
 * checks the command line against that table before any command runs.
 */
export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    process.stderr.write(`emc-lab: ${(error as Error).message}\n\n${USAGE}\n`);
    return EXIT_INVALID;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  return parsed.command.run(parsed.input);
}
