import { DATA_SOURCES, MODEL_FAMILIES } from '../engine/experiment/index.ts';
import type { Preset } from './presets.ts';

/** The features a preset needs that this version of the engine does not have yet. */
export function missingFeatures(preset: Preset): string[] {
  const families = (preset.requires?.families ?? []).filter(
    (family) => !(MODEL_FAMILIES as readonly string[]).includes(family),
  );
  const sources = (preset.requires?.sources ?? []).filter(
    (source) => !(DATA_SOURCES as readonly string[]).includes(source),
  );
  return [...families.map((f) => `${f.toUpperCase()} models`), ...sources.map((s) => `${s} data`)];
}
