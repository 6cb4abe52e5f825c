import { useMemo } from 'react';
import { comparisonSentences, labelByDifference, useCompareStore } from './compareStore.ts';
import { useRunStore } from './runStore.ts';

export interface ComparisonLabels {
  /** One per pinned run: its preset label, or how its spec differs from the others. */
  pinned: string[];
  /** How the current run differs from the pinned ones (undefined without pins or a run). */
  current?: string;
}

/** Legend labels for the pinned runs and the current one, shared by the chart and the list. */
export function useComparisonLabels(): ComparisonLabels {
  const pinned = useCompareStore((state) => state.pinned);
  const spec = useRunStore((state) => state.spec);
  return useMemo(() => {
    const labels = labelByDifference([
      ...pinned.map((p) => p.results.spec),
      ...(spec ? [spec] : []),
    ]);
    return {
      pinned: pinned.map((run, index) => run.label ?? labels[index] ?? `run ${index + 1}`),
      current: pinned.length > 0 && spec ? labels.at(-1) : undefined,
    };
  }, [pinned, spec]);
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
