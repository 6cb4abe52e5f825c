import { create } from 'zustand';
import type { ExperimentResults, PointResult } from '../engine/results.ts';
import { leafFields } from '../engine/experiment/fields.ts';
import type { ExperimentSpec } from '../engine/experiment/index.ts';
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
  pin(results: ExperimentResults, label?: string): void;
  unpin(id: string): void;
  clear(): void;
}

const MAX_PINNED = 8;
let nextId = 1;

export const useCompareStore = create<CompareState>()((set) => ({
  pinned: [],
  pin: (results, label) =>
    set((state) => ({
      pinned: [...state.pinned, { id: `pin-${nextId++}`, label, results }].slice(-MAX_PINNED),
    })),
  unpin: (id) => set((state) => ({ pinned: state.pinned.filter((p) => p.id !== id) })),
  clear: () => set({ pinned: [] }),
}));

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
