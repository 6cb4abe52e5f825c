import type { SharedComparison } from './linkCodec.ts';
import { parseResultsDocument, type ParsedResults } from './resultsFile.ts';

/**
 * A comparison's JSON export: every compared run's full results document with its legend
 * label, under the comparison's title. Each run is read back exactly as a results file is
 * (the same schema, migrations and consistency checks).
 */
export const COMPARISON_FORMAT = 'emc-lab-comparison';
export const COMPARISON_VERSION = 1;
const MAX_FILE_CHARS = 50_000_000;
const MAX_RUNS = 8;

/** The comparison as the document its JSON export holds. */
export function comparisonDocument(comparison: SharedComparison) {
  return {
    format: COMPARISON_FORMAT,
    version: COMPARISON_VERSION,
    ...(comparison.title === undefined ? {} : { title: comparison.title }),
    runs: comparison.runs.map((run) => ({ label: run.label, results: run.results })),
  };
}

export type ParsedResultsOrComparison =
  (ParsedResults & { ok: true; comparison?: SharedComparison }) | { ok: false; error: string };

/**
 * Reads a results file or a comparison file. For a comparison, `results` is its last run
 * (the one a preset ran last) and `comparison` holds every run, the last among them.
 */
export function parseResultsOrComparison(contents: string): ParsedResultsOrComparison {
  if (contents.length > MAX_FILE_CHARS) {
    return { ok: false, error: 'This file is larger than any EMC Lab results file (50 MB).' };
  }
  let json: unknown;
  try {
    json = JSON.parse(contents);
  } catch {
    return { ok: false, error: 'This file is not JSON, so it cannot be EMC Lab results.' };
  }
  if ((json as { format?: unknown } | null)?.format !== COMPARISON_FORMAT) {
    return parseResultsDocument(json);
  }
  return parseComparison(json as Record<string, unknown>);
}

function parseComparison(json: Record<string, unknown>): ParsedResultsOrComparison {
  const { version, title, runs } = json;
  if (typeof version === 'number' && version > COMPARISON_VERSION) {
    return {
      ok: false,
      error: `This comparison was written by a newer EMC Lab (comparison version ${version}; this one reads up to ${COMPARISON_VERSION}). Update EMC Lab to open it.`,
    };
  }
  if (version !== COMPARISON_VERSION || (title !== undefined && typeof title !== 'string')) {
    return { ok: false, error: 'This comparison file is damaged: its header is invalid.' };
  }
  if (!Array.isArray(runs) || runs.length === 0 || runs.length > MAX_RUNS) {
    return {
      ok: false,
      error: `This comparison file is damaged: it must hold 1 to ${MAX_RUNS} runs.`,
    };
  }
  const read: SharedComparison['runs'] = [];
  const migrationNotes: string[] = [];
  for (const [index, run] of runs.entries()) {
    const { label, results } = (run ?? {}) as { label?: unknown; results?: unknown };
    if (typeof label !== 'string' || label.length > 200) {
      return {
        ok: false,
        error: `This comparison file is damaged: run ${index + 1} has no label.`,
      };
    }
    const parsed = parseResultsDocument(results);
    if (!parsed.ok) return { ok: false, error: `Run ${index + 1} (“${label}”): ${parsed.error}` };
    read.push({ label, results: parsed.results });
    migrationNotes.push(...(parsed.migrationNotes ?? []));
  }
  const last = read.at(-1) as SharedComparison['runs'][number];
  return {
    ok: true,
    results: last.results,
    comparison: { ...(title === undefined ? {} : { title }), runs: read },
    ...(migrationNotes.length > 0 ? { migrationNotes: [...new Set(migrationNotes)] } : {}),
  };
}
