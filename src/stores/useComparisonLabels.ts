import { useMemo } from 'react';
import {
  type Comparison,
  comparisonOf,
  comparisonSentences,
  labelByDifference,
  useCompareStore,
} from './compareStore.ts';
import { useLiveResults } from './useLiveResults.ts';
import { useRunStore } from './runStore.ts';

export interface ComparisonLabels {
  /** One per pinned run: its preset label, or how its spec differs from the others. */
  pinned: string[];
  /**
   * How the current run differs from the pinned ones (undefined without pins or a run, and
   * when the current run is itself pinned: it is drawn and named once, as its pin).
   */
  current?: string;
  /** Which pin is the current run (-1: none). */
  currentPin: number;
}

/** Legend labels for the pinned runs and the current one, shared by the chart and the list. */
export function useComparisonLabels(): ComparisonLabels {
  const pinned = useCompareStore((state) => state.pinned);
  const spec = useRunStore((state) => state.spec);
  const results = useLiveResults();
  return useMemo(() => {
    const currentPin = results ? pinned.findIndex((p) => p.results === results) : -1;
    const labels = labelByDifference([
      ...pinned.map((p) => p.results.spec),
      ...(spec && currentPin < 0 ? [spec] : []),
    ]);
    return {
      pinned: pinned.map((run, index) => run.label ?? labels[index] ?? `run ${index + 1}`),
      current: pinned.length > 0 && spec && currentPin < 0 ? labels.at(-1) : undefined,
      currentPin,
    };
  }, [pinned, spec, results]);
}

/**
 * The comparison on screen (pinned runs, then the current run unless it is pinned), for the
 * share link and the exports; undefined without pins.
 */
export function useComparison(): Comparison | undefined {
  const pinned = useCompareStore((state) => state.pinned);
  const title = useCompareStore((state) => state.title);
  const results = useLiveResults();
  const labels = useComparisonLabels();
  return useMemo(
    () =>
      comparisonOf(pinned, labels.pinned, title, {
        label: labels.current === undefined ? undefined : `current (${labels.current})`,
        results,
      }),
    [pinned, labels, title, results],
  );
}

/**
 * Whether the pinned runs' direction holds pair by pair: one sentence per pinned run after
 * the first, against the first (a preset's variants are pinned in their order).
 */
export function useComparisonSentences(): string[] {
  const pinned = useCompareStore((state) => state.pinned);
  const labels = useComparisonLabels();
  return useMemo(
    () =>
      comparisonSentences(
        pinned.map((run, index) => ({
          label: labels.pinned[index] ?? `run ${index + 1}`,
          points: run.results.points,
        })),
      ),
    [pinned, labels],
  );
}
