/** Longest message an unexpected error may print: enough for a reason, never a source file. */
const MAX_MESSAGE = 600;

/** An error's message as one short line (no stack, no source text it may quote). */
export function oneLineMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((part) => part.trim() !== '') ?? 'unknown error';
  const trimmed = line.trim();
  return trimmed.length > MAX_MESSAGE ? `${trimmed.slice(0, MAX_MESSAGE)}…` : trimmed;
}

/**
 * Every error nothing caught ends the process with one line on stderr and exit code
 * `exitCode`, rather than Node's report (a stack trace, and the source line of the throw:
 * inside tfjs' bundles, a whole minified file). Installed first, so it runs before any
 * listener a library adds.
 */
export function installFatalHandlers(exitCode: number): void {
  const fail = (error: unknown) => {
    process.stderr.write(`emc-lab: unexpected error: ${oneLineMessage(error)}\n`);
    process.exit(exitCode);
  };
  process.prependListener('uncaughtException', fail);
  process.prependListener('unhandledRejection', fail);
}
