import { parseSpec } from '../engine/experiment/index.ts';
import { findingLabel, type Preset, variantSpec } from '../presets/presets.ts';
import { useConfigStore } from '../stores/configStore.ts';
import { runVariants } from './variantQueue.ts';

/** Puts a preset's first variant in the form and the URL (a history entry: Back works). */
export function loadPreset(preset: Preset): void {
  const spec = parseSpec(variantSpec(preset, 0));
  useConfigStore.getState().loadSpec(spec, { historyEntry: true });
}

/** Loads a preset and runs every variant in turn, overlaid on the EMC chart. */
export function runPreset(preset: Preset): void {
  loadPreset(preset);
  const variants = preset.variants.map((variant, index) => ({
    label: variant.label,
    spec: parseSpec(variantSpec(preset, index)),
  }));
  runVariants(
    variants,
    useConfigStore.getState().backend,
    `${findingLabel(preset.finding).replace(/^f/, 'F')}: ${preset.title}`,
  );
}
