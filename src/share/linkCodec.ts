import { compressToEncodedURIComponent } from 'lz-string';
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

export type DecodedLink =
  | { kind: 'none' }
  | {
      kind: 'ok';
      spec: ExperimentSpec;
      results?: ExperimentResults;
      warning?: string;
      /** What migrating a link of an older version reinterpreted (to tell the person). */
      migrationNotes?: string[];
    }
  | { kind: 'error'; message: string };

export interface EncodedLink {
  fragment: string;
  /** What was embedded: results with probes, results without probes, or the spec only. */
  embedded: 'spec' | 'points' | 'points+probes';
  /** Set when results were asked for but did not fit in MAX_LINK_CHARS. */
  note?: string;
}

/** The fragment (with its #) for a spec, embedding as much of `results` as fits. */
export function encodeLink(spec: ExperimentSpec, results?: ExperimentResults): EncodedLink {
  const make = (payload: object) =>
    `#${LINK_PARAM}=${compressToEncodedURIComponent(JSON.stringify(payload))}`;
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
  const { spec: rawSpec, results: rawResults, ...unknown } = payload as Record<string, unknown>;
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
  if (rawResults === undefined) return { kind: 'ok', spec: check.spec, ...notes };

  const results = compactResultsSchema.safeParse(rawResults);
  if (!results.success) {
    return {
      kind: 'ok',
      spec: check.spec,
      ...notes,
      warning:
        'The results embedded in this link are damaged and were ignored; run it to see them.',
    };
  }
  const expanded = expandResults(results.data, check.spec);
  const contradiction = resultsContradiction(expanded, results.data.probes !== undefined);
  if (contradiction) {
    return {
      kind: 'ok',
      spec: check.spec,
      ...notes,
      warning: `The results embedded in this link contradict themselves (${contradiction}) and were ignored; run it to see them.`,
    };
  }
  return { kind: 'ok', spec: check.spec, results: expanded, ...notes };
}

function refuse(reason: string): DecodedLink {
  return {
    kind: 'error',
    message: `This link could not be opened: ${reason}. The default experiment is shown instead.`,
  };
}
