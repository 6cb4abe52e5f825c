import { compressToEncodedURIComponent } from 'lz-string';
import { z } from 'zod';
import type { ExperimentResults } from '../engine/results.ts';
import { type ExperimentSpec, readSpec } from '../engine/experiment/index.ts';
import { resultsContradiction } from '../engine/resultsConsistency.ts';
import { decompressBounded } from './boundedLz.ts';
import { compactResults, compactResultsSchema, expandResults } from './compactResults.ts';

/**
 * Share links: the experiment spec (and optionally compact results) as JSON, compressed
 * with lz-string into the URL fragment `#e=…`. The fragment never reaches a server, and
 * everything decoded is validated against the schema: a link is data, never code or HTML.
 */
export const LINK_PARAM = 'e';
/** Links above this size may be cut by chat apps and browsers; results are dropped first. */
export const MAX_LINK_CHARS = 8_000;
/** Anything longer is refused before decompression (a hostile link could be huge). */
const MAX_FRAGMENT_CHARS = 200_000;
/**
 * Anything that decompresses to more is refused while it decompresses, before JSON.parse:
 * lz-string can expand a 74 KB link to 500 M characters. The links EMC Lab writes hold at
 * most MAX_LINK_CHARS compressed (tens of KB of JSON); old links of any size up to
 * MAX_FRAGMENT_CHARS that hold a spec and results are far below it.
 */
export const MAX_DECOMPRESSED_CHARS = 1_000_000;

/** Runs compared on one chart, in their order, under one title: shared as one object. */
export interface SharedComparison {
  title?: string;
  runs: Array<{ label: string; results: ExperimentResults }>;
}

/** The most runs a comparison holds (the chart's palette has as many pinned colours). */
export const MAX_COMPARED_RUNS = 8;

const comparisonSchema = z.strictObject({
  title: z.string().max(200).optional(),
  runs: z
    .array(
      z.strictObject({
        label: z.string().max(200),
        spec: z.unknown(),
        results: compactResultsSchema,
      }),
    )
    .min(1)
    .max(MAX_COMPARED_RUNS),
  /** Which run is the one shown as current (absent: the link's own results, if any). */
  current: z
    .number()
    .int()
    .min(0)
    .max(MAX_COMPARED_RUNS - 1)
    .optional(),
});

export type DecodedLink =
  | { kind: 'none' }
  | {
      kind: 'ok';
      spec: ExperimentSpec;
      results?: ExperimentResults;
      /** A comparison's every run; `results` is then the one among them shown as current. */
      comparison?: SharedComparison;
      warning?: string;
      /** What migrating a link of an older version reinterpreted (to tell the person). */
      migrationNotes?: string[];
    }
  | { kind: 'error'; message: string };

export interface EncodedLink {
  fragment: string;
  /** What was embedded: results with probes, results without probes, or the spec only. */
  embedded: 'spec' | 'points' | 'points+probes';
  /** How many compared runs the link carries (absent: no comparison). */
  comparedRuns?: number;
  /** Set when results were asked for but did not fit in MAX_LINK_CHARS. */
  note?: string;
}

const makeFragment = (payload: object) =>
  `#${LINK_PARAM}=${compressToEncodedURIComponent(JSON.stringify(payload))}`;

/**
 * The fragment (with its #) for a spec, embedding as much of `results` as fits; with a
 * comparison, every one of its runs (the current one among them is not repeated), or, when
 * they do not fit, the current run alone, saying so.
 */
export function encodeLink(
  spec: ExperimentSpec,
  results?: ExperimentResults,
  comparison?: SharedComparison,
): EncodedLink {
  if (!results || !comparison) return encodeSingle(spec, results);
  const runs = comparison.runs.slice(-MAX_COMPARED_RUNS);
  const current = runs.findIndex((run) => run.results === results);
  const make = (withProbes: boolean) =>
    makeFragment({
      spec,
      ...(current < 0 ? { results: compactResults(results, withProbes) } : {}),
      comparison: {
        ...(comparison.title === undefined ? {} : { title: comparison.title }),
        runs: runs.map((run) => ({
          label: run.label,
          spec: run.results.spec,
          results: compactResults(run.results, withProbes),
        })),
        ...(current < 0 ? {} : { current }),
      },
    });
  const comparedRuns = runs.length + (current < 0 ? 1 : 0);
  const full = make(true);
  if (full.length <= MAX_LINK_CHARS) {
    return { fragment: full, embedded: 'points+probes', comparedRuns };
  }
  const points = make(false);
  if (points.length <= MAX_LINK_CHARS) {
    return {
      fragment: points,
      embedded: 'points',
      comparedRuns,
      note: 'The search traces were left out to keep the link under 8 KB.',
    };
  }
  const single = encodeSingle(spec, results);
  return {
    ...single,
    note: `The comparison is too large to embed (${Math.round(points.length / 1024)} KB); the link holds the current run only. Export JSON to share every run.`,
  };
}

function encodeSingle(spec: ExperimentSpec, results?: ExperimentResults): EncodedLink {
  const make = makeFragment;
  const specOnly = make({ spec });
  if (!results) return { fragment: specOnly, embedded: 'spec' };
  const full = make({ spec, results: compactResults(results, true) });
  if (full.length <= MAX_LINK_CHARS) return { fragment: full, embedded: 'points+probes' };
  const points = make({ spec, results: compactResults(results, false) });
  if (points.length <= MAX_LINK_CHARS) {
    return {
      fragment: points,
      embedded: 'points',
      note: 'The search trace was left out to keep the link under 8 KB.',
    };
  }
  return {
    fragment: specOnly,
    embedded: 'spec',
    note: `These results are too large to embed (${Math.round(points.length / 1024)} KB); the link holds the experiment only.`,
  };
}

