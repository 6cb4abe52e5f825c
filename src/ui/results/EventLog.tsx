import { useRunStore } from '../../stores/runStore.ts';

/** The run's events in words, newest last. */
export function EventLog() {
  const log = useRunStore((state) => state.log);
  return (
    <details className="event-log" open>
      <summary>Event log ({log.length})</summary>
      {/* The log role on a wrapper keeps the entries a list; the region scrolls, so it takes
          keyboard focus (axe: list items in a list, scrollable regions focusable). */}
      <div
        className="event-log-entries"
        role="log"
        aria-live="off"
        aria-label="Event log"
        tabIndex={0}
      >
        <ol>
          {log.map((entry, index) => (
            // Entries are append-only, so the index is a stable key.
            // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
            <li key={index} className={entry.level}>
              <time>{entry.atSeconds.toFixed(1)} s</time> {entry.text}
            </li>
          ))}
        </ol>
      </div>
    </details>
  );
}
