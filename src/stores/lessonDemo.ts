import { parseSpec } from '../engine/experiment/index.ts';
import { type Preset, variantSpec } from '../presets/presets.ts';
import type { PinnedRun } from './compareStore.ts';

/**
 * Whether a lesson step's demo has run to the end: every variant of its preset finished and
 * is on the chart (runVariants pins each one as it finishes). Until then the lesson keeps
 * the answers hidden, so the class predicts before it sees them.
 */
export function demoHasRun(preset: Preset, pinned: readonly PinnedRun[]): boolean {
  return preset.variants.every((_, index) => {
    const name = parseSpec(variantSpec(preset, index)).name;
    return pinned.some(
      (run) => run.results.status === 'complete' && run.results.spec.name === name,
    );
  });
}