/** Reads a location hash ("#e=…", "" or anything else) without ever throwing. */
export function decodeLink(hash: string): DecodedLink {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (fragment === '') return { kind: 'none' };
  if (fragment.length > MAX_FRAGMENT_CHARS) {
    return refuse(
      `it is ${Math.round(fragment.length / 1024)} KB long, more than any EMC Lab link`,
    );
  }
  const data = new URLSearchParams(fragment).get(LINK_PARAM);
  if (!data) return refuse(`it has no experiment in it (expected "#${LINK_PARAM}=…")`);

  const decompressed = decompressBounded(data, MAX_DECOMPRESSED_CHARS);
  if (!decompressed.ok) {
    return refuse(
      decompressed.reason === 'too long'
        ? `its data expands to more than ${MAX_DECOMPRESSED_CHARS.toLocaleString('en-US')} characters, more than any EMC Lab link holds`
        : 'it is truncated or corrupted: its data could not be decompressed',
    );
  }
  const json = decompressed.text;
  if (!json) return refuse('it is truncated or corrupted: its data could not be decompressed');
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return refuse('it is truncated or corrupted: its data is not valid JSON');
  }
  if (typeof payload !== 'object' || payload === null || !('spec' in payload)) {
    return refuse('it holds no experiment spec');
  }
  const {
    spec: rawSpec,
    results: rawResults,
    comparison: rawComparison,
    ...unknown
  } = payload as Record<string, unknown>;
  if (Object.keys(unknown).length > 0) {
    return refuse(`it has unknown parts: ${Object.keys(unknown).slice(0, 3).join(', ')}`);
  }
  const check = readSpec(rawSpec);
  if (!check.ok) {
    return refuse(
      check.unreadable
        ? (check.errors[0] as string)
        : `its experiment is invalid: ${check.errors.slice(0, 3).join('; ')}`,
    );
  }
  const notes = check.migrationNotes ? { migrationNotes: check.migrationNotes } : {};
  if (rawComparison !== undefined) {
    const read = readComparison(rawComparison, rawResults !== undefined);
    if (!read.ok) return { kind: 'ok', spec: check.spec, ...notes, warning: read.warning };
    if (read.current !== undefined) {
      return {
        kind: 'ok',
        spec: check.spec,
        ...notes,
        results: read.comparison.runs[read.current]?.results,
        comparison: read.comparison,
      };
    }
    // The current run is not among the compared ones: the link's own results, if any.
    if (rawResults === undefined) {
      return { kind: 'ok', spec: check.spec, ...notes, comparison: read.comparison };
    }
    const own = readResults(rawResults, check.spec, '');
    if (!own.ok) return { kind: 'ok', spec: check.spec, ...notes, warning: own.warning };
    return {
      kind: 'ok',
      spec: check.spec,
      ...notes,
      results: own.results,
      comparison: read.comparison,
    };
  }
  if (rawResults === undefined) return { kind: 'ok', spec: check.spec, ...notes };
  const read = readResults(rawResults, check.spec, '');
  if (!read.ok) return { kind: 'ok', spec: check.spec, ...notes, warning: read.warning };
  return { kind: 'ok', spec: check.spec, results: read.results, ...notes };
}

type ReadResults = { ok: true; results: ExperimentResults } | { ok: false; warning: string };

/** One embedded run's results, checked against its schema and for consistency. */
function readResults(raw: unknown, spec: ExperimentSpec, what: string): ReadResults {
  const results = compactResultsSchema.safeParse(raw);
  if (!results.success) {
    return {
      ok: false,
      warning: `The results embedded in this link${what} are damaged and were ignored; run it to see them.`,
    };
  }
  const expanded = expandResults(results.data, spec);
  const contradiction = resultsContradiction(expanded, results.data.probes !== undefined);
  if (contradiction) {
    return {
      ok: false,
      warning: `The results embedded in this link${what} contradict themselves (${contradiction}) and were ignored; run it to see them.`,
    };
  }
  return { ok: true, results: expanded };
}

/**
 * A comparison's runs, each spec and each result checked as a link's own are: one bad run
 * drops the whole comparison (a comparison missing a side would mislead), with a warning.
 */
function readComparison(
  raw: unknown,
  hasOwnResults: boolean,
): { ok: true; comparison: SharedComparison; current?: number } | { ok: false; warning: string } {
  const parsed = comparisonSchema.safeParse(raw);
  const damaged = {
    ok: false as const,
    warning: 'The comparison embedded in this link is damaged and was ignored; run it to see it.',
  };
  if (!parsed.success) return damaged;
  const { title, runs: rawRuns, current } = parsed.data;
  // The current run is either one of the compared runs or the link's own, never both.
  if (current !== undefined && (current >= rawRuns.length || hasOwnResults)) return damaged;
  const runs: SharedComparison['runs'] = [];
  for (const [index, run] of rawRuns.entries()) {
    const spec = readSpec(run.spec);
    if (!spec.ok) return damaged;
    const read = readResults(run.results, spec.spec, ` (run ${index + 1}, “${run.label}”)`);
    if (!read.ok) return read;
    runs.push({ label: run.label, results: read.results });
  }
  return {
    ok: true,
    comparison: { ...(title === undefined ? {} : { title }), runs },
    ...(current === undefined ? {} : { current }),
  };
}

function refuse(reason: string): DecodedLink {
  return {
    kind: 'error',
    message: `This link could not be opened: ${reason}. The default experiment is shown instead.`,
  };
}
