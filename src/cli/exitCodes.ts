/**
 * The CLI's exit codes: docs/cli.md's table lists exactly these, and exitCodes.test.ts holds
 * every command, process.exit and fatal handler under src/cli and bin to them.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_INVALID = 2;
export const EXIT_INTERRUPTED = 130;
