import { create } from 'zustand';
import type { ExperimentResults, PointResult } from '../engine/results.ts';
import { leafFields } from '../engine/experiment/fields.ts';
import type { ExperimentSpec } from '../engine/experiment/index.ts';
import type { SharedComparison } from '../share/linkCodec.ts';
import { directionCounts, directionHolds } from '../share/verdicts.ts';

/** A finished run kept on the EMC chart so later runs can be compared with it. */
export interface PinnedRun {
  id: string;
  /** Set by presets ("SGD", "full batch"); otherwise derived from the differing spec field. */
  label?: string;
  results: ExperimentResults;
}

interface CompareState {
  pinned: PinnedRun[];
  /** What the comparison shows ("Finding 4: true vs random labels"); none for pins by hand. */
  title?: string;
  /** Pins a finished run; a run already pinned (the same results) is not pinned again. */
  pin(results: ExperimentResults, label?: string): void;
  unpin(id: string): void;
  /** Empties the comparison; a preset's run gives the new one its title. */
  clear(title?: string): void;
  /** Replaces the comparison by the runs of a link or a file, in their order. */
  show(
    title: string | undefined,
    runs: ReadonlyArray<{ label?: string; results: ExperimentResults }>,
  ): void;
}

const MAX_PINNED = 8;
let nextId = 1;

export const useCompareStore = create<CompareState>()((set) => ({
  pinned: [],
  pin: (results, label) =>
    set((state) =>
      isPinned(state.pinned, results)
        ? state
        : {
            pinned: [...state.pinned, { id: `pin-${nextId++}`, label, results }].slice(-MAX_PINNED),
          },
    ),
  unpin: (id) => set((state) => ({ pinned: state.pinned.filter((p) => p.id !== id) })),
  clear: (title) => set({ pinned: [], title }),
  show: (title, runs) =>
    set({
      title,
      pinned: runs
        .slice(-MAX_PINNED)
        .map((run) => ({ id: `pin-${nextId++}`, label: run.label, results: run.results })),
    }),
}));

/**
 * Whether these results are pinned already. A finished run's results document is one
 * object from its end on (the run store keeps it), so identity tells the same run.
 */
export function isPinned(pinned: readonly PinnedRun[], results: ExperimentResults | undefined) {
  return results !== undefined && pinned.some((p) => p.results === results);
}

/**
 * Legend labels for overlaid runs: the spec fields whose values differ between them
 * ("batchSize: full" against "batchSize: 32"), so the legend says what was varied.
 */
export function labelByDifference(specs: readonly ExperimentSpec[]): string[] {
  const flat = specs.map(
    (spec) =>
      new Map(
        [...leafFields(spec)].map(([path, value]) => [
          path,
          Array.isArray(value) ? value.join(', ') : String(value),
        ]),
      ),
  );
  const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))].filter((p) => p !== 'name');
  const differing = paths.filter((path) => new Set(flat.map((f) => f.get(path))).size > 1);
  return flat.map((f, index) => {
    if (differing.length === 0) return specs[index]?.name ?? `run ${index + 1}`;
    return differing
      .slice(0, 3)
      .map((path) => `${path.split('.').at(-1)}: ${f.get(path) ?? '–'}`)
      .join(', ');
  });
}

/** A compared run: its legend label and its points. */
export interface ComparedRun {
  label: string;
  points: readonly PointResult[];
}

/**
 * One sentence per run after the first, comparing it with the first (the baseline) pair by
 * pair, led by the run that fits more in more pairs: "SGD, batch 16 fits more than full
 * batch in 6 of 6 (seed, width) pairs".
 */
export function comparisonSentences(runs: readonly ComparedRun[]): string[] {
  const [first, ...others] = runs;
  if (!first) return [];
  return others.map((other) => {
    const { more, fewer } = directionCounts(other.points, first.points);
    const [a, b] = more >= fewer ? [other, first] : [first, other];
    return directionHolds(a.points, b.points, { a: a.label, b: b.label });
  });
}

/** A comparison as one object: what the chart overlays, a link carries and a file holds. */
export type Comparison = SharedComparison;

/**
 * The comparison on screen: the pinned runs in their order, then the current run unless it
 * is one of them (a preset's last variant is both) or it has nothing to show yet.
 * Undefined without pins: a single run is no comparison.
 */
export function comparisonOf(
  pinned: readonly PinnedRun[],
  pinnedLabels: readonly string[],
  title: string | undefined,
  current: { label?: string; results?: ExperimentResults },
): Comparison | undefined {
  if (pinned.length === 0) return undefined;
  const runs = pinned.map((run, index) => ({
    label: pinnedLabels[index] ?? run.label ?? `run ${index + 1}`,
    results: run.results,
  }));
  const { results } = current;
  if (results && results.points.length > 0 && !isPinned(pinned, results)) {
    runs.push({ label: current.label ?? 'current', results });
  }
  return { ...(title === undefined ? {} : { title }), runs };
}
