import type { LogEntry } from './runTypes.ts';

/** The event log keeps the latest entries only: a long run must not grow the page without end. */
const LOG_LIMIT = 400;

/** The log with one more entry, stamped in seconds since the run started. */
export function appendLog(
  log: LogEntry[],
  startedAt: number | undefined,
  now: number,
  level: LogEntry['level'],
  text: string,
): LogEntry[] {
  const entry = { atSeconds: (now - (startedAt ?? now)) / 1000, level, text };
  const next = [...log, entry];
  return next.length > LOG_LIMIT ? next.slice(next.length - LOG_LIMIT) : next;
}
